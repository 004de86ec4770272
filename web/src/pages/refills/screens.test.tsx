import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App, makeQueryClient } from "../../App";
import { setSession } from "../../auth/session";

// The refills screens against a stubbed API: the patient's prescriptions and request form, the
// practice's request page (the decision is the clinicians'), and the navigation by role.

const config = { apiUrl: "http://api.test", userPoolId: "p", clientId: "c", practiceTimeZone: "America/New_York" };
const ANA = "01HZZZZZZZZZZZZZZZZZZZZZZA";
const RX = "01JREFILL00000000000000000";
const PH = "01JPHARMACY000000000000000";
const MET = "0123456789abcdef0123456789abcdef";
const OXY = "fedcba9876543210fedcba9876543210";

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

type Call = { method: string; path: string; body: unknown; headers: Headers };
type Handler = (request: Request) => Response | undefined;
let handlers: Handler[] = [];
let calls: Call[] = [];
const path = (r: Request) => new URL(r.url).pathname;
const sent = (method: string, p: string) => calls.filter((c) => c.method === method && c.path === p);

const pharmacy = { pharmacyId: PH, name: "Maple Street Pharmacy", address: { line: "125 Maple Street", city: "Springfield", state: "IL", postalCode: "62701" }, phone: "+12175550140", ncpdpId: "1234567" };
const refill = (over: Record<string, unknown> = {}) => ({
  refillId: RX,
  patientId: ANA,
  recordId: MET,
  medication: { title: "Metformin 500 mg", codes: [] },
  pharmacy,
  note: "A week left.",
  status: "requested",
  requestedBy: { role: "patient", name: "Ana López" },
  createdAt: "2026-12-01T15:00:00.000Z",
  updatedAt: "2026-12-01T15:00:00.000Z",
  dueAt: "2026-12-03T23:00:00.000Z",
  history: [{ status: "requested", taskStatus: "requested", at: "2026-12-01T15:00:00.000Z", by: { role: "patient", name: "Ana López" } }],
  version: 1,
  ...over,
});
const staffRefill = (over: Record<string, unknown> = {}) => ({ ...refill(over), patient: { patientId: ANA, name: "Ana López", birthDate: "1984-03-12" }, overdue: true });

