import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { setSession } from "../auth/session";
import { json, path, renderApp, stubApi, type Call, type Handler } from "../../test/render";

// Issue 21 on the patients' side, against a stubbed API: a caregiver whose patient the practice
// locked reads why and gets no way into the record; an `account-locked` answer reads as the
// problem's title and detail, not "Not found"; the public "lock your account" link.

const ANA = "01HZZZZZZZZZZZZZZZZZZZZZZA";
const SAM = "01HZZZZZZZZZZZZZZZZZZZZZZS";
const slow = { timeout: 10_000 };
const problem = (status: number, type: string, extra: Record<string, unknown> = {}) =>
  new Response(JSON.stringify({ type: `https://patient-portal.dev/problems/${type}`, title: type, status, ...extra }), {
    status,
    headers: { "Content-Type": "application/problem+json" },
  });
const accountLocked = () =>
  problem(403, "account-locked", {
    title: "This account is locked",
    detail: "The practice has locked this portal account. Call the practice to have it unlocked.",
  });
const grant = (patientId: string, name: string, locked: boolean) => ({
  patientId,
  name,
  relationship: "son",
  scopes: ["records", "messages", "appointments"],
  guardian: false,
  invitationId: `01INV${patientId.slice(-3)}`,
  ...(locked ? { locked } : {}),
});

let handlers: Handler[] = [];
let calls: Call[] = [];

beforeEach(() => {
  calls = [];
  handlers = [
    (r) => (path(r) === "/account/agreements" ? json(200, { items: [] }) : undefined),
    (r) => (path(r) === "/public/status" ? json(200, { generatedAt: "2026-12-01T12:00:00.000Z", incidents: [] }) : undefined),
  ];
  stubApi(handlers, calls);
});

afterEach(() => {
  vi.unstubAllGlobals();
  setSession(null);
});

describe("a caregiver of a locked patient", () => {
  it("reads that the account is locked, with no link into the record, and still reaches the other patient", async () => {
    handlers.unshift((r) => {
      if (path(r) === "/caregivers/me/patients") return json(200, { items: [grant(ANA, "Ana Lopez", true), grant(SAM, "Sam Lopez", false)] });
      if (path(r).startsWith(`/patients/${ANA}/`)) return accountLocked();
      if (path(r) === `/patients/${SAM}/summary`) {
        return json(200, { activeProblems: [], currentMedications: [], allergies: [], latestVitals: [], recentResults: [] });
      }
      return undefined;
    });
    renderApp(`/p/${ANA}/records`, { groups: ["caregivers"], sub: "diego" });
    await screen.findByRole("heading", { name: "Ana Lopez's account is locked", level: 1 }, slow);
    expect(screen.getByText(/The practice has locked this patient's portal account/)).toBeTruthy();
    const nav = screen.getByRole("navigation", { name: "Main" });
    await waitFor(() => expect(within(nav).getAllByRole("link").map((a) => a.getAttribute("href"))).toEqual([`/p/${ANA}`]));
    expect(within(nav).getByRole("option", { name: "Ana Lopez (locked)" })).toBeTruthy();
    // Nothing of her record was asked for (only what the header reads: her switches, the practice's news).
    const asked = calls.filter((c) => c.path.startsWith(`/patients/${ANA}/`)).map((c) => c.path.split("/")[3]);
    expect(asked.filter((p) => p !== "features" && p !== "announcements")).toEqual([]);

    fireEvent.change(within(nav).getByLabelText("Acting for"), { target: { value: SAM } });
    await screen.findByRole("heading", { name: "Welcome", level: 1 }, slow);
    await within(nav).findByRole("link", { name: "Health record" }, slow);
  }, 15_000);

  it("reads the problem's title and detail when the lock comes while the list still says otherwise", async () => {
    handlers.unshift((r) => {
      if (path(r) === "/caregivers/me/patients") return json(200, { items: [grant(ANA, "Ana Lopez", false)] });
      if (path(r) === `/patients/${ANA}/summary`) return accountLocked();
      return undefined;
    });
    renderApp(`/p/${ANA}`, { groups: ["caregivers"], sub: "diego" });
    const alert = await screen.findByText("This account is locked", {}, slow);
    expect(alert.closest("[role=alert]")?.textContent).toContain("Call the practice to have it unlocked.");
    expect(screen.queryByRole("heading", { name: "Not found" })).toBeNull();
  });
});

describe("the lock-your-account link", () => {
  it("explains, takes the token out of the address, and locks only when asked", async () => {
    handlers.unshift((r) => (path(r) === "/auth/lock-account" ? new Response(null, { status: 204 }) : undefined));
    renderApp("/lock?token=abc.def-123");
    await screen.findByRole("heading", { name: "Lock your account", level: 1 }, slow);
    await waitFor(() => expect(location.pathname + location.search).toBe("/lock"));
    expect(screen.getByText(/stops the caregivers who act for you from seeing your record/)).toBeTruthy();
    expect(calls.filter((c) => c.path === "/auth/lock-account")).toHaveLength(0);

    fireEvent.click(screen.getByRole("button", { name: "Lock my account" }));
    const done = await screen.findByRole("status", {}, slow);
    expect(done.textContent).toContain("Your account is locked and everyone using it has been signed out.");
    expect(done.textContent).toContain("Call your practice");
    expect(calls.filter((c) => c.path === "/auth/lock-account").map((c) => c.body)).toEqual([{ token: "abc.def-123" }]);
  });

  it("says clearly that a refused link does not work", async () => {
    handlers.unshift((r) =>
      path(r) === "/auth/lock-account" ? problem(400, "invalid-token", { title: "Invalid token" }) : undefined,
    );
    renderApp("/lock?token=tampered");
    fireEvent.click(await screen.findByRole("button", { name: "Lock my account" }, slow));
    const alert = await screen.findByRole("alert", {}, slow);
    expect(alert.textContent).toContain("This link does not work.");
    expect(alert.textContent).toContain("call your practice and ask them to lock it");
  });

  it("says so at once for a link without a token", async () => {
    renderApp("/lock");
    const alert = await screen.findByRole("alert", {}, slow);
    expect(alert.textContent).toContain("This link does not work.");
    expect(screen.queryByRole("button", { name: "Lock my account" })).toBeNull();
  });
});
