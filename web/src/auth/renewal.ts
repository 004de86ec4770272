// Keeps a signed-in session alive with its refresh token: a new ID token shortly before the
// current one expires (they last 5 minutes in the cloud: renewed 2 minutes before, after 3),
// and once more when the API answers 401.
// The refresh token never leaves this module's memory (see session.ts). The staff idle timeout
// is separate (App.tsx): renewal keeps an active session going, it never extends an idle one
// past that timeout.

import { decodeClaims, getSession, setSession, subscribe, type Session } from "./session";

/** Renew this long before the ID token expires. */
export const RENEW_BEFORE_MS = 2 * 60 * 1000;
/** After a failed renewal that was not a refusal (network, 5xx), try again this much later. */
export const RETRY_MS = 30 * 1000;

/** Browsers fire a longer setTimeout at once (a 32-bit delay); a renewal that far off is re-planned then. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** What a refresh call answered: new tokens, a refusal (401: sign in again), or a failure to retry. */
export type RefreshOutcome = { kind: "renewed"; idToken: string; accessToken?: string } | { kind: "refused" } | { kind: "failed" };

export interface RenewalOptions {
  refresh: (refreshToken: string) => Promise<RefreshOutcome>;
  /** The refresh token was refused: the session is over. */
  onExpired: () => void;
  now?: () => number;
  renewBeforeMs?: number;
  retryMs?: number;
}

export interface Renewal {
  /** Renews now (one call at a time, shared by every caller); true when a new ID token is in the session. */
  renew: () => Promise<boolean>;
  /** Follows the session: schedules renewal for each new one. Returns what stops it. */
  start: () => () => void;
}

/** When to renew a token expiring at `expSeconds`: shortly before, or halfway for a short-lived one. */
export function renewalDelay(expSeconds: number, now: number, renewBeforeMs = RENEW_BEFORE_MS): number {
  const remaining = expSeconds * 1000 - now;
  if (remaining <= 0) return 0;
  return remaining > 2 * renewBeforeMs ? remaining - renewBeforeMs : Math.floor(remaining / 2);
}

export function createRenewal(options: RenewalOptions): Renewal {
  const now = options.now ?? (() => Date.now());
  const renewBeforeMs = options.renewBeforeMs ?? RENEW_BEFORE_MS;
  const retryMs = options.retryMs ?? RETRY_MS;
  let inflight: Promise<RefreshOutcome["kind"]> | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let scheduledFor: Session | null = null;

  const attempt = (): Promise<RefreshOutcome["kind"]> => {
    if (inflight) return inflight;
    const session = getSession();
    if (!session?.refreshToken) return Promise.resolve("refused");
    inflight = (async () => {
      let outcome: RefreshOutcome;
      try {
        outcome = await options.refresh(session.refreshToken!);
      } catch {
        outcome = { kind: "failed" };
      }
      // Signed out (or in as someone else) meanwhile: never bring the old session back.
      if (outcome.kind === "renewed" && getSession() === session) {
        setSession({
          ...session,
          idToken: outcome.idToken,
          claims: decodeClaims(outcome.idToken),
          // The access token is renewed with it (authenticator enrolment sends it).
          ...(outcome.accessToken ? { accessToken: outcome.accessToken } : {}),
        });
      } else if (outcome.kind === "renewed") {
        return "failed";
      }
      return outcome.kind;
    })().finally(() => {
      inflight = null;
    });
    return inflight;
  };

  const clear = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };

  const schedule = (session: Session | null, delay?: number) => {
    clear();
    scheduledFor = session;
    if (!session?.refreshToken) return;
    const wait = delay ?? renewalDelay(session.claims.exp, now(), renewBeforeMs);
    const due = now() + wait;
    timer = setTimeout(() => {
      timer = undefined;
      if (now() < due) return schedule(session, due - now()); // a wait longer than a timer can hold
      void attempt().then((kind) => {
        if (getSession() !== session && kind === "renewed") return; // the new session scheduled itself
        if (kind === "refused") options.onExpired();
        else if (kind === "failed" && getSession() === session && session.claims.exp * 1000 > now()) {
          // A hiccup: try again while the token still works; after that a 401 decides.
          schedule(session, retryMs);
        }
      });
    }, Math.min(wait, MAX_TIMEOUT_MS));
  };

  return {
    renew: async () => (await attempt()) === "renewed",
    start: () => {
      const follow = () => {
        const session = getSession();
        if (session !== scheduledFor) schedule(session);
      };
      follow();
      const unsubscribe = subscribe(follow);
      return () => {
        unsubscribe();
        clear();
        scheduledFor = null;
      };
    },
  };
}
