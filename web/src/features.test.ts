import { describe, expect, it } from "vitest";
import { ApiError } from "./api/client";
import { gateState, pendingAgreements } from "./agreements";
import { FEATURES, featureOfPath, featureOfSection, featureSet, isFeatureOff } from "./features";

describe("feature hiding", () => {
  const answer = {
    features: [
      { feature: "messaging", on: false },
      { feature: "online-booking", on: true },
    ],
  };

  it("hides what is off, shows what is on and what the answer does not name", () => {
    const set = featureSet(answer, { pending: false, failed: false });
    expect(set.pending).toBe(false);
    expect(set.on("messaging")).toBe(false);
    expect(set.on("online-booking")).toBe(true);
    expect(set.on("care-circle")).toBe(true);
  });

  it("hides every gated item while the answer is on its way, and shows them all if the call failed", () => {
    const loading = featureSet(undefined, { pending: true, failed: false });
    expect(loading.pending).toBe(true);
    expect(loading.on("online-booking")).toBe(false);
    const failed = featureSet(undefined, { pending: false, failed: true });
    expect(failed.pending).toBe(false);
    expect(failed.on("messaging")).toBe(true);
  });

  it("knows which screens are a feature", () => {
    expect(featureOfPath("/p/me/messages")).toBe("messaging");
    expect(featureOfPath("/p/01P/messages/new")).toBe("messaging");
    expect(featureOfPath("/p/01P/messages/01C")).toBe("messaging");
    expect(featureOfPath("/p/me/appointments/book")).toBe("online-booking");
    expect(featureOfPath("/p/me/appointments/01A/reschedule")).toBe("online-booking");
    expect(featureOfPath("/p/me/care-circle")).toBe("care-circle");
    expect(featureOfPath("/p/me/appointments")).toBeNull();
    expect(featureOfPath("/p/me/records")).toBeNull();
    expect(featureOfPath("/p/me")).toBeNull();
    expect(featureOfPath("/staff/inbox/01P/01C")).toBeNull();
    expect(featureOfSection("messages")).toBe("messaging");
    expect(featureOfSection("records")).toBeNull();
  });

  it("knows the feedback screens and section are the feedback feature", () => {
    expect(featureOfPath("/p/me/feedback")).toBe("feedback");
    expect(featureOfPath("/p/01P/polls/01POLL")).toBe("feedback");
    expect(featureOfPath("/p/01P/surveys/01S")).toBe("feedback");
    expect(featureOfPath("/staff/polls")).toBeNull();
    expect(featureOfPath("/staff/polls/01POLL")).toBeNull();
    expect(featureOfPath("/vote")).toBeNull();
    expect(featureOfSection("feedback")).toBe("feedback");
    expect(FEATURES).toContain("feedback");
    const off = featureSet({ features: [{ feature: "feedback", on: false }] }, { pending: false, failed: false });
    expect(off.on("feedback")).toBe(false);
    expect(off.on("messaging")).toBe(true);
  });

  it("tells the feature-off problem from other refusals", () => {
    const off = new ApiError(403, { type: "https://patient-portal.dev/problems/feature-off", title: "Feature off", status: 403 });
    const forbidden = new ApiError(403, { type: "https://patient-portal.dev/problems/forbidden", title: "Forbidden", status: 403 });
    expect(isFeatureOff(off)).toBe(true);
    expect(isFeatureOff(forbidden)).toBe(false);
    expect(isFeatureOff(new Error("x"))).toBe(false);
  });
});

describe("the pending-agreement gate", () => {
  const terms = { kind: "terms-of-use", version: 2, pending: true };
  const beta = { kind: "beta-terms", version: 1, pending: false };

  it("is closed while checking, so the app never flashes before the terms", () => {
    expect(gateState({ isPending: true, isError: false })).toEqual({ state: "checking" });
  });

  it("asks for what is pending, in the API's order, and opens when nothing is", () => {
    expect(gateState({ data: [terms, beta], isPending: false, isError: false })).toEqual({ state: "pending", agreements: [terms] });
    expect(gateState({ data: [{ ...terms, pending: false }, beta], isPending: false, isError: false })).toEqual({ state: "open" });
    expect(pendingAgreements([terms, { ...beta, pending: true }]).map((a) => a.kind)).toEqual(["terms-of-use", "beta-terms"]);
    expect(pendingAgreements(undefined)).toEqual([]);
  });

  it("opens when the check fails: nobody is locked out of their record by a hiccup", () => {
    expect(gateState({ isPending: false, isError: true })).toEqual({ state: "open" });
  });
});
