import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { setSession } from "../../auth/session";
import { json, path, renderApp, stubApi, type Call, type Handler } from "../../../test/render";

// The staff screens of issue 19 against a stubbed API: my training, a module's quiz sent and
// passed, the administrators' onboarding (a waiver needs a reason; a plan for a member without
// one), the library editor (If-Match, a stale edit read again) and sharing a topic.

const ANA = "01HZZZZZZZZZZZZZZZZZZZZZZA";
const problem = (status: number, type: string, extra: Record<string, unknown> = {}) =>
  new Response(JSON.stringify({ type: `https://patient-portal.dev/problems/${type}`, title: type, status, ...extra }), {
    status,
    headers: { "Content-Type": "application/problem+json" },
  });

let handlers: Handler[] = [];
let calls: Call[] = [];
const sent = (method: string, p: string) => calls.filter((c) => c.method === method && c.path === p);

const planModule = (over: Record<string, unknown> = {}) => ({
  moduleId: "message-inbox",
  title: "Working the message inbox",
  capability: "message-inbox",
  status: "assigned",
  assignedAt: "2026-12-01T10:00:00Z",
  attempts: 0,
  ...over,
});
const plan = (over: Record<string, unknown> = {}) => ({
  staffId: "sub-noor",
  name: "Noor Haddad",
  roles: ["clinicians"],
  cleared: false,
  modules: [planModule({ moduleId: "portal-basics", title: "Portal basics", capability: null }), planModule()],
  ...over,
});
const moduleView = {
  moduleId: "message-inbox",
  title: "Working the message inbox",
  summary: "How messages reach your team.",
  minutes: 12,
  capability: "message-inbox",
  sections: [{ heading: "Categories", body: "A patient picks a category.\n\nEach has a target." }],
  quiz: {
    passMark: 80,
    questions: [{ questionId: "inbox-urgent", text: "Chest pain now?", choices: [{ choiceId: "a", text: "Wait" }, { choiceId: "c", text: "Tell them to call 911" }] }],
  },
  progress: { status: "assigned", assignedAt: "2026-12-01T10:00:00Z", attempts: 0 },
};
const topic = (over: Record<string, unknown> = {}) => ({
  topicId: "gout",
  kind: "condition",
  content: { en: { title: "Gout", summary: "Gout is arthritis.", url: "https://medlineplus.gov/gout.html" }, es: { title: "Gota", summary: "La gota es artritis.", url: "https://medlineplus.gov/spanish/gout.html" } },
  codes: [{ system: "icd10cm", code: "M10" }],
  ingredients: [],
  origin: "starter",
  status: "active",
  version: 0,
  helpful: { yes: 3, no: 1 },
  ...over,
});

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

const signedIn = (groups: string[], at: string) => renderApp(at, { groups });

describe("my training", () => {
  it("lists the caller's modules with what each unlocks, in the navigation of every staff role", async () => {
    handlers.push((r) => (path(r) === "/staff/training" ? json(200, plan()) : undefined));
    signedIn(["front-desk"], "/staff/training");
    const table = await screen.findByRole("table", { name: "Your training modules" });
    const row = within(table).getByRole("row", { name: /Working the message inbox/ });
    expect(within(row).getByText("To do")).toBeTruthy();
    expect(within(row).getByText("Answering patients' messages")).toBeTruthy();
    expect(within(row).getByRole("link").getAttribute("href")).toBe("/staff/training/message-inbox");
    expect(screen.getByText(/Some of your work waits/)).toBeTruthy();
    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(within(nav).getByRole("link", { name: "My training" })).toBeTruthy();
    expect(within(nav).queryByRole("link", { name: "Education library" })).toBeNull();
    expect(within(nav).queryByRole("link", { name: "Staff onboarding" })).toBeNull();
  });

  it("a module: its sections, the quiz sent, a pass said with what it opens", async () => {
    handlers.push((r) => (path(r) === "/staff/training/message-inbox" ? json(200, moduleView) : undefined));
    handlers.push((r) =>
      path(r) === "/staff/training/message-inbox/attempts"
        ? json(200, {
            score: 100,
            passed: true,
            correct: 1,
            total: 1,
            review: [{ questionId: "inbox-urgent", correct: true, explanation: "Emergencies never wait." }],
            progress: { status: "completed", assignedAt: "2026-12-01T10:00:00Z", completedAt: "2026-12-02T10:00:00Z", score: 100, attempts: 1 },
          })
        : undefined,
    );
    signedIn(["clinicians"], "/staff/training/message-inbox");
    await screen.findByRole("heading", { name: "Working the message inbox", level: 1 });
    expect(screen.getByRole("heading", { name: "Categories", level: 2 })).toBeTruthy();
    expect(screen.getByText("Each has a target.")).toBeTruthy();
    fireEvent.click(screen.getByRole("radio", { name: "Tell them to call 911" }));
    fireEvent.click(screen.getByRole("button", { name: "Check my answers" }));
    await screen.findByText("You passed");
    expect(sent("POST", "/staff/training/message-inbox/attempts")[0]!.body).toEqual({ answers: { "inbox-urgent": "c" } });
    expect(screen.getByText("Emergencies never wait.")).toBeTruthy();
    expect(screen.getByRole("link", { name: "Go to the inbox" }).getAttribute("href")).toBe("/staff/inbox");
  });
});

