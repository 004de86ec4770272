import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, screen, within } from "@testing-library/react";
import { setSession } from "../../auth/session";
import { json, path, renderApp, stubApi, type Call, type Handler } from "../../../test/render";

// Issue 21, a caregiver who lost their authenticator app: the front desk resets it from the
// caregiver's account in the patient's care-circle list, only after a confirmation that asks for
// the identity check and says what it does (stubbed API).

const ANA = "01HZZZZZZZZZZZZZZZZZZZZZZA";
const slow = { timeout: 10_000 };

let handlers: Handler[] = [];
let calls: Call[] = [];
const sent = (method: string, p: string) => calls.filter((c) => c.method === method && c.path === p);

beforeEach(() => {
  calls = [];
  handlers = [
    (r) => (path(r) === "/account/agreements" ? json(200, { items: [] }) : undefined),
    (r) => (path(r) === "/public/status" ? json(200, { generatedAt: "2026-12-01T12:00:00.000Z", incidents: [] }) : undefined),
    (r) =>
      path(r) === `/patients/${ANA}/profile`
        ? json(200, { patientId: ANA, legalName: { given: "Ana", family: "Lopez" }, dateOfBirth: "1984-03-12", sex: "female", contact: { email: "ana@example.org" } })
        : undefined,
    (r) => (path(r).endsWith("/notification-deliveries") ? json(404, { type: "https://patient-portal.dev/problems/not-found", title: "Not found", status: 404 }) : undefined),
    (r) => (path(r) === `/staff/patients/${ANA}/lock` ? json(200, { locked: false }) : undefined),
    (r) =>
      path(r) === `/patients/${ANA}/care-circle`
        ? json(200, {
            items: [
              { invitationId: "01INV", caregiverSub: "sub-diego", name: "Diego Lopez", email: "diego@example.org", relationship: "son", scopes: ["records"], guardian: false, status: "active", invitedAt: "2026-01-01T00:00:00Z" },
            ],
            nextCursor: null,
          })
        : undefined,
    (r) => (path(r) === "/staff/caregivers/sub-diego/lock" ? json(200, { locked: false }) : undefined),
    (r) => (path(r) === "/staff/caregivers/sub-diego/mfa/reset" ? new Response(null, { status: 204 }) : undefined),
  ];
  stubApi(handlers, calls);
});

afterEach(() => {
  vi.unstubAllGlobals();
  setSession(null);
});

describe("a caregiver's authenticator app (front desk)", () => {
  it("is reset only once the confirmation is accepted, and says so", async () => {
    renderApp(`/staff/patients/${ANA}`, { groups: ["front-desk"], sub: "fd" });
    const circle = await screen.findByRole("region", { name: "Parents and guardians" }, slow);
    const diego = await within(circle).findByRole("group", { name: "Portal account of Diego Lopez" }, slow);

    fireEvent.click(within(diego).getByRole("button", { name: "Reset authenticator app" }));
    expect(within(diego).getByText(/only after checking it is really Diego Lopez asking/)).toBeTruthy();
    // Cancelling sends nothing.
    fireEvent.click(within(diego).getByRole("button", { name: "Cancel" }));
    expect(sent("POST", "/staff/caregivers/sub-diego/mfa/reset")).toHaveLength(0);

    fireEvent.click(within(diego).getByRole("button", { name: "Reset authenticator app" }));
    expect(sent("POST", "/staff/caregivers/sub-diego/mfa/reset")).toHaveLength(0);
    fireEvent.click(within(diego).getByRole("button", { name: "Yes, reset it" }));
    await within(diego).findByText("The authenticator app of Diego Lopez is turned off. They can sign in with their password and set up a new one.", {}, slow);
    expect(sent("POST", "/staff/caregivers/sub-diego/mfa/reset")).toHaveLength(1);
  });

  it("shows the API's refusal and keeps the button", async () => {
    handlers.unshift((r) =>
      path(r) === "/staff/caregivers/sub-diego/mfa/reset"
        ? json(404, { type: "https://patient-portal.dev/problems/not-found", title: "Not found", status: 404, detail: "No such caregiver." })
        : undefined,
    );
    renderApp(`/staff/patients/${ANA}`, { groups: ["front-desk"], sub: "fd" });
    const diego = await screen.findByRole("group", { name: "Portal account of Diego Lopez" }, slow);
    fireEvent.click(within(diego).getByRole("button", { name: "Reset authenticator app" }));
    fireEvent.click(within(diego).getByRole("button", { name: "Yes, reset it" }));
    await within(diego).findByRole("alert", {}, slow);
    expect(within(diego).queryByText(/is turned off/)).toBeNull();
    expect(within(diego).getByRole("button", { name: "Yes, reset it" })).toBeTruthy();
  });
});
