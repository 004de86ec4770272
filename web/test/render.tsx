import { vi } from "vitest";
import { render } from "@testing-library/react";
import { App, makeQueryClient } from "../src/App";
import { setSession } from "../src/auth/session";

// What the screens' tests share: the app's configuration, a JSON answer, a stubbed API that logs
// what it was sent, and the whole app rendered at an address for a signed-in person.

export const testConfig = { apiUrl: "http://api.test", userPoolId: "p", clientId: "c", practiceTimeZone: "America/New_York" };

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

/** A request's path (`/patients/me/…`), without the API's origin or the query. */
export const path = (r: Request) => new URL(r.url).pathname;

export type Call = { method: string; path: string; search: string; body: unknown; headers: Headers };
/** Answers a request it knows, or `undefined` to leave it to the next handler. */
export type Handler = (request: Request) => Response | undefined;

/**
 * Stubs `fetch` with an API that asks `handlers` in turn (the first answer wins; an empty list
 * otherwise) and appends every request to `calls`. Both arrays are read at each request, so a test
 * may still add handlers (`unshift` to take precedence) after this is called.
 */
export function stubApi(handlers: Handler[], calls: Call[]) {
  vi.stubGlobal("fetch", async (input: Request) => {
    const text = input.method === "GET" ? "" : await input.clone().text();
    const url = new URL(input.url);
    calls.push({ method: input.method, path: url.pathname, search: url.search, body: text ? JSON.parse(text) : undefined, headers: input.headers });
    for (const handler of handlers) {
      const response = handler(input);
      if (response) return response;
    }
    return json(200, { items: [], nextCursor: null, totalUnread: 0 });
  });
}

/** Who is signed in: their groups, and a patient's own id for a patient's account. */
export interface TestSession {
  groups: string[];
  sub?: string;
  patientId?: string;
}

/** Signs `session` in (when given) and renders the whole app at `at`, as a browser opening that address. */
export function renderApp(at: string, session?: TestSession) {
  if (session) {
    const { groups, sub = "u1", patientId } = session;
    setSession({ idToken: "t", claims: { sub, groups, ...(patientId ? { patientId } : {}), exp: 9e9 } });
  }
  history.replaceState(null, "", at);
  return render(<App config={testConfig} queryClient={makeQueryClient()} />);
}
