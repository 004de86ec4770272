import { describe, expect, it } from "vitest";
import {
  dayAfter,
  ideaEditForm,
  ideaUpdateBody,
  newIdeaBody,
  pollBody,
  pollFieldOf,
  ratingSeries,
  ratingTable,
  utcToWallTime,
  voteUrl,
  wallTimeToUtc,
  type PollForm,
} from "./feedback-staff";

const NY = "America/New_York";

describe("the practice's wall clock as RFC 3339", () => {
  it("converts a datetime-local value in the practice's zone, across daylight saving", () => {
    expect(wallTimeToUtc("2030-03-01T09:00", NY)).toBe("2030-03-01T14:00:00Z");
    // Daylight saving started on 10 March 2030.
    expect(wallTimeToUtc("2030-03-15T17:30", NY)).toBe("2030-03-15T21:30:00Z");
    expect(wallTimeToUtc("2030-03-15", NY)).toBeNull();
    expect(wallTimeToUtc("", NY)).toBeNull();
  });

  it("shows an instant as the practice's wall clock", () => {
    expect(utcToWallTime(Date.parse("2030-03-01T14:00:00Z"), NY)).toBe("2030-03-01T09:00");
    expect(utcToWallTime(Date.parse("2030-07-01T14:05:00Z"), NY)).toBe("2030-07-01T10:05");
  });
});

describe("an idea's bodies", () => {
  it("trims, and leaves an unchosen feature out", () => {
    expect(newIdeaBody({ title: " Pay online ", description: " Pay bills. ", benefit: " No cheques. ", feature: "" })).toEqual({
      body: { title: "Pay online", description: "Pay bills.", benefit: "No cheques." },
    });
    expect(newIdeaBody({ title: "", description: "x", benefit: " ", feature: "messaging" })).toEqual({
      errors: { title: "feedbackStaff.required", benefit: "feedbackStaff.required" },
    });
  });

  it("needs a reason to decline, and sends none with any other status", () => {
    const idea = { title: "Pay online", description: "Pay bills.", benefit: "No cheques.", feature: "messaging", status: "proposed" as const };
    const form = ideaEditForm(idea);
    expect(ideaUpdateBody({ ...form, status: "declined" })).toEqual({ errors: { declineReason: "feedbackStaff.ideas.declineReasonRequired" } });
    expect(ideaUpdateBody({ ...form, status: "declined", declineReason: " Too costly " })).toEqual({
      body: { title: "Pay online", description: "Pay bills.", benefit: "No cheques.", feature: "messaging", status: "declined", declineReason: "Too costly" },
    });
    expect(ideaUpdateBody({ ...form, status: "planned", declineReason: "left over" })).toEqual({
      body: { title: "Pay online", description: "Pay bills.", benefit: "No cheques.", feature: "messaging", status: "planned" },
    });
  });
});

describe("a poll's body", () => {
  const form: PollForm = {
    title: " What next? ",
    question: "Put your top two in order.",
    ideaIds: ["01A", "01B", "01C"],
    method: "rank",
    topK: "2",
    staffRoles: ["front-desk"],
    cohorts: [],
    practices: true,
    weights: { staff: "40", patients: "99", practices: "20" },
    opensAt: "2030-03-01T09:00",
    closesAt: "2030-03-15T17:30",
  };

  it("weighs a group that is not asked 0 and converts the times", () => {
    expect(pollBody(form, NY)).toEqual({
      body: {
        title: "What next?",
        question: "Put your top two in order.",
        ideaIds: ["01A", "01B", "01C"],
        method: "rank",
        topK: 2,
        audience: { staffRoles: ["front-desk"], cohorts: [], practices: true },
        weights: { staff: 40, patients: 0, practices: 20 },
        opensAt: "2030-03-01T14:00:00Z",
        closesAt: "2030-03-15T21:30:00Z",
      },
    });
  });

  it("sends no top k with approval", () => {
    const checked = pollBody({ ...form, method: "approval", topK: "" }, NY);
    expect("body" in checked && !("topK" in checked.body)).toBe(true);
  });

  it("names each field that keeps it from being sent", () => {
    expect(
      pollBody(
        { ...form, title: "", ideaIds: ["01A"], topK: "5", staffRoles: [], practices: false, opensAt: "2030-03-15T17:30", closesAt: "2030-03-01T09:00" },
        NY,
      ),
    ).toEqual({
      errors: {
        title: "feedbackStaff.required",
        ideaIds: "feedbackStaff.polls.ideasCount",
        audience: "feedbackStaff.polls.audienceRequired",
        closesAt: "feedbackStaff.polls.closesAfterOpens",
      },
    });
    expect(pollBody({ ...form, topK: "4" }, NY)).toEqual({ errors: { topK: "feedbackStaff.polls.topKRange" } });
    expect(pollBody({ ...form, weights: { staff: "0", patients: "5", practices: "0" } }, NY)).toEqual({
      errors: { weights: "feedbackStaff.polls.weightsZero" },
    });
    expect(pollBody({ ...form, weights: { staff: "101", patients: "", practices: "x" } }, NY)).toEqual({
      errors: { "weights.staff": "feedbackStaff.polls.weightRange", "weights.practices": "feedbackStaff.polls.weightRange" },
    });
  });

  it("puts the API's field names on the form's fields", () => {
    expect(pollFieldOf("ideaIds[3]")).toBe("ideaIds");
    expect(pollFieldOf("audience.cohorts[0]")).toBe("audience");
    expect(pollFieldOf("weights.staff")).toBe("weights.staff");
    expect(pollFieldOf("weights")).toBe("weights");
    expect(pollFieldOf("closesAt")).toBe("closesAt");
  });
});

describe("a practice's voting link", () => {
  it("is the API's, or the web app's /vote with the token in the fragment", () => {
    expect(voteUrl({ token: "abc", url: "https://portal.example/vote#abc" }, "http://x")).toBe("https://portal.example/vote#abc");
    expect(voteUrl({ token: "a+b/c" }, "http://127.0.0.1:5000")).toBe("http://127.0.0.1:5000/vote#a%2Bb%2Fc");
  });
});

describe("the ratings", () => {
  const rows = [
    { feature: "messaging", cohort: "all", day: "2026-03-01", count: 2, average: 4 },
    { feature: "messaging", cohort: "all", day: "2026-03-03", count: 1, average: 2 },
    { feature: "online-booking", cohort: "all", day: "2026-03-03", count: 3, average: 5 },
    { feature: "messaging", cohort: "beta-1", day: "2026-03-03", count: 1, average: 3 },
    { feature: "messaging", cohort: "all", day: "2026-03-02", count: 0, average: 0 },
  ];

  it("tables newest day first, then feature, 'all' before cohorts", () => {
    expect(ratingTable(rows).map((r) => `${r.day} ${r.feature} ${r.cohort}`)).toEqual([
      "2026-03-03 messaging all",
      "2026-03-03 messaging beta-1",
      "2026-03-03 online-booking all",
      "2026-03-02 messaging all",
      "2026-03-01 messaging all",
    ]);
  });

  it("charts one feature and cohort, oldest first, leaving out days without ratings", () => {
    expect(ratingSeries(rows, "messaging", "all")).toEqual([
      { day: "2026-03-01", value: 4, count: 2 },
      { day: "2026-03-03", value: 2, count: 1 },
    ]);
  });

  it("counts the next day for a survey's last day", () => {
    expect(dayAfter("2026-02-28")).toBe("2026-03-01");
    expect(dayAfter("2026-12-31")).toBe("2027-01-01");
  });
});
