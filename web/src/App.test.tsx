import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { App, makeQueryClient } from "./App";
import { getSession, setSession } from "./auth/session";

const config = { apiUrl: "http://api.test", userPoolId: "p", clientId: "c", practiceTimeZone: "America/New_York" };
const ANA = "01HZZZZZZZZZZZZZZZZZZZZZZA";

function jwt(payload: object): string {
  const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, "");
  return `${b64({ alg: "RS256" })}.${b64(payload)}.sig`;
}

const record = (title: string, category: string, sources: string[]) => ({
  recordId: title,
  category,
  resourceType: "Condition",
  title,
  source: { sourceId: sources[0], name: sources[0] },
  sources: sources.map((name) => ({ sourceId: name, name, recordId: title })),
  updatedAt: "2024-01-01T00:00:00Z",
});

const json = (status: number, body: unknown, type = "application/json") =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": type } });

type Handler = (request: Request) => Response | undefined;
let handlers: Handler[] = [];
const calls: string[] = [];

beforeEach(() => {
  calls.length = 0;
  handlers = [
    (r) => {
      if (r.method === "POST" && r.url.endsWith("/auth/sign-in")) {
        return json(200, {
          idToken: jwt({ sub: "s1", "cognito:groups": ["patients"], "custom:patient_id": ANA, exp: 9e9 }),
          accessToken: "a",
          refreshToken: "r",
          expiresIn: 3600,
          tokenType: "Bearer",
        });
      }
    },
    (r) =>
      r.url.endsWith("/patients/me/summary")
        ? json(200, {
            activeProblems: [record("Type 2 diabetes", "conditions", ["Maple Street Family Practice", "Endocrinology Clinic"])],
            currentMedications: [record("Metformin", "medications", ["Riverside Urgent Care"])],
            allergies: [],
            latestVitals: [],
            recentResults: [],
            sources: [],
          })
        : undefined,
    (r) => (r.url.includes("/patients/me/appointments") ? json(200, { items: [], nextCursor: null }) : undefined),
    (r) => (r.url.endsWith("/patients/me/conversations") ? json(200, { items: [], nextCursor: null, totalUnread: 2 }) : undefined),
    (r) => (r.url.endsWith("/auth/sign-out") ? new Response(null, { status: 204 }) : undefined),
    // Nothing to accept, every feature on (the gate and the switches have tests of their own).
    (r) => (r.url.endsWith("/account/agreements") ? json(200, { items: [] }) : undefined),
    (r) => (/\/patients\/(me|01HZ\w+)\/features$/.test(r.url) ? json(200, { features: [] }) : undefined),
    (r) =>
      r.url.includes("/patients/01HOTHER")
        ? json(404, { type: "https://patient-portal.dev/problems/not-found", title: "Not found", status: 404 }, "application/problem+json")
        : undefined,
  ];
  vi.stubGlobal("fetch", async (input: Request) => {
    calls.push(`${input.method} ${input.url} ${input.headers.get("Authorization") ? "auth" : "anon"}`);
    for (const handler of handlers) {
      const response = handler(input);
      if (response) return response;
    }
    return json(500, { title: "unexpected" });
  });
  history.replaceState(null, "", "/");
  setSession(null);
});

afterEach(() => vi.unstubAllGlobals());

async function signIn() {
  fireEvent.change(await screen.findByLabelText("Email"), { target: { value: "ana@x.test" } });
  fireEvent.change(screen.getByLabelText("Password"), { target: { value: "pw" } });
  fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
}

