import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App, makeQueryClient } from "../App";
import { setSession } from "../auth/session";

const config = { apiUrl: "http://api.test", userPoolId: "p", clientId: "c", practiceTimeZone: "America/New_York" };
const ANA = "01HZZZZZZZZZZZZZZZZZZZZZZA";

const json = (status: number, body: unknown, type = "application/json") =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": type } });
const problem = (status: number, title: string, errors?: { field: string; message: string }[]) =>
  json(status, { type: "x", title, status, ...(errors ? { errors } : {}) }, "application/problem+json");

type Handler = (request: Request, body: unknown) => Response | undefined;
let handlers: Handler[] = [];
let calls: { method: string; url: string; body: unknown }[] = [];

const prefs = (over: Record<string, unknown> = {}) => ({
  channels: {
    "new-portal-message": "email",
    "appointment-booked": "email",
    "appointment-moved": "email",
    "appointment-cancelled": "email",
    "appointment-reminder": "email",
    "waitlist-offer": "email",
  },
  contacts: { email: { status: "undeliverable", since: "2026-03-01T15:00:00Z" }, phone: { status: "missing" } },
  quietHours: { start: "21:00", end: "08:00", timeZone: "America/New_York" },
  ...over,
});

beforeEach(() => {
  calls = [];
  handlers = [];
  vi.stubGlobal("fetch", async (input: Request) => {
    const text = input.method === "GET" ? "" : await input.clone().text();
    const body = text ? JSON.parse(text) : undefined;
    calls.push({ method: input.method, url: input.url, body });
    for (const handler of handlers) {
      const response = handler(input, body);
      if (response) return response;
    }
    return json(200, { items: [], nextCursor: null, totalUnread: 0 });
  });
  setSession(null);
});

afterEach(() => vi.unstubAllGlobals());

function signedIn(groups: string[], path: string, patientId?: string) {
  setSession({ idToken: "t", claims: { sub: "u1", groups, exp: 9e9, ...(patientId ? { patientId } : {}) } });
  history.replaceState(null, "", path);
  render(<App config={config} queryClient={makeQueryClient()} />);
}

