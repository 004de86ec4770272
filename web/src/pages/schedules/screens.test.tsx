import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { setSession } from "../../auth/session";
import { json, path, renderApp, stubApi, type Call, type Handler } from "../../../test/render";

// The provider schedule editor against a stubbed API: the front desk's providers, adding one,
// and publishing a provider's hours (If-Match, field errors beside their inputs, a conflict).

const GRACE = "01HGRACE000000000000000000";
const NEW = "01HNEWPROVIDER000000000000";

const problem = (status: number, title: string, errors?: { field: string; message: string }[]) =>
  new Response(JSON.stringify({ type: "about:blank", title, status, ...(errors ? { errors } : {}) }), {
    status,
    headers: { "Content-Type": "application/problem+json" },
  });

let handlers: Handler[] = [];
let calls: Call[] = [];
const sent = (method: string, p: string) => calls.filter((c) => c.method === method && c.path === p);

const grace = { providerId: GRACE, name: "Dr. Grace Adeyemi", specialty: "family-medicine", acceptingNewPatients: true, visitTypes: ["follow-up", "telehealth"], createdAt: "2026-01-01T00:00:00Z", version: 2 };
const visitTypes = {
  items: [
    { id: "new-patient", name: "New patient visit", minutes: 40, selfBookable: false, telehealth: false, questionnaire: [] },
    { id: "follow-up", name: "Follow-up visit", minutes: 20, selfBookable: true, telehealth: false, questionnaire: [] },
    { id: "telehealth", name: "Telehealth visit", minutes: 20, selfBookable: true, telehealth: true, questionnaire: [] },
  ],
};
const schedule = (over: Record<string, unknown> = {}) => ({
  providerId: GRACE,
  timeZone: "America/New_York",
  weekly: [
    { day: "monday", start: "09:00", end: "12:00" },
    { day: "tuesday", start: "09:00", end: "12:00" },
  ],
  closedDates: [],
  dateHours: [],
  blocks: [],
  version: 3,
  publishedAt: "2026-06-01T12:00:00Z",
  ...over,
});

beforeEach(() => {
  calls = [];
  handlers = [
    (r) => (r.url.endsWith("/account/agreements") ? json(200, { items: [] }) : undefined),
    (r) => (path(r) === "/public/status" ? json(200, { generatedAt: "2026-12-01T12:00:00.000Z", incidents: [] }) : undefined),
    (r) => (path(r) === "/visit-types" ? json(200, visitTypes) : undefined),
    (r) => (path(r) === "/providers" ? json(200, { items: [grace], nextCursor: null }) : undefined),
    (r) => (path(r) === `/providers/${GRACE}` ? json(200, grace) : undefined),
    (r) => (r.method === "GET" && path(r) === `/providers/${GRACE}/schedule` ? json(200, schedule(), { ETag: '"3"' }) : undefined),
  ];
  stubApi(handlers, calls);
});

afterEach(() => {
  vi.unstubAllGlobals();
  setSession(null);
});

const signedIn = (groups: string[], at: string) => renderApp(at, { groups });

