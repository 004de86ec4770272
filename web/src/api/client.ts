import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";
import { getSession, requireMfaSetup } from "../auth/session";

export type Schemas = components["schemas"];
export type Problem = Schemas["Problem"];

/** A failed call: the API's problem+json (or one made up for a network failure). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
  }
  fieldError(field: string): string | undefined {
    return this.problem.errors?.find((e) => e.field === field || e.field.endsWith(`.${field}`))
      ?.message;
  }
}

export function asProblem(status: number, body: unknown): Problem {
  if (body && typeof body === "object" && "title" in body && typeof body.title === "string") {
    return body as Problem;
  }
  if (body && typeof body === "object" && "message" in body && typeof body.message === "string") {
    return { type: "about:blank", title: body.message, status };
  }
  return { type: "about:blank", title: `HTTP ${status}`, status };
}

let onUnauthorized: () => void = () => {};
/** What to do when the API answers 401 on a signed-in call (sign out, back to sign-in). */
export function setUnauthorizedHandler(handler: () => void) {
  onUnauthorized = handler;
}

let renew: () => Promise<boolean> = async () => false;
/** How to get a new ID token when the API answers 401 (the refresh token; see auth/renewal.ts). */
export function setRenewHandler(handler: () => Promise<boolean>) {
  renew = handler;
}

/** Renews the session's tokens now (after enrolling an authenticator: the new ID token carries `custom:mfa`). */
export function renewSession(): Promise<boolean> {
  return renew();
}

/** A staff call refused until the member enrols an authenticator app (403 `mfa-required`). */
export function isMfaRequired(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status === 403 && /(^|\/)mfa-required$/.test(error.problem.type);
}

/** Removing the authenticator or making new backup codes wants a sign-in of the last minutes (403 `fresh-sign-in-required`). */
export function isFreshSignInRequired(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status === 403 && /(^|\/)fresh-sign-in-required$/.test(error.problem.type);
}

/** The refresh call itself is public and never renewed (its 401 means: sign in again). */
const bearer = (request: Request) => request.headers.get("Authorization")?.replace(/^Bearer /, "");
const isRefresh = (request: Request) => new URL(request.url).pathname.endsWith("/auth/refresh");

const auth: Middleware = {
  onRequest({ request }) {
    const session = getSession();
    if (session && !isRefresh(request)) request.headers.set("Authorization", `Bearer ${session.idToken}`);
    return request;
  },
  async onResponse({ response, request }) {
    if (response.status === 401 && request.headers.has("Authorization")) onUnauthorized();
    // Staff without an authenticator app: the enrolment screen comes first (App.tsx), whatever the call.
    if (response.status === 403 && request.headers.has("Authorization")) {
      const type: unknown = await response
        .clone()
        .json()
        .then((body: { type?: unknown }) => body?.type, () => undefined);
      if (typeof type === "string" && /(^|\/)mfa-required$/.test(type)) requireMfaSetup();
    }
    return response;
  },
};

export type Api = ReturnType<typeof makeApi>;
type Fetch = (request: Request) => Promise<Response>;

/**
 * A signed-in call the API answers 401 (the ID token expired or was revoked) is sent once more
 * after renewing the ID token; when renewal fails, or the second answer is 401 too, the 401
 * stands and the auth middleware signs out.
 */
export function renewingFetch(fetchImpl?: Fetch) {
  return async (request: Request): Promise<Response> => {
    const send: Fetch = fetchImpl ?? ((r) => globalThis.fetch(r));
    const signedIn = request.headers.has("Authorization") && !isRefresh(request);
    const spare = signedIn ? request.clone() : null;
    const response = await send(request);
    if (response.status !== 401 || !spare) return response;
    // Another call may have renewed the token while this one was under way.
    const renewed = getSession()?.idToken !== bearer(spare) || (await renew());
    const session = getSession();
    if (!renewed || !session) return response;
    spare.headers.set("Authorization", `Bearer ${session.idToken}`);
    return send(spare);
  };
}

export function makeApi(baseUrl: string, fetchImpl?: Fetch) {
  const client = createClient<paths>({ baseUrl, fetch: renewingFetch(fetchImpl) });
  client.use(auth);
  return client;
}

/** Unwraps an openapi-fetch result: the data, or an ApiError carrying the problem. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<{ data: T; response: Response }> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (cause) {
    throw new ApiError(0, { type: "about:blank", title: "network", status: 0, detail: String(cause) });
  }
  if (result.error !== undefined || !result.response.ok) {
    throw new ApiError(result.response.status, asProblem(result.response.status, result.error));
  }
  return { data: result.data as T, response: result.response };
}