describe("the patient app", () => {
  it("signs in, shows the summary with each record's sources, and keeps tokens out of storage", async () => {
    const queryClient = makeQueryClient();
    render(<App config={config} queryClient={queryClient} />);
    await signIn();
    expect(await screen.findByText("Type 2 diabetes")).toBeTruthy();
    expect(screen.getByText("Maple Street Family Practice · Endocrinology Clinic")).toBeTruthy();
    expect(screen.getByText("Riverside Urgent Care")).toBeTruthy();
    expect(await screen.findByText("2 unread")).toBeTruthy();
    expect(location.pathname).toBe("/p/me");
    expect(calls).toContain("GET http://api.test/patients/me/summary auth");
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
    expect(document.cookie).toBe("");

    // Sign-out revokes the refresh token, forgets the session and every cached answer.
    fireEvent.click(screen.getByRole("button", { name: "Sign out" }));
    await waitFor(() => expect(location.pathname).toBe("/sign-in"));
    expect(getSession()).toBeNull();
    expect(queryClient.getQueryCache().getAll()).toHaveLength(0);
    expect(calls.some((c) => c.startsWith("POST http://api.test/auth/sign-out"))).toBe(true);
  });

  it("shows not-found for another patient's id in the URL", async () => {
    history.replaceState(null, "", `/p/01HOTHER/records`);
    render(<App config={config} queryClient={makeQueryClient()} />);
    await signIn();
    // Back to the page the user asked for, which the API refuses.
    await waitFor(() => expect(location.pathname).toBe("/p/01HOTHER/records"));
    expect(await screen.findByRole("heading", { name: "Not found" })).toBeTruthy();
  });

  it("puts the API's field errors next to the field and the problem's title otherwise", async () => {
    handlers.unshift((r) =>
      r.url.endsWith("/auth/sign-in")
        ? json(422, { type: "x", title: "Invalid fields", status: 422, errors: [{ field: "email", message: "not an email address" }] }, "application/problem+json")
        : undefined,
    );
    render(<App config={config} queryClient={makeQueryClient()} />);
    await signIn();
    const error = await screen.findByText("not an email address");
    const input = screen.getByLabelText("Email");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(input.getAttribute("aria-describedby")).toContain(error.id);

    handlers.unshift((r) =>
      r.url.endsWith("/auth/sign-in")
        ? json(401, { type: "x", title: "Wrong email or password", status: 401 }, "application/problem+json")
        : undefined,
    );
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("Wrong email or password")).toBeTruthy();
  });

  it("on a 401 mid-session, signs out and comes back to the page after signing in again", async () => {
    handlers.unshift((r) =>
      r.url.endsWith("/patients/me/summary")
        ? json(401, { type: "x", title: "Sign-in required", status: 401 }, "application/problem+json")
        : undefined,
    );
    history.replaceState(null, "", "/p/me");
    const queryClient = makeQueryClient();
    render(<App config={config} queryClient={queryClient} />);
    await signIn();
    // Signed in first (the sign-in page is left), then out again by the 401.
    await waitFor(() => expect(new URLSearchParams(location.search).get("expired")).toBe("1"));
    expect(location.pathname).toBe("/sign-in");
    expect(new URLSearchParams(location.search).get("next")).toBe("/p/me");
    expect(await screen.findByText("Your session has ended. Please sign in again.")).toBeTruthy();
    expect(getSession()).toBeNull();

    handlers.shift();
    await signIn();
    await waitFor(() => expect(location.pathname).toBe("/p/me"));
    expect(await screen.findByText("Type 2 diabetes")).toBeTruthy();
  });

  it("on a 401 mid-session, renews the ID token with the refresh token and carries on signed in", async () => {
    const renewed = jwt({ sub: "s1", "cognito:groups": ["patients"], "custom:patient_id": ANA, exp: 9e9 + 1 });
    handlers.unshift(
      (r) =>
        r.url.endsWith("/patients/me/summary") && r.headers.get("Authorization") !== `Bearer ${renewed}`
          ? json(401, { type: "x", title: "Sign-in required", status: 401 }, "application/problem+json")
          : undefined,
      (r) =>
        r.method === "POST" && r.url.endsWith("/auth/refresh")
          ? json(200, { idToken: renewed, accessToken: "a2", expiresIn: 3600, tokenType: "Bearer" })
          : undefined,
    );
    render(<App config={config} queryClient={makeQueryClient()} />);
    await signIn();
    expect(await screen.findByText("Type 2 diabetes")).toBeTruthy();
    expect(location.pathname).toBe("/p/me");
    expect(getSession()?.idToken).toBe(renewed);
    expect(getSession()?.refreshToken).toBe("r");
    expect(calls.filter((c) => c.startsWith("POST http://api.test/auth/refresh"))).toEqual(["POST http://api.test/auth/refresh anon"]);
  });

  it("asks for the authenticator code when the API answers a challenge", async () => {
    handlers.unshift((r) =>
      r.url.endsWith("/auth/sign-in") ? json(200, { challenge: "SOFTWARE_TOKEN_MFA", session: "sess" }) : undefined,
    );
    render(<App config={config} queryClient={makeQueryClient()} />);
    await signIn();
    expect(await screen.findByLabelText("Six-digit code")).toBeTruthy();
  });
});