describe("the providers page", () => {
  it("is in the front desk's navigation only", async () => {
    signedIn(["front-desk"], "/staff/schedules");
    const nav = await screen.findByRole("navigation", { name: "Main" });
    expect(within(nav).getByRole("link", { name: "Provider schedules" })).toBeTruthy();
    const row = (await screen.findByRole("link", { name: "Hours of Dr. Grace Adeyemi" })).closest("li")!;
    expect(row.textContent).toContain("Follow-up visit (20 min), Telehealth visit (20 min)");
    expect(row.textContent).toContain("family-medicine · accepting new patients");
  });

  it("is offered to clinicians to read, without adding a provider", async () => {
    signedIn(["clinicians"], "/staff/day");
    const nav = await screen.findByRole("navigation", { name: "Main" });
    fireEvent.click(within(nav).getByRole("link", { name: "Provider schedules" }));
    await screen.findByRole("link", { name: "Hours of Dr. Grace Adeyemi" });
    expect(screen.getByText(/as the front desk published them/)).toBeTruthy();
    expect(screen.queryByRole("form", { name: "Add a provider" })).toBeNull();
  });

  it("is not offered to patients", async () => {
    renderApp("/", { groups: ["patients"], patientId: "01HANA000000000000000000000" });
    const nav = await screen.findByRole("navigation", { name: "Main" });
    expect(within(nav).queryByRole("link", { name: "Provider schedules" })).toBeNull();
  });

  it("adds a provider, checking the form first, and opens their hours", async () => {
    handlers.unshift((r) =>
      r.method === "POST" && path(r) === "/staff/providers"
        ? json(201, { ...grace, providerId: NEW, name: "Dr. Sam Okafor", specialty: "pediatrics", visitTypes: ["follow-up"] })
        : undefined,
    );
    handlers.unshift((r) => (path(r) === `/providers/${NEW}/schedule` ? json(200, schedule({ providerId: NEW, weekly: [], version: 0, publishedAt: null })) : undefined));
    signedIn(["front-desk"], "/staff/schedules");
    const form = await screen.findByRole("form", { name: "Add a provider" });
    fireEvent.click(within(form).getByRole("button", { name: "Add the provider" }));
    const summary = await within(form).findByRole("alert");
    expect(summary.textContent).toContain("Name: Fill this in.");
    expect(summary.textContent).toContain("Visit types offered: Choose at least one visit type.");
    expect(sent("POST", "/staff/providers")).toHaveLength(0);

    fireEvent.change(within(form).getByLabelText("Name"), { target: { value: " Dr. Sam Okafor " } });
    fireEvent.change(within(form).getByLabelText("Specialty"), { target: { value: "pediatrics" } });
    fireEvent.click(await within(form).findByLabelText("Follow-up visit (20 min)"));
    fireEvent.click(within(form).getByRole("button", { name: "Add the provider" }));
    await screen.findByRole("heading", { level: 1, name: "Hours of Dr. Sam Okafor" });
    expect(await screen.findByText(/Dr. Sam Okafor was added/)).toBeTruthy();
    expect(screen.getByText("No hours published yet: patients cannot book this provider.")).toBeTruthy();
    const [post] = sent("POST", "/staff/providers");
    expect(post!.body).toEqual({ name: "Dr. Sam Okafor", specialty: "pediatrics", acceptingNewPatients: true, visitTypes: ["follow-up"] });
    expect(post!.headers.get("Idempotency-Key")).toBeTruthy();
  });
});