beforeEach(() => {
  calls = [];
  handlers = [
    (r) => (r.url.endsWith("/account/agreements") ? json(200, { items: [] }) : undefined),
    (r) => (/\/patients\/[^/]+\/features$/.test(path(r)) ? json(200, { features: [] }) : undefined),
    (r) => (path(r) === "/public/status" ? json(200, { generatedAt: "2026-12-01T12:00:00.000Z", incidents: [] }) : undefined),
    (r) =>
      path(r) === "/patients/me/refills/medications"
        ? json(200, {
            items: [
              { recordId: MET, title: "Metformin 500 mg", codes: [], status: "active", sourceName: "Maple Street Family Practice", lastVisit: "2026-11-02", eligible: true, reasons: [] },
              { recordId: OXY, title: "Oxycodone 5 mg", codes: [], status: "active", sourceName: "Lakeside", eligible: false, reasons: ["controlled-substance", "no-recent-visit"] },
            ],
          })
        : undefined,
    (r) => (path(r) === "/pharmacies" ? json(200, { items: [pharmacy] }) : undefined),
  ];
  vi.stubGlobal("fetch", async (input: Request) => {
    const text = input.method === "GET" ? "" : await input.clone().text();
    calls.push({ method: input.method, path: path(input), body: text ? JSON.parse(text) : undefined, headers: input.headers });
    for (const handler of handlers) {
      const response = handler(input);
      if (response) return response;
    }
    return json(200, { items: [], nextCursor: null, totalUnread: 0 });
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
  setSession(null);
});

function signedIn(groups: string[], at: string) {
  setSession({ idToken: "t", claims: { sub: "u1", groups, ...(groups.includes("patients") ? { patientId: ANA } : {}), exp: 9e9 } });
  history.replaceState(null, "", at);
  render(<App config={config} queryClient={makeQueryClient()} />);
}

describe("the patient's prescriptions", () => {
  it("says which medications can be renewed and why not, and asks with an Idempotency-Key", async () => {
    handlers.unshift((r) => (r.method === "POST" && path(r) === "/patients/me/refills" ? json(201, refill()) : undefined));
    signedIn(["patients"], "/p/me/refills");
    const metformin = await screen.findByRole("article", { name: "Metformin 500 mg" });
    expect(within(metformin).getByText("Can be renewed")).toBeTruthy();
    const oxycodone = screen.getByRole("article", { name: "Oxycodone 5 mg" });
    expect(within(oxycodone).getByText(/controlled medication/)).toBeTruthy();
    expect(within(oxycodone).getByText(/book a visit first/)).toBeTruthy();
    expect(within(oxycodone).queryByRole("button")).toBeNull();

    fireEvent.click(within(metformin).getByRole("button", { name: /^Request a renewal/ }));
    const form = screen.getByRole("form", { name: "Request a renewal of Metformin 500 mg" });
    // Sending without a pharmacy: the summary says so, and nothing is sent.
    fireEvent.click(within(form).getByRole("button", { name: "Send request" }));
    expect(await within(form).findByRole("alert")).toBeTruthy();
    expect(within(form).getByRole("alert").textContent).toContain("Choose a pharmacy from the list, or enter one.");
    expect(sent("POST", "/patients/me/refills")).toHaveLength(0);

    fireEvent.click(await within(form).findByRole("radio", { name: /Maple Street Pharmacy/ }));
    fireEvent.change(within(form).getByLabelText(/^Note for the practice/), { target: { value: " A week left. " } });
    fireEvent.click(within(form).getByRole("button", { name: "Send request" }));
    await screen.findByText(/Your request was sent\./);
    const [post] = sent("POST", "/patients/me/refills");
    expect(post!.body).toEqual({ recordId: MET, pharmacy: { pharmacyId: PH }, note: "A week left." });
    expect(post!.headers.get("Idempotency-Key")).toBeTruthy();
  });

  it("checks an entered pharmacy before sending it", async () => {
    signedIn(["patients"], "/p/me/refills");
    const metformin = await screen.findByRole("article", { name: "Metformin 500 mg" });
    fireEvent.click(within(metformin).getByRole("button", { name: /^Request a renewal/ }));
    const form = screen.getByRole("form", { name: "Request a renewal of Metformin 500 mg" });
    fireEvent.click(within(form).getByRole("radio", { name: /^Another pharmacy/ }));
    fireEvent.change(within(form).getByLabelText("ZIP code"), { target: { value: "627" } });
    fireEvent.click(within(form).getByRole("button", { name: "Send request" }));
    const summary = await within(form).findByRole("alert");
    expect(summary.textContent).toContain("Pharmacy name: Fill this in.");
    expect(summary.textContent).toContain("ZIP code: Enter a 5-digit ZIP code");
    expect(within(form).getByLabelText("ZIP code").getAttribute("aria-invalid")).toBe("true");
    expect(sent("POST", "/patients/me/refills")).toHaveLength(0);
  });

  it("shows a request's timeline, the answer and the way to book when a visit is needed", async () => {
    const visit = refill({
      status: "visit-needed",
      decision: { outcome: "visit-needed", message: "Please come in first.", decidedBy: { name: "Grace Adeyemi" }, decidedAt: "2026-12-02T15:00:00.000Z" },
      history: [
        ...refill().history,
        { status: "visit-needed", taskStatus: "rejected", businessStatus: "visit-needed", at: "2026-12-02T15:00:00.000Z", by: { role: "clinician", name: "Grace Adeyemi" } },
      ],
    });
    handlers.unshift((r) => (path(r) === `/patients/me/refills/${RX}` ? json(200, visit) : undefined));
    signedIn(["patients"], `/p/me/refills/${RX}`);
    const steps = await screen.findByRole("list", { name: "Progress" });
    expect(within(steps).getAllByRole("listitem").map((li) => li.querySelector("strong")?.textContent)).toEqual(["Requested", "Visit needed"]);
    expect(within(steps).getAllByRole("listitem")[1]!.getAttribute("aria-current")).toBe("step");
    const answer = screen.getByRole("region", { name: "The practice's answer" });
    expect(within(answer).getByText("Please come in first.")).toBeTruthy();
    expect(within(answer).getByRole("link", { name: "Book a visit" }).getAttribute("href")).toBe("/p/me/appointments/book");
    expect(screen.queryByRole("button", { name: "Withdraw this request" })).toBeNull();
  });
});

describe("the practice's refill requests", () => {
  it("offers the front desk no decision on an open request", async () => {
    handlers.unshift((r) => (path(r) === `/staff/refills/${RX}` ? json(200, staffRefill()) : undefined));
    signedIn(["front-desk"], `/staff/refills/${RX}`);
    expect(await screen.findByText("A clinician decides on this request.")).toBeTruthy();
    expect(screen.queryByRole("form", { name: "Decision" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Start review" })).toBeNull();
    expect(screen.getByText("Overdue")).toBeTruthy();
  });

  it("lets a clinician approve with a quantity and refills", async () => {
    const approved = staffRefill({
      status: "approved",
      decision: { outcome: "approve", quantity: { value: 90, unit: "tablet" }, refills: 3, decidedBy: { name: "Grace" }, decidedAt: "2026-12-02T15:00:00.000Z" },
    });
    let current = staffRefill();
    handlers.unshift((r) => {
      if (path(r) === `/staff/refills/${RX}/decision`) {
        current = approved;
        return json(200, approved);
      }
      return path(r) === `/staff/refills/${RX}` ? json(200, current) : undefined;
    });
    signedIn(["clinicians"], `/staff/refills/${RX}`);
    const form = await screen.findByRole("form", { name: "Decision" });
    fireEvent.click(within(form).getByRole("radio", { name: "Approve" }));
    fireEvent.change(within(form).getByLabelText("Quantity"), { target: { value: "90" } });
    fireEvent.change(within(form).getByLabelText(/^Unit/), { target: { value: "tablet" } });
    fireEvent.change(within(form).getByLabelText("Refills (0 to 11)"), { target: { value: "3" } });
    fireEvent.click(within(form).getByRole("button", { name: "Save decision" }));
    await screen.findByRole("button", { name: "Mark sent to pharmacy" });
    expect(sent("POST", `/staff/refills/${RX}/decision`)[0]!.body).toEqual({ outcome: "approve", quantity: { value: 90, unit: "tablet" }, refills: 3 });
    expect(screen.queryByRole("form", { name: "Decision" })).toBeNull();
  });

  it("puts the screens in the navigation by role", async () => {
    const links = async (groups: string[]) => {
      signedIn(groups, "/staff/refills");
      const nav = await screen.findByRole("navigation", { name: "Main" });
      await waitFor(() => expect(within(nav).getAllByRole("link").length).toBeGreaterThan(1));
      const names = within(nav).getAllByRole("link").map((a) => a.textContent);
      document.body.innerHTML = "";
      return names;
    };
    expect(await links(["front-desk"])).toEqual(expect.arrayContaining(["Refill requests", "Pharmacies"]));
    const clinician = await links(["clinicians"]);
    expect(clinician).toContain("Refill requests");
    expect(clinician).not.toContain("Pharmacies");
    const admin = await links(["admins"]);
    expect(admin).toContain("Pharmacies");
    expect(admin).not.toContain("Refill requests");
  });
});
