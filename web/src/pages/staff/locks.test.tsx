import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { setSession } from "../../auth/session";
import { json, path, renderApp, stubApi, type Call, type Handler } from "../../../test/render";

// Issue 21 on the staff side, against a stubbed API: the front desk locks a patient's account
// (a reason, a note, a confirmation of what it does; the API's field errors beside the field),
// unlocks it, resets the authenticator after checking identity, and locks a caregiver from the
// care-circle list; administrators read the lock and reset a staff member's authenticator.

const ANA = "01HZZZZZZZZZZZZZZZZZZZZZZA";
const slow = { timeout: 10_000 };
const problem = (status: number, type: string, extra: Record<string, unknown> = {}) =>
  new Response(JSON.stringify({ type: `https://patient-portal.dev/problems/${type}`, title: type, status, ...extra }), {
    status,
    headers: { "Content-Type": "application/problem+json" },
  });

let handlers: Handler[] = [];
let calls: Call[] = [];
const sent = (method: string, p: string) => calls.filter((c) => c.method === method && c.path === p);
const profile = {
  patientId: ANA,
  legalName: { given: "Ana", family: "Lopez" },
  dateOfBirth: "1984-03-12",
  sex: "female",
  contact: { email: "ana@example.org" },
};
const locked = {
  locked: true,
  reason: "suspected-compromise",
  note: "Called from an unknown number",
  lockedAt: "2026-12-07T15:00:00Z",
  lockedBy: { sub: "sub-tom", name: "Tom Becker" },
};

beforeEach(() => {
  calls = [];
  handlers = [
    (r) => (path(r) === "/account/agreements" ? json(200, { items: [] }) : undefined),
    (r) => (path(r) === "/public/status" ? json(200, { generatedAt: "2026-12-01T12:00:00.000Z", incidents: [] }) : undefined),
    (r) => (path(r) === `/patients/${ANA}/profile` ? json(200, profile) : undefined),
    (r) => (path(r).endsWith("/notification-deliveries") ? problem(404, "not-found") : undefined),
  ];
  stubApi(handlers, calls);
});

afterEach(() => {
  vi.unstubAllGlobals();
  setSession(null);
});

async function accountAccess() {
  return screen.findByRole("region", { name: "Account access" }, slow);
}