describe("the schedule editor", () => {
  it("publishes weekly hours and a closed date with the version read, and shows the API's errors beside their inputs", async () => {
    let puts = 0;
    handlers.unshift((r) => {
      if (r.method !== "PUT" || path(r) !== `/staff/providers/${GRACE}/schedule`) return undefined;
      puts++;
      if (puts === 1) return problem(422, "Invalid fields", [{ field: "weekly[2].end", message: "must be after start" }]);
      return json(200, schedule({
        weekly: [
          { day: "monday", start: "09:00", end: "12:00" },
          { day: "tuesday", start: "09:00", end: "12:00" },
          { day: "tuesday", start: "13:00", end: "17:00" },
        ],
        closedDates: ["2026-12-25"],
        version: 4,
        publishedAt: "2026-06-02T12:00:00Z",
      }), { ETag: '"4"' });
    });
    signedIn(["front-desk"], `/staff/schedules/${GRACE}`);
    await screen.findByRole("heading", { level: 1, name: "Hours of Dr. Grace Adeyemi" });
    const tuesday = await screen.findByRole("group", { name: "Tuesday" });
    expect(within(screen.getByRole("group", { name: "Wednesday" })).getByText("Closed")).toBeTruthy();

    fireEvent.click(within(tuesday).getByRole("button", { name: "Add hours: Tuesday" }));
    const end = within(tuesday).getByLabelText("To (Tuesday, hours 2)") as HTMLSelectElement;
    fireEvent.change(within(tuesday).getByLabelText("From (Tuesday, hours 2)"), { target: { value: "13:00" } });
    fireEvent.change(end, { target: { value: "12:00" } });
    fireEvent.click(screen.getByRole("button", { name: "Add a closed date" }));
    fireEvent.change(screen.getByLabelText("Closed date 1"), { target: { value: "2026-12-25" } });
    expect(screen.getByText("You have changes that are not published yet.")).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: "Publish hours" }));
    const summary = await screen.findByRole("alert");
    expect(summary.textContent).toContain("Tuesday, hours 2: To: Must be after the start.");
    expect(end.getAttribute("aria-invalid")).toBe("true");
    const described = document.getElementById(end.getAttribute("aria-describedby")!);
    expect(described?.textContent).toBe("Must be after the start.");
    const [first] = sent("PUT", `/staff/providers/${GRACE}/schedule`);
    expect(first!.headers.get("If-Match")).toBe('"3"');
    expect(first!.body).toEqual({
      weekly: [
        { day: "monday", start: "09:00", end: "12:00" },
        { day: "tuesday", start: "09:00", end: "12:00" },
        { day: "tuesday", start: "13:00", end: "12:00" },
      ],
      closedDates: ["2026-12-25"],
      dateHours: [],
      blocks: [],
    });

    fireEvent.change(end, { target: { value: "17:00" } });
    fireEvent.click(screen.getByRole("button", { name: "Publish hours" }));
    await screen.findByText(/Published\. Patients are now offered these hours\./);
    expect(screen.queryByText("You have changes that are not published yet.")).toBeNull();
    expect(screen.queryByRole("alert")).toBeNull();
    // The next publish sends the new version.
    fireEvent.click(screen.getByRole("button", { name: "Publish hours" }));
    await waitFor(() => expect(sent("PUT", `/staff/providers/${GRACE}/schedule`)).toHaveLength(3));
    expect(sent("PUT", `/staff/providers/${GRACE}/schedule`)[2]!.headers.get("If-Match")).toBe('"4"');
  });

  it("says when someone else published meanwhile, and loads their version", async () => {
    handlers.unshift((r) => (r.method === "PUT" ? problem(412, "The schedule changed") : undefined));
    signedIn(["front-desk"], `/staff/schedules/${GRACE}`);
    const monday = await screen.findByRole("group", { name: "Monday" });
    fireEvent.click(within(monday).getByRole("button", { name: "Remove Monday, hours 1" }));
    expect(within(monday).getByText("Closed")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Publish hours" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Someone else published this schedule after you opened it.");
    handlers.unshift((r) =>
      r.method === "GET" && path(r) === `/providers/${GRACE}/schedule` ? json(200, schedule({ weekly: [{ day: "monday", start: "08:00", end: "10:00" }], version: 5 })) : undefined,
    );
    fireEvent.click(within(alert).getByRole("button", { name: "Load the latest version" }));
    await waitFor(() => expect((screen.getByLabelText("From (Monday, hours 1)") as HTMLSelectElement).value).toBe("08:00"));
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.queryByText("You have changes that are not published yet.")).toBeNull();
  });

  it("does not send a block without both times", async () => {
    signedIn(["front-desk"], `/staff/schedules/${GRACE}`);
    fireEvent.click(await screen.findByRole("button", { name: "Add a block" }));
    fireEvent.change(screen.getByLabelText("From (Block 1)"), { target: { value: "2026-07-01T10:00" } });
    fireEvent.click(screen.getByRole("button", { name: "Publish hours" }));
    expect((await screen.findByRole("alert")).textContent).toContain("Block 1: To: Enter a date and a time.");
    expect(sent("PUT", `/staff/providers/${GRACE}/schedule`)).toHaveLength(0);
  });
});

