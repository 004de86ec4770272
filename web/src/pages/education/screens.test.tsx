import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, screen, within } from "@testing-library/react";
import { setSession } from "../../auth/session";
import { setTourEnabled, tourSeen } from "../../components/tour";
import { json, path, renderApp, stubApi, type Call, type Handler } from "../../../test/render";

// The patient education screens against a stubbed API: the matched topics with why each is
// shown, in the app's language, and the helpful vote; the guides; the first-sign-in tour; and the
// front desk's printable activation handout (the code never in the address bar).

const ANA = "01HZZZZZZZZZZZZZZZZZZZZZZA";
const REC = "0123456789abcdef0123456789abcdef";


let handlers: Handler[] = [];
let calls: Call[] = [];

const topic = (lang: "en" | "es", helpful: boolean | null = null) => ({
  topicId: "type-2-diabetes",
  kind: "condition",
  title: lang === "es" ? "Diabetes tipo 2" : "Type 2 diabetes",
  summary: lang === "es" ? "La diabetes tipo 2 afecta el azúcar en la sangre." : "Type 2 diabetes affects your blood sugar.",
  url: lang === "es" ? "https://medlineplus.gov/spanish/diabetestype2.html" : "https://medlineplus.gov/diabetestype2.html",
  language: lang,
  reasons: [
    { kind: "condition", display: "Type 2 diabetes mellitus", system: "http://hl7.org/fhir/sid/icd-10-cm", code: "E11.9", recordId: REC, sourceName: "Maple Street Family Practice" },
  ],
  helpful,
});
const assigned = {
  topicId: "high-blood-pressure",
  kind: "condition",
  title: "High blood pressure",
  summary: "Blood pressure is the force of blood on your arteries.",
  url: "https://medlineplus.gov/highbloodpressure.html",
  language: "en",
  reasons: [{ kind: "assigned", note: "Check it at home twice a week.", assignedBy: { name: "Dr. Maya Patel" }, assignedAt: "2026-12-01T15:00:00.000Z" }],
  helpful: null,
};

beforeEach(() => {
  calls = [];
  localStorage.clear();
  handlers = [
    (r) => (r.url.endsWith("/account/agreements") ? json(200, { items: [] }) : undefined),
    (r) => (/\/patients\/[^/]+\/features$/.test(path(r)) ? json(200, { features: [] }) : undefined),
    (r) => (path(r) === "/public/status" ? json(200, { generatedAt: "2026-12-01T12:00:00.000Z", incidents: [] }) : undefined),
    (r) => {
      if (path(r) !== "/patients/me/education" || r.method !== "GET") return undefined;
      const lang = new URL(r.url).searchParams.get("lang") === "es" ? "es" : "en";
      return json(200, { language: lang, items: lang === "en" ? [assigned, topic("en")] : [topic("es")] });
    },
    (r) => (path(r) === "/patients/me/education/type-2-diabetes" && r.method === "GET" ? json(200, topic("en")) : undefined),
    (r) =>
      r.method === "PUT" && path(r) === "/patients/me/education/type-2-diabetes/helpful"
        ? json(200, { topicId: "type-2-diabetes", helpful: true, at: "2026-12-02T10:00:00.000Z" })
        : undefined,
  ];
  stubApi(handlers, calls);
});

afterEach(() => {
  vi.unstubAllGlobals();
  setSession(null);
});

const signedIn = (groups: string[], at: string, sub = "u1") => renderApp(at, { groups, sub, ...(groups.includes("patients") ? { patientId: ANA } : {}) });

