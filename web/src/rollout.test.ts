import { describe, expect, it } from "vitest";
import {
  adoptionSeries,
  adoptionTable,
  canResend,
  daysBefore,
  formOf,
  metricsOf,
  parsePatientIds,
  reportComplete,
  reportRows,
  switchBody,
  switchState,
  waveProgress,
} from "./rollout";

describe("patient ids typed or pasted", () => {
  it("splits on lines, commas, semicolons and spaces, and keeps each id once", () => {
    expect(parsePatientIds(" 01A\n01B, 01C;01A \n\n")).toEqual(["01A", "01B", "01C"]);
    expect(parsePatientIds("   ")).toEqual([]);
  });
});

describe("the CSV upload report", () => {
  const report = {
    rows: [
      { row: 2, outcome: "created" as const, patientId: "01N" },
      { row: 3, outcome: "refused" as const, reason: "date_of_birth: not a date" },
      { row: 4, outcome: "matched" as const, patientId: "01M" },
      { row: 1, outcome: "refused" as const, reason: "given_name: missing" },
    ],
    created: 1,
    matched: 1,
    refused: 2,
  };

  it("lists refused rows first, each part in row order", () => {
    expect(reportRows(report).map((r) => r.row)).toEqual([1, 3, 2, 4]);
    expect(report.rows.map((r) => r.row)).toEqual([2, 3, 4, 1]); // the report itself is left as it came
  });

  it("is complete only when no row was refused", () => {
    expect(reportComplete(report)).toBe(false);
    expect(reportComplete({ ...report, refused: 0 })).toBe(true);
  });
});

describe("a wave's progress", () => {
  it("counts the members (queued, refused or invited) and the share that activated", () => {
    // `invited` includes those who then activated or whose code expired.
    const counts = { queued: 2, invited: 6, delivered: 5, activated: 2, expired: 1, refused: 2 };
    expect(waveProgress(counts)).toEqual({ total: 10, activated: 2, sending: 2, percent: 20 });
    expect(waveProgress(counts, 10)).toEqual({ total: 10, activated: 2, sending: 2, percent: 20 });
    expect(waveProgress({})).toEqual({ total: 0, activated: 0, sending: 0, percent: 0 });
  });

  it("offers a re-send only when someone was sent a code and has not activated", () => {
    expect(canResend({ invited: 3, activated: 3, refused: 1 })).toBe(false);
    expect(canResend({ queued: 4 })).toBe(false);
    expect(canResend({ invited: 2, delivered: 1, activated: 1 })).toBe(true);
    expect(canResend({ invited: 7, expired: 2, activated: 5 })).toBe(true);
  });
});

describe("the switch form", () => {
  const current = {
    feature: "online-booking",
    mode: "rules" as const,
    cohorts: ["beta-1"],
    percentage: 10,
    staffRoles: ["front-desk"],
    killed: false,
    version: 4,
  };

  it("starts from the switch as it is, with an empty reason", () => {
    expect(formOf(current)).toEqual({ mode: "rules", cohorts: ["beta-1"], percentage: "10", staffRoles: ["front-desk"], killed: false, reason: "" });
  });

  it("needs a reason of three characters or more, and a whole percentage from 0 to 100 in rules mode", () => {
    expect(switchBody({ ...formOf(current), reason: " ok " })).toEqual({ errors: { reason: "reason" } });
    expect(switchBody({ ...formOf(current), percentage: "101", reason: "wider" })).toEqual({ errors: { percentage: "percentage" } });
    expect(switchBody({ ...formOf(current), percentage: "2.5", reason: "wider" })).toEqual({ errors: { percentage: "percentage" } });
  });

  it("sends the whole switch, sorted, and clears the rules outside rules mode", () => {
    const rules = switchBody({ ...formOf(current), cohorts: ["wave-2", "beta-1"], percentage: "", reason: " Open to the betas " });
    expect(rules).toEqual({
      body: { mode: "rules", cohorts: ["beta-1", "wave-2"], percentage: 0, staffRoles: ["front-desk"], killed: false, reason: "Open to the betas" },
    });
    const everyone = switchBody({ ...formOf(current), mode: "everyone", percentage: "abc", reason: "Open to all" });
    expect(everyone).toEqual({ body: { mode: "everyone", cohorts: [], percentage: 0, staffRoles: [], killed: false, reason: "Open to all" } });
  });

  it("keeps the kill switch as the lead leaves it, and names it first in the state", () => {
    const killed = { ...current, killed: true };
    expect(switchState(killed)).toBe("killed");
    expect(switchState(current)).toBe("rules");
    const kept = switchBody({ ...formOf(killed), reason: "still broken" });
    expect("body" in kept && kept.body.killed).toBe(true);
    const restored = switchBody({ ...formOf(killed), mode: "everyone", killed: false, reason: "fixed" });
    expect("body" in restored && restored.body).toMatchObject({ mode: "everyone", killed: false });
  });
});

describe("adoption figures", () => {
  const rows = [
    { day: "2026-03-01", cohort: "all", metric: "activated", value: 3 },
    { day: "2026-03-01", cohort: "beta-1", metric: "activated", value: 2 },
    { day: "2026-03-02", cohort: "beta-1", metric: "use:online-booking", value: 5 },
    { day: "2026-03-02", cohort: "all", metric: "invited", value: 10 },
    { day: "2026-03-02", cohort: "all", metric: "use:messaging", value: 1 },
  ];

  it("puts the fixed figures first, then each feature's uses by name", () => {
    expect(metricsOf(rows)).toEqual(["invited", "delivered", "activated", "signedIn7d", "signedIn30d", "use:messaging", "use:online-booking"]);
  });

  it("makes one line per day and cohort, newest day first and all patients first", () => {
    expect(adoptionTable(rows)).toEqual([
      { day: "2026-03-02", cohort: "all", values: { invited: 10, "use:messaging": 1 } },
      { day: "2026-03-02", cohort: "beta-1", values: { "use:online-booking": 5 } },
      { day: "2026-03-01", cohort: "all", values: { activated: 3 } },
      { day: "2026-03-01", cohort: "beta-1", values: { activated: 2 } },
    ]);
  });

  it("charts one cohort's figure per day, oldest first, with 0 for a day without it", () => {
    expect(adoptionSeries(rows, "beta-1", "activated")).toEqual([
      { day: "2026-03-01", value: 2 },
      { day: "2026-03-02", value: 0 },
    ]);
  });

  it("counts days back by the calendar", () => {
    expect(daysBefore("2026-03-01", 29)).toBe("2026-01-31");
    expect(daysBefore("2026-03-29", 0)).toBe("2026-03-29");
  });
});