describe("a provider's hours for clinicians", () => {
  it("shows the weekly hours, closed dates and blocks without controls to change them", async () => {
    handlers.unshift((r) =>
      r.method === "GET" && path(r) === `/providers/${GRACE}/schedule`
        ? json(200, schedule({ closedDates: ["2026-12-25"], blocks: [{ start: "2026-12-24T14:00:00.000Z", end: "2026-12-24T15:00:00.000Z" }] }), { ETag: '"3"' })
        : undefined,
    );
    signedIn(["clinicians"], `/staff/schedules/${GRACE}`);
    await screen.findByRole("heading", { level: 1, name: "Hours of Dr. Grace Adeyemi" });
    const weekly = (await screen.findByRole("heading", { name: "Weekly hours" })).closest("section")!;
    expect(weekly.textContent).toContain("Monday09:00–12:00");
    expect(weekly.textContent).toContain("WednesdayClosed");
    expect(screen.getByText("2026-12-25")).toBeTruthy();
    expect(screen.getByRole("heading", { name: "Blocks" }).closest("section")!.querySelectorAll("li")).toHaveLength(1);
    const main = screen.getByRole("main");
    expect(within(main).queryByRole("button")).toBeNull();
    expect(within(main).queryByRole("combobox")).toBeNull();
    expect(screen.queryByRole("form", { name: "Edit provider" })).toBeNull();
  });
});

describe("editing a provider", () => {
  it("saves the changes with the version read, and shows the API's errors beside their inputs", async () => {
    let patches = 0;
    handlers.unshift((r) => {
      if (r.method !== "PATCH" || path(r) !== `/staff/providers/${GRACE}`) return undefined;
      patches++;
      if (patches === 1) return problem(422, "Invalid fields", [{ field: "specialty", message: "must not be blank" }]);
      return json(200, { ...grace, name: "Dr. Grace A. Adeyemi", acceptingNewPatients: false, version: 3 }, { ETag: '"3"' });
    });
    signedIn(["front-desk"], `/staff/schedules/${GRACE}`);
    const form = await screen.findByRole("form", { name: "Edit provider" });
    const name = within(form).getByLabelText("Name") as HTMLInputElement;
    expect(name.value).toBe("Dr. Grace Adeyemi");
    fireEvent.change(name, { target: { value: "Dr. Grace A. Adeyemi" } });
    fireEvent.click(within(form).getByLabelText("Accepting new patients"));
    fireEvent.click(within(form).getByRole("button", { name: "Save provider" }));
    expect((await within(form).findByRole("alert")).textContent).toContain("Specialty:");
    const [first] = sent("PATCH", `/staff/providers/${GRACE}`);
    expect(first!.headers.get("If-Match")).toBe('"2"');
    expect(first!.body).toEqual({ name: "Dr. Grace A. Adeyemi", specialty: "family-medicine", acceptingNewPatients: false, visitTypes: ["follow-up", "telehealth"] });

    fireEvent.click(within(form).getByRole("button", { name: "Save provider" }));
    await within(form).findByText(/^Saved\./);
    await screen.findByRole("heading", { level: 1, name: "Hours of Dr. Grace A. Adeyemi" });
    // The next edit sends the new version.
    fireEvent.click(within(form).getByRole("button", { name: "Save provider" }));
    await waitFor(() => expect(sent("PATCH", `/staff/providers/${GRACE}`)).toHaveLength(3));
    expect(sent("PATCH", `/staff/providers/${GRACE}`)[2]!.headers.get("If-Match")).toBe('"3"');
  });

  it("says when someone else changed the provider meanwhile, and loads their version", async () => {
    handlers.unshift((r) => (r.method === "PATCH" ? problem(412, "The resource changed since you read it") : undefined));
    signedIn(["front-desk"], `/staff/schedules/${GRACE}`);
    const form = await screen.findByRole("form", { name: "Edit provider" });
    fireEvent.change(within(form).getByLabelText("Name"), { target: { value: "Dr. Mine" } });
    handlers.unshift((r) => (r.method === "GET" && path(r) === `/providers/${GRACE}` ? json(200, { ...grace, name: "Dr. Theirs", version: 5 }, { ETag: '"5"' }) : undefined));
    fireEvent.click(within(form).getByRole("button", { name: "Save provider" }));
    const alert = await within(form).findByRole("alert");
    expect(alert.textContent).toContain("Someone else changed this provider after you opened it.");
    await waitFor(() => expect((within(form).getByLabelText("Name") as HTMLInputElement).value).toBe("Dr. Theirs"));
  });
});
