import { describe, expect, it } from "vitest";
import { en } from "../../i18n/en";
import { es } from "../../i18n/es";
import {
  buildTimeline,
  checkDecision,
  checkPharmacy,
  emptyDecisionForm,
  emptyPharmacyForm,
  npiValid,
  queueOrder,
  reasonKey,
  REFILL_REASONS,
  stepKey,
  type RefillRequest,
  type RefillStatus,
} from "./refills";

type Entry = RefillRequest["history"][number];
const entry = (status: RefillStatus, at: string, role: Entry["by"]["role"] = "clinician", name?: string, note?: string): Entry => ({
  status,
  taskStatus: "requested",
  at,
  by: { role, ...(name ? { name } : {}) },
  ...(note ? { note } : {}),
});
const request = (status: RefillStatus, history: Entry[]) => ({ status, history, createdAt: "2026-12-01T10:00:00.000Z" });
const asked = entry("requested", "2026-12-01T10:00:00.000Z", "patient", "Ana López");
const shape = (steps: ReturnType<typeof buildTimeline>) => steps.map((s) => `${s.kind}${s.status ? `:${s.status}` : ""}=${s.state}`);

describe("the status timeline", () => {
  it("shows what is still to come for a new request", () => {
    const steps = buildTimeline(request("requested", [asked]));
    expect(shape(steps)).toEqual(["requested=current", "in-review=upcoming", "decided=upcoming", "sent=upcoming"]);
    expect(steps[0]!.by).toEqual({ name: "Ana López", role: "patient" });
    expect(stepKey(steps[2]!)).toBe("refills.step.decision");
  });

  it("marks the review as the current step", () => {
    const steps = buildTimeline(request("in-review", [asked, entry("in-review", "2026-12-01T11:00:00.000Z")]));
    expect(shape(steps)).toEqual(["requested=done", "in-review=current", "decided=upcoming", "sent=upcoming"]);
  });

  it("ends an approved request at the pharmacy, with the decision's note", () => {
    const approved = entry("approved", "2026-12-02T09:00:00.000Z", "clinician", "Grace Adeyemi", "Renewed for three months");
    const steps = buildTimeline(request("approved", [asked, entry("in-review", "2026-12-01T11:00:00.000Z"), approved]));
    expect(shape(steps)).toEqual(["requested=done", "in-review=done", "decided:approved=current", "sent=upcoming"]);
    expect(steps[2]!.note).toBe("Renewed for three months");
    expect(stepKey(steps[2]!)).toBe("refills.status.approved");
    const sent = buildTimeline(request("sent", [asked, entry("in-review", "2026-12-01T11:00:00.000Z"), approved, entry("sent", "2026-12-02T10:00:00.000Z", "front-desk")]));
    expect(shape(sent)).toEqual(["requested=done", "in-review=done", "decided:approved=done", "sent=current"]);
  });

  it("skips the review when the decision came straight away, and stops at a denial or a visit", () => {
    const denied = buildTimeline(request("denied", [asked, entry("denied", "2026-12-02T09:00:00.000Z")]));
    expect(shape(denied)).toEqual(["requested=done", "decided:denied=current"]);
    const visit = buildTimeline(request("visit-needed", [asked, entry("in-review", "2026-12-01T11:00:00.000Z"), entry("visit-needed", "2026-12-02T09:00:00.000Z")]));
    expect(shape(visit)).toEqual(["requested=done", "in-review=done", "decided:visit-needed=current"]);
  });

  it("ends a withdrawn request at its withdrawal", () => {
    const steps = buildTimeline(request("withdrawn", [asked, entry("withdrawn", "2026-12-01T12:00:00.000Z", "caregiver")]));
    expect(shape(steps)).toEqual(["requested=done", "withdrawn=current"]);
    expect(steps[1]!.by).toEqual({ role: "caregiver" });
  });

  it("orders the history by time, whatever order it came in", () => {
    const steps = buildTimeline(request("in-review", [entry("in-review", "2026-12-01T11:00:00.000Z"), asked]));
    expect(steps[0]!.at).toBe(asked.at);
  });

  it("uses the creation time when the history is missing", () => {
    expect(buildTimeline(request("requested", []))[0]!.at).toBe("2026-12-01T10:00:00.000Z");
  });
});

describe("why a medication cannot be renewed", () => {
  it("has words for every reason in both languages, and generic words for an unknown one", () => {
    for (const reason of REFILL_REASONS) {
      const key = reasonKey(reason);
      expect(key).toBe(`refills.reason.${reason}`);
      expect(en[key]).toBeTruthy();
      expect(es[key]).toBeTruthy();
    }
    expect(reasonKey("something-new")).toBe("refills.reason.unknown");
  });
});