describe("health education", () => {
  it("lists the matched topics with why each is shown, in the app's language, and records a vote", async () => {
    signedIn(["patients"], "/p/me/education");
    const diabetes = await screen.findByRole("article", { name: "Type 2 diabetes" });
    expect(calls.some((c) => c.path === "/patients/me/education" && c.search === "?lang=en")).toBe(true);
    const why = within(diabetes).getByRole("region", { name: "Why you see this" });
    expect(why.textContent).toContain("Your health record lists Type 2 diabetes mellitus.");
    expect(why.textContent).toContain("From Maple Street Family Practice");
    // The trusted page opens in a new tab, without handing it this window.
    const link = within(diabetes).getByRole("link", { name: /Read more on a trusted site/ });
    expect(link.getAttribute("href")).toBe("https://medlineplus.gov/diabetestype2.html");
    expect(link.getAttribute("target")).toBe("_blank");
    expect(link.getAttribute("rel")).toContain("noopener");
    // The clinician's topic comes first, with their note.
    const articles = screen.getAllByRole("article");
    expect(articles[0]!.getAttribute("aria-labelledby")).toBe("topic-high-blood-pressure");
    expect(articles[0]!.textContent).toContain("Dr. Maya Patel shared this with you on");
    expect(articles[0]!.textContent).toContain("Check it at home twice a week.");

    const vote = within(diabetes).getByRole("group", { name: /Was this helpful\?/ });
    fireEvent.click(within(vote).getByRole("button", { name: "Yes" }));
    await within(vote).findByText(/Thank you/);
    expect(calls.find((c) => c.method === "PUT")?.body).toEqual({ helpful: true });
    expect(within(vote).getByRole("button", { name: "Yes" }).getAttribute("aria-pressed")).toBe("true");

    // Spanish: asked again in Spanish.
    fireEvent.change(screen.getByLabelText("Language"), { target: { value: "es" } });
    expect(await screen.findByRole("article", { name: "Diabetes tipo 2" })).toBeTruthy();
    expect(calls.some((c) => c.path === "/patients/me/education" && c.search === "?lang=es")).toBe(true);
    expect(screen.getByRole("region", { name: "Por qué ve esto" })).toBeTruthy();
  });

  it("opens one topic, with the section in the navigation", async () => {
    signedIn(["patients"], "/p/me/education/type-2-diabetes");
    expect(await screen.findByRole("heading", { name: "Type 2 diabetes", level: 1 })).toBeTruthy();
    expect(screen.getByRole("link", { name: "All health topics" })).toBeTruthy();
    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(await within(nav).findByRole("link", { name: "Health education" })).toBeTruthy();
    expect(within(nav).getByRole("link", { name: "Learn the portal" })).toBeTruthy();
  });

  it("is not offered while the education feature is off", async () => {
    handlers.unshift((r) => (/\/patients\/[^/]+\/features$/.test(path(r)) ? json(200, { features: [{ feature: "education", on: false }] }) : undefined));
    signedIn(["patients"], "/p/me/education");
    expect(await screen.findByRole("heading", { name: "Not available yet" })).toBeTruthy();
    const nav = screen.getByRole("navigation", { name: "Main" });
    await within(nav).findByRole("link", { name: "Learn the portal" });
    expect(within(nav).queryByRole("link", { name: "Health education" })).toBeNull();
    expect(calls.some((c) => c.path === "/patients/me/education")).toBe(false);
  });
});

describe("learn the portal", () => {
  it("lists the guides, opens one, and offers the tour again", async () => {
    signedIn(["patients"], "/p/me/guides");
    expect(await screen.findByRole("heading", { name: "Learn the portal", level: 1 })).toBeTruthy();
    for (const name of ["Activate your account", "Find your test results", "Send a message to your care team", "Book a visit", "Add a caregiver"]) {
      expect(screen.getByRole("link", { name })).toBeTruthy();
    }
    fireEvent.click(screen.getByRole("button", { name: "Take the tour again" }));
    const tour = screen.getByRole("dialog", { name: "A quick tour of your portal" });
    expect(within(tour).getByText("Step 1 of 5")).toBeTruthy();
    fireEvent.keyDown(tour, { key: "Escape" });
    expect(screen.queryByRole("dialog")).toBeNull();

    fireEvent.click(screen.getByRole("link", { name: "Book a visit" }));
    expect(await screen.findByRole("heading", { name: "Book a visit", level: 1 })).toBeTruthy();
    expect(screen.getAllByRole("listitem").some((li) => li.textContent?.includes("Choose a free time and confirm."))).toBe(true);
  });
});