describe("a patient's account access (front desk)", () => {
  it("asks for a reason, says what locking does, sends it, shows the lock; a field error goes beside the note", async () => {
    let state: Record<string, unknown> = { locked: false };
    let refuseNote = true;
    handlers.unshift((r) => {
      if (path(r) !== `/staff/patients/${ANA}/lock`) return undefined;
      if (r.method === "GET") return json(200, state);
      if (refuseNote) {
        refuseNote = false;
        return problem(422, "invalid-fields", { errors: [{ field: "note", message: "is longer than 500 characters" }] });
      }
      state = { ...locked, note: "Called from an unknown number" };
      return json(200, state);
    });
    renderApp(`/staff/patients/${ANA}`, { groups: ["front-desk"], sub: "fd" });
    const section = await accountAccess();
    await within(section).findByText("The portal account is not locked.", {}, slow);

    // No reason: said beside the picker, nothing asked nor sent.
    fireEvent.click(within(section).getByRole("button", { name: "Lock the account…" }));
    const reason = within(section).getByLabelText("Reason");
    expect(reason.getAttribute("aria-invalid")).toBe("true");
    expect(document.getElementById(reason.getAttribute("aria-describedby")!)?.textContent).toBe("Choose why the account is locked.");

    fireEvent.change(reason, { target: { value: "suspected-compromise" } });
    fireEvent.change(within(section).getByLabelText("Note (optional)"), { target: { value: "Called from an unknown number" } });
    fireEvent.click(within(section).getByRole("button", { name: "Lock the account…" }));
    expect(within(section).getByText(/signs Ana Lopez out of the portal everywhere at once/).textContent).toContain(
      "Their caregivers lose access to this patient's record too.",
    );
    expect(sent("POST", `/staff/patients/${ANA}/lock`)).toHaveLength(0);

    // The API refuses the note: said beside it.
    fireEvent.click(within(section).getByRole("button", { name: "Yes, lock the account" }));
    const note = within(section).getByLabelText("Note (optional)");
    await waitFor(() => expect(note.getAttribute("aria-invalid")).toBe("true"));
    expect(document.getElementById(note.getAttribute("aria-describedby")!.split(" ").pop()!)?.textContent).toBe("is longer than 500 characters");

    fireEvent.click(within(section).getByRole("button", { name: "Lock the account…" }));
    fireEvent.click(within(section).getByRole("button", { name: "Yes, lock the account" }));
    await within(section).findByText("The account is locked. Everyone using it has been signed out.", {}, slow);
    expect(sent("POST", `/staff/patients/${ANA}/lock`).map((c) => c.body)).toEqual([
      { reason: "suspected-compromise", note: "Called from an unknown number" },
      { reason: "suspected-compromise", note: "Called from an unknown number" },
    ]);
    expect(within(section).getByText("The portal account is locked.")).toBeTruthy();
    expect(within(section).getByText("Reason: Suspected compromise (someone else may be using it)")).toBeTruthy();
    expect(within(section).getByText(/Locked on .* by Tom Becker\./)).toBeTruthy();
    expect(within(section).getByRole("button", { name: "Unlock the account" })).toBeTruthy();
  });

  it("unlocks a locked account", async () => {
    handlers.unshift((r) => {
      if (path(r) === `/staff/patients/${ANA}/lock`) return json(200, locked);
      if (path(r) === `/staff/patients/${ANA}/unlock`) return json(200, { locked: false });
      return undefined;
    });
    renderApp(`/staff/patients/${ANA}`, { groups: ["front-desk"], sub: "fd" });
    const section = await accountAccess();
    await within(section).findByText("Note: Called from an unknown number", {}, slow);
    const unlock = within(section).getByRole("form", { name: "Unlock the account" });
    fireEvent.change(within(unlock).getByLabelText("Note (optional)"), { target: { value: "Identity checked at the desk" } });
    fireEvent.click(within(unlock).getByRole("button", { name: "Unlock the account" }));
    await within(section).findByText("The account is unlocked. The account holder can sign in again.", {}, slow);
    expect(sent("POST", `/staff/patients/${ANA}/unlock`).map((c) => c.body)).toEqual([{ note: "Identity checked at the desk" }]);
    expect(within(section).getByText("The portal account is not locked.")).toBeTruthy();
  });

  it("resets the authenticator app only once the identity check is confirmed", async () => {
    handlers.unshift((r) => {
      if (path(r) === `/staff/patients/${ANA}/lock`) return json(200, { locked: false });
      if (path(r) === `/staff/patients/${ANA}/mfa/reset`) return new Response(null, { status: 204 });
      return undefined;
    });
    renderApp(`/staff/patients/${ANA}`, { groups: ["front-desk"], sub: "fd" });
    const section = await accountAccess();
    const form = within(section).getByRole("form", { name: "Authenticator app" });
    fireEvent.click(within(form).getByRole("button", { name: "Reset the authenticator app" }));
    expect(await within(form).findByText("Confirm that you checked the patient's identity.")).toBeTruthy();
    expect(sent("POST", `/staff/patients/${ANA}/mfa/reset`)).toHaveLength(0);
    fireEvent.click(within(form).getByRole("checkbox", { name: /I have checked this patient's identity/ }));
    fireEvent.click(within(form).getByRole("button", { name: "Reset the authenticator app" }));
    await within(form).findByText(/The authenticator app is turned off for this account/, {}, slow);
    expect(sent("POST", `/staff/patients/${ANA}/mfa/reset`)).toHaveLength(1);
  });

  it("shows administrators the lock without the forms (locked by its owner from a sign-in notice)", async () => {
    const own = { locked: true, reason: "owner-request", lockedAt: "2026-12-07T15:00:00Z", lockedBy: { sub: "sub-ana" } };
    handlers.unshift((r) => (path(r) === `/staff/patients/${ANA}/lock` ? json(200, own) : undefined));
    renderApp(`/staff/patients/${ANA}`, { groups: ["admins"], sub: "adm" });
    const section = await accountAccess();
    await within(section).findByText("The portal account is locked.", {}, slow);
    expect(within(section).getByText(/Locked on .* by the account holder\./)).toBeTruthy();
    expect(within(section).getByText("Reason: The account holder asked for it")).toBeTruthy();
    expect(within(section).getByText("Only the front desk locks and unlocks accounts.")).toBeTruthy();
    expect(within(section).queryByRole("form")).toBeNull();
    expect(within(section).queryByRole("button")).toBeNull();
  });

  it("is not offered to clinicians", async () => {
    renderApp(`/staff/patients/${ANA}`, { groups: ["clinicians"], sub: "doc" });
    await screen.findByRole("heading", { name: "Ana Lopez", level: 1 }, slow);
    expect(screen.queryByRole("region", { name: "Account access" })).toBeNull();
    expect(calls.some((c) => c.path.endsWith("/lock"))).toBe(false);
  });
});

describe("a caregiver's account in the care circle (front desk)", () => {
  it("locks the caregiver's account with a reason, then unlocks it", async () => {
    let state: Record<string, unknown> = { locked: false };
    handlers.unshift((r) => {
      const p = path(r);
      if (p === `/staff/patients/${ANA}/lock`) return json(200, { locked: false });
      if (p === `/patients/${ANA}/care-circle`) {
        return json(200, {
          items: [
            { invitationId: "01INV", caregiverSub: "sub-diego", name: "Diego Lopez", email: "diego@example.org", relationship: "son", scopes: ["records"], guardian: false, status: "active", invitedAt: "2026-01-01T00:00:00Z" },
            { invitationId: "01INW", name: "Rosa Lopez", email: "rosa@example.org", relationship: "sister", scopes: ["records"], guardian: false, status: "invited", invitedAt: "2026-01-01T00:00:00Z" },
          ],
          nextCursor: null,
        });
      }
      if (p === "/staff/caregivers/sub-diego/lock") {
        if (r.method === "POST") state = { ...locked, reason: "court-order", note: undefined };
        return json(200, state);
      }
      if (p === "/staff/caregivers/sub-diego/unlock") {
        state = { locked: false };
        return json(200, state);
      }
      return undefined;
    });
    renderApp(`/staff/patients/${ANA}`, { groups: ["front-desk"], sub: "fd" });
    const circle = await screen.findByRole("region", { name: "Parents and guardians" }, slow);
    const diego = await within(circle).findByRole("group", { name: "Portal account of Diego Lopez" }, slow);
    expect(within(diego).getByText("Not locked")).toBeTruthy();
    // An invitation not accepted yet names no account: nothing to lock.
    expect(within(circle).queryByRole("group", { name: "Portal account of Rosa Lopez" })).toBeNull();

    fireEvent.click(within(diego).getByRole("button", { name: "Lock Diego Lopez's account…" }));
    fireEvent.change(within(diego).getByLabelText("Reason"), { target: { value: "court-order" } });
    fireEvent.click(within(diego).getByRole("button", { name: "Lock Diego Lopez's account…" }));
    expect(within(diego).getByText(/cannot sign in or act for any patient until the account is unlocked/)).toBeTruthy();
    fireEvent.click(within(diego).getByRole("button", { name: "Yes, lock the account" }));
    await within(diego).findByText("Locked", {}, slow);
    expect(within(diego).getByText("Reason: Court order")).toBeTruthy();
    expect(sent("POST", "/staff/caregivers/sub-diego/lock").map((c) => c.body)).toEqual([{ reason: "court-order" }]);

    fireEvent.click(within(diego).getByRole("button", { name: "Unlock Diego Lopez's account" }));
    await within(diego).findByText("Not locked", {}, slow);
    expect(sent("POST", "/staff/caregivers/sub-diego/unlock").map((c) => c.body)).toEqual([{}]);
  });
});

describe("staff authenticators (admins)", () => {
  it("shows who has set one up and resets one after a confirmation", async () => {
    let enrolled = true;
    handlers.unshift((r) => {
      if (path(r) === "/admin/staff" && r.method === "GET") {
        return json(200, {
          items: [
            { staffId: "sub-grace", email: "grace@example.org", givenName: "Grace", familyName: "Adeyemi", roles: ["clinicians"], enabled: true, status: "confirmed", mfaEnrolled: enrolled },
            { staffId: "sub-lena", email: "lena@example.org", givenName: "Lena", familyName: "Park", roles: ["clinicians"], enabled: true, status: "confirmed", mfaEnrolled: false },
          ],
        });
      }
      if (path(r) === "/admin/staff/sub-grace/mfa/reset") {
        enrolled = false;
        return new Response(null, { status: 204 });
      }
      return undefined;
    });
    renderApp("/admin/staff", { groups: ["admins"], sub: "adm" });
    const table = await screen.findByRole("table", {}, slow);
    expect(within(table).getByRole("columnheader", { name: "Authenticator" })).toBeTruthy();
    const grace = within(table).getByRole("row", { name: /Grace Adeyemi/ });
    const lena = within(table).getByRole("row", { name: /Lena Park/ });
    expect(within(grace).getByText("Set up")).toBeTruthy();
    expect(within(lena).getByText("Not set up")).toBeTruthy();
    expect(within(lena).queryByRole("button")).toBeNull();

    fireEvent.click(within(grace).getByRole("button", { name: /^Reset authenticator\s*: Grace Adeyemi$/ }));
    const confirm = screen.getByRole("region", { name: "Reset the authenticator of Grace Adeyemi?" });
    expect(sent("POST", "/admin/staff/sub-grace/mfa/reset")).toHaveLength(0);
    fireEvent.click(within(confirm).getByRole("button", { name: "Yes, reset it" }));
    await screen.findByText("The authenticator of Grace Adeyemi is reset. They set up a new one at their next sign-in.", {}, slow);
    expect(sent("POST", "/admin/staff/sub-grace/mfa/reset")).toHaveLength(1);
    await waitFor(() => expect(within(screen.getByRole("row", { name: /Grace Adeyemi/ })).getByText("Not set up")).toBeTruthy());
  });
});