describe("staff onboarding", () => {
  it("waives a module with a reason, and gives a plan to a member without one", async () => {
    let waived = false;
    handlers.push((r) =>
      path(r) === "/admin/training"
        ? json(200, {
            items: [
              waived
                ? plan({ cleared: true, modules: [planModule({ status: "waived", waiver: { byName: "Alex Morgan", reason: "Trained elsewhere.", at: "2026-12-02T10:00:00Z" } })] })
                : plan(),
            ],
          })
        : undefined,
    );
    handlers.push((r) =>
      path(r) === "/admin/staff"
        ? json(200, {
            items: [
              { staffId: "sub-noor", email: "n@x.org", givenName: "Noor", familyName: "Haddad", roles: ["clinicians"], enabled: true, status: "CONFIRMED" },
              { staffId: "sub-grace", email: "g@x.org", givenName: "Grace", familyName: "Adeyemi", roles: ["clinicians"], enabled: true, status: "CONFIRMED" },
            ],
          })
        : undefined,
    );
    handlers.push((r) => {
      if (path(r) !== "/admin/staff/sub-noor/training/message-inbox/waiver") return undefined;
      waived = true;
      return json(200, plan());
    });
    handlers.push((r) => (path(r) === "/admin/staff/sub-grace/onboarding" ? json(200, plan({ staffId: "sub-grace", name: "Grace Adeyemi" })) : undefined));
    signedIn(["admins"], "/admin/onboarding");
    const table = await screen.findByRole("table", { name: "Onboarding plans, by name" });
    fireEvent.click(within(table).getByRole("button", { name: "Waive Working the message inbox for Noor Haddad" }));
    const dialog = screen.getByRole("dialog", { name: "Waive Working the message inbox" });
    fireEvent.click(within(dialog).getByRole("button", { name: "Waive the module" }));
    expect(within(dialog).getByText("Give a reason of at least 5 characters.")).toBeTruthy();
    expect(sent("POST", "/admin/staff/sub-noor/training/message-inbox/waiver")).toHaveLength(0);
    fireEvent.change(within(dialog).getByLabelText(/^Reason/), { target: { value: "  Trained elsewhere.  " } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Waive the module" }));
    await screen.findByText("Working the message inbox was waived for Noor Haddad.");
    expect(sent("POST", "/admin/staff/sub-noor/training/message-inbox/waiver")[0]!.body).toEqual({ reason: "Trained elsewhere." });
    await screen.findByText("Waived by Alex Morgan: Trained elsewhere.");

    const without = screen.getByRole("region", { name: "Members without an onboarding plan" });
    await within(without).findByRole("button", { name: "Assign onboarding to Grace Adeyemi" });
    expect(within(without).queryByRole("button", { name: "Assign onboarding to Noor Haddad" })).toBeNull();
    fireEvent.click(within(without).getByRole("button", { name: "Assign onboarding to Grace Adeyemi" }));
    await screen.findByText("Grace Adeyemi now has an onboarding plan.");
    expect(sent("POST", "/admin/staff/sub-grace/onboarding")).toHaveLength(1);
  });
});

describe("the education library", () => {
  it("filters the list, and saves an edit under If-Match; a stale one is read again", async () => {
    let version = 0;
    let stale = true;
    handlers.push((r) =>
      path(r) === "/staff/education/topics" && r.method === "GET"
        ? json(200, { items: [topic({ version }), topic({ topicId: "metformin", kind: "medication", content: { en: { title: "Metformin", summary: "s", url: "https://x.org" } }, codes: [], ingredients: ["metformin"] })] })
        : undefined,
    );
    handlers.push((r) => {
      if (path(r) !== "/staff/education/topics/gout" || r.method !== "PUT") return undefined;
      if (stale) {
        stale = false;
        version = 1;
        return problem(412, "precondition-failed");
      }
      version = 2;
      return json(200, topic({ version: 2, origin: "practice" }));
    });
    signedIn(["clinicians"], "/staff/education");
    const table = await screen.findByRole("table", { name: "Topics" });
    expect(within(table).getAllByRole("row")).toHaveLength(3);
    fireEvent.change(screen.getByLabelText("Kind"), { target: { value: "medication" } });
    await waitFor(() => expect(within(table).getAllByRole("row")).toHaveLength(2));
    expect(within(table).getByRole("link", { name: "Metformin" })).toBeTruthy();
    expect(within(screen.getByRole("navigation", { name: "Main" })).getByRole("link", { name: "Education library" })).toBeTruthy();

    setSession(null);
    document.body.innerHTML = "";
    signedIn(["clinicians"], "/staff/education/gout");
    const form = await screen.findByRole("form", { name: "Topic" });
    const english = within(form).getByRole("group", { name: "English (required)" });
    fireEvent.change(within(english).getByLabelText(/^Summary/), { target: { value: "New words." } });
    fireEvent.click(within(form).getByRole("button", { name: "Save changes" }));
    await screen.findByText(/Someone changed this topic since you opened it/);
    const first = sent("PUT", "/staff/education/topics/gout")[0]!;
    expect(first.headers.get("If-Match")).toBe('"0"');
    expect(first.body).toMatchObject({ kind: "condition", content: { en: { summary: "New words." } }, codes: [{ system: "icd10cm", code: "M10" }] });
    expect(first.body).not.toHaveProperty("topicId");

    // Read again (version 1): the form starts from what is stored, and saves with the new ETag.
    const again = await screen.findByRole("form", { name: "Topic" });
    await waitFor(() => expect(calls.filter((c) => c.method === "GET" && c.path === "/staff/education/topics").length).toBeGreaterThan(1));
    fireEvent.change(within(within(again).getByRole("group", { name: "English (required)" })).getByLabelText(/^Summary/), { target: { value: "New words." } });
    fireEvent.click(within(again).getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(sent("PUT", "/staff/education/topics/gout")).toHaveLength(2));
    expect(sent("PUT", "/staff/education/topics/gout")[1]!.headers.get("If-Match")).toBe('"1"');
    // Saved, and still said once the topic is read again at its new version.
    await screen.findByText("Saved.");
    await waitFor(() => expect(calls.filter((c) => c.method === "GET" && c.path === "/staff/education/topics").length).toBeGreaterThan(2));
    expect(screen.getByText("Saved.")).toBeTruthy();
    expect(screen.queryByText(/Someone changed this topic/)).toBeNull();
  });

  it("names a field error beside its field", async () => {
    handlers.push((r) => (path(r) === "/staff/education/topics" && r.method === "GET" ? json(200, { items: [topic()] }) : undefined));
    handlers.push((r) =>
      r.method === "PUT"
        ? problem(422, "validation", { errors: [{ field: "codes[0].code", message: "Not an ICD-10-CM code." }, { field: "content.es.url", message: "Use https." }] })
        : undefined,
    );
    signedIn(["admins"], "/staff/education/gout");
    const form = await screen.findByRole("form", { name: "Topic" });
    fireEvent.click(within(form).getByRole("button", { name: "Save changes" }));
    const code = await within(form).findByLabelText("Code 1");
    await screen.findByText("Not an ICD-10-CM code.");
    expect(code.getAttribute("aria-invalid")).toBe("true");
    expect(within(within(form).getByRole("group", { name: "Spanish" })).getByText("Use https.")).toBeTruthy();
  });
});

describe("sharing a topic", () => {
  it("assigns an active topic with a note, lists it, and unassigns it", async () => {
    let assigned = false;
    handlers.push((r) => (/\/patients\/[^/]+\/profile$/.test(path(r)) ? problem(404, "not-found") : undefined));
    handlers.push((r) =>
      path(r) === "/staff/education/topics"
        ? json(200, { items: [topic(), topic({ topicId: "asthma", content: { en: { title: "Asthma", summary: "s", url: "https://x.org" } } }), topic({ topicId: "old", status: "retired", content: { en: { title: "Old topic", summary: "s", url: "https://x.org" } } })] })
        : undefined,
    );
    handlers.push((r) => {
      if (path(r) === `/staff/patients/${ANA}/education` && r.method === "POST") {
        assigned = true;
        return json(201, { topicId: "asthma", note: "Read this.", assignedBy: { name: "Grace Adeyemi" }, assignedAt: "2026-12-02T10:00:00Z" });
      }
      if (path(r) === `/staff/patients/${ANA}/education/asthma` && r.method === "DELETE") {
        assigned = false;
        return new Response(null, { status: 204 });
      }
      if (path(r) === `/patients/${ANA}/education`) {
        return json(200, {
          language: "en",
          items: assigned
            ? [{ topicId: "asthma", kind: "condition", title: "Asthma", summary: "s", url: "https://x.org", language: "en", helpful: null, reasons: [{ kind: "assigned", note: "Read this.", assignedBy: { name: "Grace Adeyemi" }, assignedAt: "2026-12-02T10:00:00Z" }] }]
            : [{ topicId: "gout", kind: "condition", title: "Gout", summary: "s", url: "https://x.org", language: "en", helpful: null, reasons: [{ kind: "condition", display: "Gout" }] }],
        });
      }
      return undefined;
    });
    // A staff patient page answers 404 for an unknown patient: here only the profile does, so the
    // test stubs a known one instead.
    handlers.unshift((r) =>
      path(r) === `/patients/${ANA}/profile`
        ? json(200, { legalName: { given: "Ana", family: "Lopez" }, dateOfBirth: "1984-03-12", contact: { email: "a@x.org" }, version: 1 })
        : undefined,
    );
    signedIn(["clinicians"], `/staff/patients/${ANA}`);
    const region = await screen.findByRole("region", { name: "Share a health topic" });
    await within(region).findByText("Nothing shared yet.");
    const select = await within(region).findByLabelText("Topic");
    await waitFor(() => expect(within(select).getAllByRole("option")).toHaveLength(3));
    expect(within(select).queryByRole("option", { name: "Old topic" })).toBeNull();
    fireEvent.change(within(region).getByLabelText(/^Find a topic/), { target: { value: "asth" } });
    expect(within(select).getAllByRole("option").map((o) => o.textContent)).toEqual(["Choose a topic", "Asthma"]);
    fireEvent.click(within(region).getByRole("button", { name: "Share topic" }));
    expect(within(region).getByText("Choose a topic to share.")).toBeTruthy();
    fireEvent.change(select, { target: { value: "asthma" } });
    fireEvent.change(within(region).getByLabelText(/^Note for the patient/), { target: { value: " Read this. " } });
    fireEvent.click(within(region).getByRole("button", { name: "Share topic" }));
    await within(region).findByText("Shared Asthma with the patient.");
    const post = sent("POST", `/staff/patients/${ANA}/education`)[0]!;
    expect(post.body).toEqual({ topicId: "asthma", note: "Read this." });
    expect(post.headers.get("Idempotency-Key")).toBeTruthy();
    const list = await within(region).findByRole("list", { name: "Shared with this patient" });
    expect(within(list).getByText("Read this.")).toBeTruthy();
    fireEvent.click(within(list).getByRole("button", { name: "Stop sharing Asthma" }));
    await within(region).findByText("Asthma is no longer shared.");
    await within(region).findByText("Nothing shared yet.");
  });
});