describe("the first-sign-in tour", () => {
  beforeEach(() => setTourEnabled(true));

  it("shows once per account on the home page, steps by keyboard, and is remembered", async () => {
    signedIn(["patients"], "/p/me", "ana-sub");
    const tour = await screen.findByRole("dialog", { name: "A quick tour of your portal" });
    expect(within(tour).getByRole("heading", { name: "Your health at a glance" })).toBeTruthy();
    fireEvent.click(within(tour).getByRole("button", { name: "Next" }));
    expect(within(tour).getByText("Step 2 of 5")).toBeTruthy();
    expect(document.activeElement?.textContent).toBe("Your health record");
    fireEvent.click(within(tour).getByRole("button", { name: "Previous" }));
    expect(within(tour).getByText("Step 1 of 5")).toBeTruthy();
    for (let i = 0; i < 4; i++) fireEvent.click(within(tour).getByRole("button", { name: "Next" }));
    fireEvent.click(within(tour).getByRole("button", { name: "Finish" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    // Only a flag under the account's id is kept.
    expect(tourSeen("ana-sub")).toBe(true);
    expect(Object.keys(localStorage)).toEqual(["portal.tour.v1.ana-sub"]);
    expect(tourSeen("someone-else")).toBe(false);
  });

  it("is never shown to staff", async () => {
    signedIn(["front-desk"], "/staff/patients/new", "staff-sub");
    expect(await screen.findByRole("heading", { level: 1 })).toBeTruthy();
    expect(screen.queryByRole("dialog")).toBeNull();
  });
});

describe("the activation handout", () => {
  it("prints the issued code, in the patient's language, without putting it in the address", async () => {
    handlers.unshift(
      (r) =>
        path(r) === `/patients/${ANA}/profile`
          ? json(200, {
              patientId: ANA,
              legalName: { given: "Ana", family: "López" },
              dateOfBirth: "1984-03-12",
              contact: {},
              communication: { preferredChannel: "portal", appointmentReminders: true, healthReminders: true },
              version: 1,
            })
          : undefined,
      (r) =>
        r.method === "POST" && path(r) === `/staff/patients/${ANA}/activation-codes`
          ? json(201, { codeId: "01JCODE0000000000000000000", code: "ABCDE-FGHJK", expires: "2026-12-15T17:00:00.000Z" })
          : undefined,
      (r) =>
        path(r) === `/staff/patients/${ANA}/notification-deliveries`
          ? json(200, { items: [], nextCursor: null, contacts: { email: { status: "missing" }, phone: { status: "missing" } } })
          : undefined,
    );
    const print = vi.fn();
    vi.stubGlobal("print", print);
    signedIn(["front-desk"], `/staff/patients/${ANA}`);
    fireEvent.click(await screen.findByRole("button", { name: "Issue an activation code" }));
    fireEvent.click(await screen.findByRole("button", { name: "Print handout" }));
    expect(await screen.findByRole("heading", { name: "Activation handout", level: 1 })).toBeTruthy();
    expect(location.pathname).toBe(`/staff/patients/${ANA}/handout`);
    expect(location.href).not.toContain("ABCDE");
    expect(JSON.stringify(history.state ?? null)).not.toContain("ABCDE");
    const sheet = screen.getByRole("article", { name: "Activate your patient portal account" });
    expect(within(sheet).getByText("ABCDE-FGHJK")).toBeTruthy();
    expect(within(sheet).getByText(location.origin)).toBeTruthy();
    expect(sheet.textContent).toContain("Use it before December 15, 2026");

    fireEvent.click(screen.getByRole("radio", { name: "Español" }));
    const hoja = screen.getByRole("article", { name: "Active su cuenta del portal del paciente" });
    expect(hoja.getAttribute("lang")).toBe("es");
    expect(hoja.textContent).toContain("Úselo antes del 15 de diciembre de 2026");
    fireEvent.change(screen.getByLabelText("Practice name"), { target: { value: "Maple Street Family Practice" } });
    expect(within(hoja).getByText("Maple Street Family Practice")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Print" }));
    expect(print).toHaveBeenCalled();
  });

  it("has nothing to print after a reload", async () => {
    signedIn(["front-desk"], `/staff/patients/${ANA}/handout`);
    expect(await screen.findByText(/There is no code to print/)).toBeTruthy();
    expect(screen.queryByRole("article")).toBeNull();
  });
});