describe("notification settings", () => {
  it("shows a fieldset per kind, the security notices, quiet hours and contacts, and saves only what changed", async () => {
    let stored = prefs();
    handlers.push((r, body) => {
      if (!r.url.endsWith("/patients/me/notification-preferences")) return undefined;
      if (r.method === "PUT") {
        const b = body as { channels: Record<string, string> };
        stored = prefs({ channels: { ...stored.channels, ...b.channels }, updatedAt: "2026-03-02T12:00:00Z" });
      }
      return json(200, stored);
    });
    signedIn(["patients"], "/p/me/notifications", ANA);
    const reminders = await screen.findByRole("group", { name: "Appointment reminders" });
    expect(screen.getAllByRole("group")).toHaveLength(12);
    expect(within(reminders).getByRole("radio", { name: "Email" })).toHaveProperty("checked", true);
    // No mobile number: texts cannot be chosen, and the page says why.
    expect(within(reminders).getByRole("radio", { name: "Text message" })).toHaveProperty("disabled", true);
    expect(reminders.getAttribute("aria-describedby")).toBeTruthy();
    expect(screen.getByText(/cannot be turned off/)).toBeTruthy();
    expect(screen.getByText(/Text messages are not sent between 9:00\sPM and 8:00\sAM \(America\/New York time\)/)).toBeTruthy();
    expect(screen.getByText(/Email: messages to this address cannot be delivered \(since/)).toBeTruthy();
    expect(screen.getByText("Mobile number: none on file.")).toBeTruthy();
    expect(screen.getByRole("link", { name: "Update the contact details in the profile" }).getAttribute("href")).toBe("/p/me/profile#contact");

    fireEvent.click(within(reminders).getByRole("radio", { name: "Off" }));
    fireEvent.click(screen.getByRole("button", { name: "Save settings" }));
    expect(await screen.findByText("Your notification settings are saved.")).toBeTruthy();
    const put = calls.find((c) => c.method === "PUT");
    expect(put?.body).toEqual({ channels: { "appointment-reminder": "none" } });
    await waitFor(() =>
      expect(within(screen.getByRole("group", { name: "Appointment reminders" })).getByRole("radio", { name: "Off" })).toHaveProperty(
        "checked",
        true,
      ),
    );
  });

  it("lists the feedback kinds (an idea's status, a suggestion decided, an answer), by email when the API leaves one out", async () => {
    let put: unknown;
    handlers.push((r, body) => {
      if (!r.url.endsWith("/patients/me/notification-preferences")) return undefined;
      if (r.method === "PUT") put = body;
      const p = prefs({ contacts: { email: { status: "ok" }, phone: { status: "ok" } } });
      return json(200, { ...p, channels: { ...p.channels, "idea-status-changed": "none", "suggestion-decided": "sms" } });
    });
    signedIn(["patients"], "/p/me/notifications", ANA);
    const idea = await screen.findByRole("group", { name: "An idea you supported changes status" });
    expect(within(idea).getByRole("radio", { name: "Off" })).toHaveProperty("checked", true);
    const suggestion = screen.getByRole("group", { name: "The practice decides on your suggestion" });
    expect(within(suggestion).getByRole("radio", { name: "Text message" })).toHaveProperty("checked", true);
    const answered = screen.getByRole("group", { name: "The practice answers your feedback" });
    expect(within(answered).getByRole("radio", { name: "Email" })).toHaveProperty("checked", true);
    fireEvent.click(within(answered).getByRole("radio", { name: "Off" }));
    fireEvent.click(screen.getByRole("button", { name: "Save settings" }));
    expect(await screen.findByText("Your notification settings are saved.")).toBeTruthy();
    expect(put).toEqual({ channels: { "feedback-answered": "none" } });
  });

  it("puts a 422 next to the kind it names", async () => {
    handlers.push((r) =>
      r.url.endsWith("/notification-preferences")
        ? r.method === "PUT"
          ? problem(422, "Invalid fields", [{ field: "channels.waitlist-offer", message: "needs a mobile number on file" }])
          : json(200, prefs({ contacts: { email: { status: "ok" }, phone: { status: "ok" } } }))
        : undefined,
    );
    signedIn(["patients"], "/p/me/notifications", ANA);
    const offer = await screen.findByRole("group", { name: "An earlier time is offered (waitlist)" });
    fireEvent.click(within(offer).getByRole("radio", { name: "Text message" }));
    fireEvent.click(screen.getByRole("button", { name: "Save settings" }));
    const error = await screen.findByText("needs a mobile number on file");
    expect(offer.contains(error)).toBe(true);
    expect(offer.getAttribute("aria-describedby")).toContain(error.id);
    expect(screen.getByRole("alert").textContent).toMatch(/could not be saved/);
  });

  it("is in the navigation for a caregiver, whose contacts the practice changes", async () => {
    const PID = "01HZZZZZZZZZZZZZZZZZZZZZZB";
    handlers.push((r) =>
      r.url.endsWith("/caregivers/me/patients")
        ? json(200, { items: [{ patientId: PID, name: "Ana", scopes: ["records"], relationship: "son", status: "active" }] })
        : r.url.endsWith(`/patients/${PID}/notification-preferences`)
          ? json(200, prefs())
          : undefined,
    );
    signedIn(["caregivers"], `/p/${PID}/notifications`);
    const nav = await screen.findByRole("navigation", { name: "Main" });
    await within(nav).findByRole("link", { name: "Notifications" });
    expect(await screen.findByText(/These settings are your own/)).toBeTruthy();
    expect(screen.getByText("To change them, contact the practice.")).toBeTruthy();
    expect(screen.queryByRole("link", { name: /Update the contact details/ })).toBeNull();
  });
});

describe("unsubscribing from an email's link", () => {
  it("posts the token only when the person confirms, without signing in", async () => {
    handlers.push((r, body) =>
      r.url.endsWith("/notifications/unsubscribe") && (body as { token: string }).token === "tok.en"
        ? json(200, { kind: "appointment-reminder", channel: "email" })
        : undefined,
    );
    history.replaceState(null, "", "/unsubscribe?token=tok.en");
    render(<App config={config} queryClient={makeQueryClient()} />);
    const button = await screen.findByRole("button", { name: "Stop these emails" });
    expect(calls).toHaveLength(0);
    fireEvent.click(button);
    expect(await screen.findByText("Done: you will no longer get emails for “Appointment reminders”.")).toBeTruthy();
    expect(calls).toEqual([{ method: "POST", url: "http://api.test/notifications/unsubscribe", body: { token: "tok.en" } }]);
    expect(screen.getByRole("link", { name: "Sign in to manage all your notification settings" }).getAttribute("href")).toBe(
      "/sign-in?next=%2Fnotifications",
    );
    expect(location.pathname).toBe("/unsubscribe");
  });

  it("says clearly when the token is wrong or missing", async () => {
    handlers.push((r) => (r.url.endsWith("/notifications/unsubscribe") ? problem(400, "Invalid token") : undefined));
    history.replaceState(null, "", "/unsubscribe?token=forged");
    render(<App config={config} queryClient={makeQueryClient()} />);
    fireEvent.click(await screen.findByRole("button", { name: "Stop these emails" }));
    expect((await screen.findByRole("alert")).textContent).toMatch(/This unsubscribe link is not valid/);
    expect(screen.queryByRole("button", { name: "Stop these emails" })).toBeNull();
  });

  it("needs no call to know a link without a token is wrong", async () => {
    history.replaceState(null, "", "/unsubscribe");
    render(<App config={config} queryClient={makeQueryClient()} />);
    expect((await screen.findByRole("alert")).textContent).toMatch(/not valid/);
    expect(calls).toHaveLength(0);
  });
});

describe("the staff view of a patient", () => {
  const delivery = (n: number, over: Record<string, unknown> = {}) => ({
    notificationId: `01HZZZZZZZZZZZZZZZZZZZZZ${String(n).padStart(2, "0")}`,
    kind: "new-portal-message",
    recipient: "patient",
    channel: "email",
    status: "sent",
    attempts: 1,
    createdAt: "2026-03-01T15:00:00Z",
    ...over,
  });

  beforeEach(() => {
    handlers.push((r, body) => {
      if (r.url.endsWith(`/patients/${ANA}/profile`)) {
        return json(200, {
          patientId: ANA,
          legalName: { given: "Ana", family: "López" },
          dateOfBirth: "1984-03-12",
          sex: "female",
          contact: { email: "ana@example.org" },
          communication: { preferredChannel: "email", appointmentReminders: true, healthReminders: false },
          changeRequests: [],
          createdAt: "2026-01-01T00:00:00Z",
          updatedAt: "2026-01-01T00:00:00Z",
        });
      }
      if (r.url.includes(`/staff/patients/${ANA}/notification-deliveries`)) {
        const cursor = new URL(r.url).searchParams.get("cursor");
        return cursor === "page2"
          ? json(200, { items: [delivery(3, { kind: "password-reset" })], contacts: { email: { status: "ok" }, phone: { status: "missing" } } })
          : json(200, {
              items: [delivery(1), delivery(2, { kind: "waitlist-offer", channel: "sms", status: "suppressed", reason: "no-contact", attempts: 0 })],
              contacts: { email: { status: "ok" }, phone: { status: "missing" } },
              nextCursor: "page2",
            });
      }
      if (r.url.endsWith(`/staff/patients/${ANA}/activation-codes`)) {
        const b = body as { deliverBy?: string };
        return json(201, b.deliverBy
          ? { codeId: "01HZZZZZZZZZZZZZZZZZZZZZZC", deliveredBy: b.deliverBy, expires: "2026-03-15T15:00:00Z" }
          : { codeId: "01HZZZZZZZZZZZZZZZZZZZZZZC", code: "7KQ2M-X9D4P", expires: "2026-03-15T15:00:00Z" });
      }
      return undefined;
    });
  });

  it("shows the delivery history in words, paged, and the contacts' state", async () => {
    signedIn(["front-desk"], `/staff/patients/${ANA}`);
    expect(await screen.findByRole("heading", { name: "Ana López" })).toBeTruthy();
    const section = await screen.findByRole("region", { name: "Notifications" });
    const rows = await within(section).findAllByRole("row");
    expect(rows).toHaveLength(3);
    expect(rows[2]!.textContent).toContain("An earlier time is offered (waitlist)");
    expect(rows[2]!.textContent).toContain("Not sent");
    expect(rows[2]!.textContent).toContain("no address or number on file");
    expect(within(section).getByText("Mobile number: none on file.")).toBeTruthy();
    fireEvent.click(within(section).getByRole("button", { name: "Show older notifications" }));
    await within(section).findByText("Password reset");
    expect(within(section).getAllByRole("row")).toHaveLength(4);
    expect(within(section).queryByRole("button", { name: "Show older notifications" })).toBeNull();
  });

  it("emails the activation code, and cannot text it without a mobile number", async () => {
    signedIn(["front-desk"], `/staff/patients/${ANA}`);
    const text = await screen.findByRole("radio", { name: "Text it" });
    expect(text).toHaveProperty("disabled", true);
    expect(document.getElementById(text.getAttribute("aria-describedby")!)?.textContent).toBe("No mobile number on file.");
    fireEvent.click(screen.getByRole("radio", { name: "Email it" }));
    fireEvent.click(screen.getByRole("button", { name: "Issue an activation code" }));
    expect(await screen.findByText(/^Sent by email\./)).toBeTruthy();
    expect(screen.queryByText(/7KQ2M/)).toBeNull();
    expect(calls.find((c) => c.method === "POST")?.body).toEqual({ expiresInDays: 14, deliverBy: "email" });
  });

  it("shows the code once to print by default", async () => {
    signedIn(["front-desk"], `/staff/patients/${ANA}`);
    fireEvent.click(await screen.findByRole("button", { name: "Issue an activation code" }));
    expect(await screen.findByText("Activation code (shown only once): 7KQ2M-X9D4P")).toBeTruthy();
  });
});

describe("the profile's contact details", () => {
  it("sends only the part changed, with the profile's version, and clears an emptied one", async () => {
    handlers.push((r) =>
      r.url.endsWith("/patients/me/profile")
        ? new Response(
            JSON.stringify({
              patientId: ANA,
              legalName: { given: "Ana", family: "López" },
              dateOfBirth: "1984-03-12",
              sex: "female",
              contact: { email: "ana@example.org", phone: "+15555550101" },
              communication: { preferredChannel: "email", appointmentReminders: true, healthReminders: false },
              changeRequests: [],
              createdAt: "2026-01-01T00:00:00Z",
              updatedAt: "2026-01-01T00:00:00Z",
            }),
            { status: 200, headers: { "Content-Type": "application/json", ETag: '"3"' } },
          )
        : undefined,
    );
    signedIn(["patients"], "/p/me/profile#contact", ANA);
    const heading = await screen.findByRole("heading", { name: "Contact details" });
    await waitFor(() => expect(document.activeElement).toBe(heading));
    fireEvent.change(screen.getByLabelText("Mobile number"), { target: { value: "" } });
    fireEvent.click(screen.getByRole("button", { name: "Save contact details" }));
    expect(await screen.findByText("Your contact details are saved.")).toBeTruthy();
    const patch = calls.find((c) => c.method === "PATCH");
    expect(patch?.body).toEqual({ contact: { phone: null } });
    expect(screen.getByRole("link", { name: "Notification settings" }).getAttribute("href")).toBe("/p/me/notifications");
  });
});