describe("checks before sending", () => {
  const good = { ...emptyPharmacyForm, name: "Maple Pharmacy", line: "1 Maple Street", city: "Springfield", state: "il", postalCode: "62701", phone: "(217) 555-0100", ncpdpId: "1234567" };

  it("knows a valid NPI by its check digit", () => {
    expect(npiValid("1234567893")).toBe(true);
    expect(npiValid("1234567890")).toBe(false);
    expect(npiValid("123456789")).toBe(false);
  });

  it("makes the API's body of a valid pharmacy", () => {
    expect(checkPharmacy(good, { requireId: true })).toEqual({
      body: { name: "Maple Pharmacy", address: { line: "1 Maple Street", city: "Springfield", state: "IL", postalCode: "62701" }, phone: "(217) 555-0100", ncpdpId: "1234567" },
    });
  });

  it("names each field that is wrong, by its path in the API", () => {
    const checked = checkPharmacy({ ...good, name: " ", state: "Illinois", postalCode: "627", phone: "call us", ncpdpId: "12", npi: "1234567890" }, { requireId: true });
    expect(checked).toEqual({
      problems: {
        name: "refills.error.required",
        "address.state": "refills.error.state",
        "address.postalCode": "refills.error.zip",
        phone: "refills.error.phone",
        ncpdpId: "refills.error.ncpdpId",
        npi: "refills.error.npi",
      },
    });
    expect(checkPharmacy({ ...good, ncpdpId: "" }, { requireId: true })).toEqual({ problems: { ncpdpId: "refills.error.pharmacyId" } });
    expect(checkPharmacy({ ...good, ncpdpId: "" }, { requireId: false })).toHaveProperty("body");
  });

  it("sends only what the decision's outcome takes", () => {
    expect(checkDecision(emptyDecisionForm)).toEqual({ problems: { outcome: "refills.error.outcome" } });
    expect(checkDecision({ ...emptyDecisionForm, outcome: "approve", quantityValue: "90", quantityUnit: "tablet", refills: "3", reasonCode: "other" })).toEqual({
      body: { outcome: "approve", quantity: { value: 90, unit: "tablet" }, refills: 3 },
    });
    expect(checkDecision({ ...emptyDecisionForm, outcome: "approve", quantityValue: "0", quantityUnit: "", refills: "12" })).toEqual({
      problems: { "quantity.value": "refills.error.quantity", "quantity.unit": "refills.error.required", refills: "refills.error.refills" },
    });
    expect(checkDecision({ ...emptyDecisionForm, outcome: "deny", message: "" })).toEqual({
      problems: { reasonCode: "refills.error.reasonCode", message: "refills.error.messageRequired" },
    });
    expect(checkDecision({ ...emptyDecisionForm, outcome: "deny", reasonCode: "needs-labs", message: " Labs first. ", quantityValue: "5" })).toEqual({
      body: { outcome: "deny", reasonCode: "needs-labs", message: "Labs first." },
    });
    expect(checkDecision({ ...emptyDecisionForm, outcome: "visit-needed", message: "Please book a visit." })).toEqual({
      body: { outcome: "visit-needed", message: "Please book a visit." },
    });
  });
});

describe("the queue's order", () => {
  const item = (id: string, dueAt: string, createdAt: string, decidedAt?: string) => ({
    id,
    dueAt,
    createdAt,
    updatedAt: createdAt,
    ...(decidedAt ? { decision: { outcome: "approve" as const, decidedBy: {}, decidedAt } } : {}),
  });

  it("puts open requests soonest due first, then oldest", () => {
    const items = [item("b", "2026-12-03T00:00:00.000Z", "2026-12-01T02:00:00.000Z"), item("a", "2026-12-02T00:00:00.000Z", "2026-12-01T03:00:00.000Z"), item("c", "2026-12-03T00:00:00.000Z", "2026-12-01T01:00:00.000Z")];
    expect(queueOrder(items, "open").map((i) => i.id)).toEqual(["a", "c", "b"]);
  });

  it("puts decided requests most recently decided first", () => {
    const items = [item("old", "x", "x", "2026-12-01T00:00:00.000Z"), item("new", "x", "x", "2026-12-04T00:00:00.000Z")];
    expect(queueOrder(items, "decided").map((i) => i.id)).toEqual(["new", "old"]);
  });
});
