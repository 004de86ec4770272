import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { act, fireEvent, screen } from "@testing-library/react";
import { renderApp } from "../../test/render";
import { getSession, setSession } from "../auth/session";
import { IDLE_WARNING_MS, PATIENT_IDLE_MS, STAFF_IDLE_MS } from "./IdleTimeout";

// Sessions end after a while without input (issue 13): staff sooner than patients, with a warning
// and a way to stay first. An idle sign-out revokes the session at the API.

const signOuts: unknown[] = [];

beforeEach(() => {
  vi.useFakeTimers({ shouldAdvanceTime: true });
  signOuts.length = 0;
  vi.stubGlobal("fetch", async (r: Request) => {
    if (new URL(r.url).pathname === "/auth/sign-out") signOuts.push(await r.json());
    return new Response(JSON.stringify({ items: [], nextCursor: null, totalUnread: 0 }), { status: 200, headers: { "Content-Type": "application/json" } });
  });
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  setSession(null);
});

const advance = (ms: number) => act(async () => void (await vi.advanceTimersByTimeAsync(ms)));

describe("signing out after a while without input", () => {
  it("warns a patient before the end, and staying signed in starts the time again", async () => {
    renderApp("/p/01PATIENT/care-circle", { groups: ["patients"], sub: "p1", patientId: "01PATIENT" });
    await advance(PATIENT_IDLE_MS - IDLE_WARNING_MS - 1000);
    expect(screen.queryByRole("alertdialog")).toBeNull();
    await advance(2000);
    await screen.findByRole("alertdialog", { name: "Are you still there?" });
    fireEvent.click(screen.getByRole("button", { name: "Stay signed in" }));
    expect(screen.queryByRole("alertdialog")).toBeNull();
    // The full time again from the click: still signed in where the first end would have been.
    await advance(IDLE_WARNING_MS + 1000);
    expect(getSession()).not.toBeNull();
    expect(signOuts).toHaveLength(0);
  });

  it("signs an idle patient out after the patients' time, revoking the session, and says why", async () => {
    setSession({ idToken: "t", accessToken: "a", refreshToken: "r", claims: { sub: "p1", groups: ["patients"], patientId: "01PATIENT", exp: 9e9 } });
    renderApp("/p/01PATIENT/care-circle");
    await advance(STAFF_IDLE_MS + 1000);
    expect(getSession()).not.toBeNull();
    await advance(PATIENT_IDLE_MS - STAFF_IDLE_MS);
    expect(getSession()).toBeNull();
    expect(signOuts).toEqual([{ refreshToken: "r", accessToken: "a" }]);
    expect(location.search).toContain("expired=1");
  });

  it("signs staff out sooner", async () => {
    renderApp("/staff/inbox", { groups: ["clinicians"], sub: "c1" });
    await advance(STAFF_IDLE_MS + 1000);
    expect(getSession()).toBeNull();
  });

  it("keeps a session that is in use", async () => {
    renderApp("/p/01PATIENT/care-circle", { groups: ["patients"], sub: "p1", patientId: "01PATIENT" });
    for (let i = 0; i < 4; i++) {
      await advance(PATIENT_IDLE_MS / 2);
      fireEvent.keyDown(window, { key: "Tab" });
    }
    expect(getSession()).not.toBeNull();
  });
});
