import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createRenewal, renewalDelay, type RefreshOutcome } from "./renewal";
import { getSession, setSession, type Session } from "./session";

const MINUTE = 60_000;

function jwt(payload: object): string {
  const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return `${b64({ alg: "RS256" })}.${b64(payload)}.sig`;
}

/** An ID token valid for `minutes` from the (fake) clock's now. */
function token(minutes: number, sub = "s1"): string {
  return jwt({ sub, "cognito:groups": ["patients"], "custom:patient_id": "01P", exp: Math.floor(Date.now() / 1000) + minutes * 60 });
}

function signIn(minutes = 60, refreshToken: string | null = "r1"): Session {
  const idToken = token(minutes);
  const session: Session = {
    idToken,
    ...(refreshToken ? { refreshToken } : {}),
    claims: { sub: "s1", groups: ["patients"], patientId: "01P", exp: Math.floor(Date.now() / 1000) + minutes * 60 },
  };
  setSession(session);
  return session;
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2026-03-02T09:00:00Z"));
  setSession(null);
});

afterEach(() => {
  vi.useRealTimers();
  setSession(null);
});

describe("when to renew", () => {
  it("two minutes before the token expires, halfway for a short-lived one, at once for an expired one", () => {
    const now = Date.now();
    expect(renewalDelay(now / 1000 + 3600, now)).toBe(58 * MINUTE);
    expect(renewalDelay(now / 1000 + 120, now)).toBe(MINUTE);
    expect(renewalDelay(now / 1000 - 5, now)).toBe(0);
  });
});

describe("session renewal", () => {
  it("renews the access token with the ID token (authenticator enrolment sends it), and keeps the session's flags", async () => {
    const refresh = vi.fn(async (): Promise<RefreshOutcome> => ({ kind: "renewed", idToken: token(5), accessToken: "a2" }));
    const renewal = createRenewal({ refresh, onExpired: vi.fn() });
    setSession({ ...signIn(5), accessToken: "a1", mfaSetupRequired: true });
    expect(await renewal.renew()).toBe(true);
    expect(getSession()?.accessToken).toBe("a2");
    expect(getSession()?.mfaSetupRequired).toBe(true);
  });

  it("renews shortly before the ID token expires, with the refresh token, again and again", async () => {
    const refresh = vi.fn(async (): Promise<RefreshOutcome> => ({ kind: "renewed", idToken: token(60) }));
    const onExpired = vi.fn();
    const stop = createRenewal({ refresh, onExpired }).start();
    const first = signIn(60);

    await vi.advanceTimersByTimeAsync(58 * MINUTE - 1);
    expect(refresh).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(refresh).toHaveBeenCalledWith("r1");
    const renewed = getSession()!;
    expect(renewed.idToken).not.toBe(first.idToken);
    expect(renewed.refreshToken).toBe("r1"); // Cognito sends no new refresh token: the old one stays.
    expect(renewed.claims.exp * 1000).toBe(Date.now() + 60 * MINUTE);

    // The new token is renewed in its turn.
    await vi.advanceTimersByTimeAsync(58 * MINUTE);
    expect(refresh).toHaveBeenCalledTimes(2);
    expect(onExpired).not.toHaveBeenCalled();
    stop();
  });

  it("ends the session when the refresh token is refused", async () => {
    const refresh = vi.fn(async (): Promise<RefreshOutcome> => ({ kind: "refused" }));
    const onExpired = vi.fn();
    const stop = createRenewal({ refresh, onExpired }).start();
    signIn(60);
    await vi.advanceTimersByTimeAsync(58 * MINUTE);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(onExpired).toHaveBeenCalledTimes(1);
    stop();
  });

  it("tries again after a network failure while the token still works, then leaves it to the next 401", async () => {
    let answers: RefreshOutcome["kind"][] = ["failed", "failed", "renewed"];
    const refresh = vi.fn(async (): Promise<RefreshOutcome> => {
      const kind = answers.shift()!;
      if (kind === "renewed") return { kind, idToken: token(60) };
      if (kind === "failed") throw new TypeError("Failed to fetch");
      return { kind };
    });
    const onExpired = vi.fn();
    const stop = createRenewal({ refresh, onExpired }).start();
    const first = signIn(60);
    await vi.advanceTimersByTimeAsync(58 * MINUTE);
    expect(refresh).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(refresh).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(refresh).toHaveBeenCalledTimes(3);
    expect(getSession()!.idToken).not.toBe(first.idToken);
    expect(onExpired).not.toHaveBeenCalled();
    stop();

    // Past the token's expiry nothing more is tried on a timer.
    answers = ["failed", "failed", "failed", "failed", "failed", "failed"];
    refresh.mockClear();
    const stop2 = createRenewal({ refresh, onExpired, retryMs: 45_000 }).start();
    signIn(1);
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(refresh.mock.calls.length).toBeLessThanOrEqual(2);
    expect(onExpired).not.toHaveBeenCalled();
    stop2();
  });

  it("shares one refresh call among everyone asking at once", async () => {
    let resolve: (o: RefreshOutcome) => void = () => {};
    const refresh = vi.fn(() => new Promise<RefreshOutcome>((r) => (resolve = r)));
    const renewal = createRenewal({ refresh, onExpired: vi.fn() });
    signIn(60);
    const asked = [renewal.renew(), renewal.renew(), renewal.renew()];
    resolve({ kind: "renewed", idToken: token(60) });
    expect(await Promise.all(asked)).toEqual([true, true, true]);
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it("never brings back a session that was signed out while renewing", async () => {
    let resolve: (o: RefreshOutcome) => void = () => {};
    const refresh = vi.fn(() => new Promise<RefreshOutcome>((r) => (resolve = r)));
    const renewal = createRenewal({ refresh, onExpired: vi.fn() });
    signIn(60);
    const asked = renewal.renew();
    setSession(null);
    resolve({ kind: "renewed", idToken: token(60) });
    expect(await asked).toBe(false);
    expect(getSession()).toBeNull();
  });

  it("does nothing without a refresh token, and nothing after sign-out or stop", async () => {
    const refresh = vi.fn(async (): Promise<RefreshOutcome> => ({ kind: "renewed", idToken: token(60) }));
    const onExpired = vi.fn();
    const renewal = createRenewal({ refresh, onExpired });
    const stop = renewal.start();
    signIn(60, null);
    expect(await renewal.renew()).toBe(false);
    await vi.advanceTimersByTimeAsync(120 * MINUTE);
    signIn(60);
    setSession(null);
    await vi.advanceTimersByTimeAsync(120 * MINUTE);
    signIn(60);
    stop();
    await vi.advanceTimersByTimeAsync(120 * MINUTE);
    expect(refresh).not.toHaveBeenCalled();
    expect(onExpired).not.toHaveBeenCalled();
  });
});

describe("a token valid for longer than a timer can wait", () => {
  it("is not renewed early (browsers fire a setTimeout over 2^31 ms at once)", async () => {
    const refresh = vi.fn(async (): Promise<RefreshOutcome> => ({ kind: "renewed", idToken: token(60) }));
    const stop = createRenewal({ refresh, onExpired: vi.fn() }).start();
    signIn(60 * 24 * 60); // sixty days
    await vi.advanceTimersByTimeAsync(30 * 24 * 60 * MINUTE);
    expect(refresh).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(30 * 24 * 60 * MINUTE);
    expect(refresh).toHaveBeenCalledTimes(1);
    stop();
  });
});
