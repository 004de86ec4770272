import { afterEach, describe, expect, it, vi } from "vitest";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { renderApp } from "../../../test/render";
import { setSession } from "../../auth/session";
import { isMinor } from "./Guardians";

// The front desk registers a minor's guardian on the staff patient page; staff assign a
// conversation to a colleague of its team, and a refusal shows next to the picker.

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const problem = (field: string, message: string) =>
  new Response(
    JSON.stringify({ type: "https://patient-portal.dev/problems/invalid-fields", title: "Invalid fields", status: 422, errors: [{ field, message }] }),
    { status: 422, headers: { "Content-Type": "application/problem+json" } },
  );

// The page's other sections (the notification history) are not what these tests are about.
const notFound = () =>
  new Response(JSON.stringify({ type: "https://patient-portal.dev/problems/not-found", title: "Not found", status: 404 }), {
    status: 404,
    headers: { "Content-Type": "application/problem+json" },
  });
const slow = { timeout: 10_000 };

afterEach(() => {
  vi.unstubAllGlobals();
  setSession(null);
});

describe("isMinor", () => {
  it("is under 18 until the 18th birthday", () => {
    expect(isMinor("2010-05-10", "2028-05-09")).toBe(true);
    expect(isMinor("2010-05-10", "2028-05-10")).toBe(false);
    expect(isMinor("1984-03-12", "2026-01-01")).toBe(false);
  });
});

describe("registering a guardian", () => {
  it("asks for the in-person check, sends the grant, shows the code once and the API's field errors beside the fields", async () => {
    const posts: unknown[] = [];
    let answer: "email" | "ok" = "email";
    vi.stubGlobal("fetch", async (r: Request) => {
      const url = new URL(r.url);
      if (url.pathname === "/patients/01MINOR/profile") {
        return json({ patientId: "01MINOR", legalName: { given: "Leo", family: "Park" }, dateOfBirth: "2016-04-02", sex: "male", contact: {} });
      }
      if (url.pathname === "/patients/01MINOR/care-circle") {
        return json({
          items: [{ invitationId: "01INV", name: "Kim Park", email: "kim@example.org", relationship: "parent", scopes: ["records"], guardian: true, status: "active", invitedAt: "2026-01-01T00:00:00Z", endsOn: "2034-04-01" }],
          nextCursor: null,
        });
      }
      if (url.pathname === "/staff/patients/01MINOR/guardians" && r.method === "POST") {
        posts.push(await r.json());
        if (answer === "email") return problem("email", "is not an email address");
        return json({ invitationId: "01NEW", name: "Jo Park", email: "jo@example.org", relationship: "legal guardian", scopes: ["records"], guardian: true, status: "invited", invitedAt: "2026-01-01T00:00:00Z", code: "7KQ2M-X9D4P" }, 201);
      }
      if (url.pathname.endsWith("/notification-deliveries")) return notFound();
      return json({ items: [], nextCursor: null });
    });
    renderApp("/staff/patients/01MINOR", { groups: ["front-desk"], sub: "fd" });

    const section = await screen.findByRole("region", { name: "Parents and guardians" }, slow);
    await within(section).findByText("Kim Park", {}, slow);
    expect(within(section).getByText("Guardian")).toBeTruthy();
    const form = within(section).getByRole("form", { name: "Register a parent or guardian" });
    fireEvent.click(within(form).getByRole("button", { name: "Register and send the code" }));
    expect(await within(form).findByText("Confirm that you checked their identity and authority in person.")).toBeTruthy();
    expect(within(form).getByText("Choose parent or legal guardian.")).toBeTruthy();
    expect(posts).toHaveLength(0);

    fireEvent.click(within(form).getByRole("radio", { name: "Legal guardian" }));
    fireEvent.change(within(form).getByLabelText("Their full name"), { target: { value: "Jo Park" } });
    fireEvent.change(within(form).getByLabelText("Their email"), { target: { value: "jo@" } });
    fireEvent.click(within(form).getByRole("checkbox", { name: /I have checked this person's photo ID/ }));
    fireEvent.click(within(form).getByRole("checkbox", { name: "Billing" }));
    fireEvent.click(within(form).getByRole("button", { name: "Register and send the code" }));
    const email = within(form).getByLabelText("Their email");
    await waitFor(() => expect(email.getAttribute("aria-invalid")).toBe("true"));
    expect(document.getElementById(email.getAttribute("aria-describedby")!.split(" ").pop()!)?.textContent).toBe("is not an email address");
    expect(posts[0]).toEqual({ email: "jo@", name: "Jo Park", relationship: "legal-guardian", scopes: ["records", "messages", "appointments", "profile"] });

    answer = "ok";
    fireEvent.change(email, { target: { value: "jo@example.org" } });
    fireEvent.click(within(form).getByRole("button", { name: "Register and send the code" }));
    const status = await within(form).findByRole("status");
    expect(status.textContent).toContain("Invitation code for Jo Park (shown only once): 7KQ2M-X9D4P");
    expect(status.textContent).toContain("It was also emailed to jo@example.org.");
  });

  it("offers no form for an adult", async () => {
    vi.stubGlobal("fetch", async (r: Request) => {
      const url = new URL(r.url);
      if (url.pathname === "/patients/01ADULT/profile") {
        return json({ patientId: "01ADULT", legalName: { given: "Ana", family: "Lopez" }, dateOfBirth: "1984-03-12", sex: "female", contact: {} });
      }
      if (url.pathname.endsWith("/notification-deliveries")) return notFound();
      return json({ items: [], nextCursor: null });
    });
    renderApp("/staff/patients/01ADULT", { groups: ["front-desk"], sub: "fd" });
    const section = await screen.findByRole("region", { name: "Parents and guardians" }, slow);
    expect(within(section).getByText(/This patient is 18 or older/)).toBeTruthy();
    expect(within(section).queryByRole("form")).toBeNull();
  });
});

describe("assigning to a colleague", () => {
  it("lists the team's colleagues but me, and says beside the picker why one cannot take it", async () => {
    const patches: unknown[] = [];
    vi.stubGlobal("fetch", async (r: Request) => {
      const url = new URL(r.url);
      if (url.pathname === "/patients/01P/conversations/01C/messages") {
        return json({
          conversation: {
            conversationId: "01C", patientId: "01P", category: "medical-question", subject: "Dizzy", status: "open",
            statusSince: "2026-01-01T00:00:00Z", createdAt: "2026-01-01T00:00:00Z", lastActivityAt: "2026-01-01T00:00:00Z",
            messageCount: 1, patientUnread: 0, version: 1,
          },
          items: [],
          nextCursor: null,
        });
      }
      if (url.pathname === "/staff/colleagues") {
        expect(url.searchParams.get("category")).toBe("medical-question");
        return json({ category: "medical-question", team: "clinicians", items: [{ sub: "me", name: "Grace Adeyemi" }, { sub: "noor", name: "Noor Haddad" }] });
      }
      if (url.pathname === "/patients/01P/conversations/01C" && r.method === "PATCH") {
        patches.push(await r.json());
        return problem("assignee", "has not finished the message inbox training");
      }
      return json({ items: [], nextCursor: null });
    });
    renderApp("/staff/inbox/01P/01C", { groups: ["clinicians"], sub: "me" });

    const form = await screen.findByRole("form", { name: "Assign to a colleague" }, slow);
    await within(form).findByRole("option", { name: "Noor Haddad" }, slow);
    const picker = within(form).getByLabelText("Colleague (clinicians)");
    expect(within(picker).queryByRole("option", { name: "Grace Adeyemi" })).toBeNull();
    fireEvent.change(picker, { target: { value: "noor" } });
    fireEvent.click(within(form).getByRole("button", { name: "Assign" }));
    await waitFor(() => expect(picker.getAttribute("aria-invalid")).toBe("true"));
    expect(patches).toEqual([{ assignee: "noor" }]);
    expect(document.getElementById(picker.getAttribute("aria-describedby")!)?.textContent).toBe(
      "Noor Haddad has not finished the message inbox training yet, so this conversation cannot be assigned to them.",
    );
  });
});

describe("ending someone's access from the staff patient page", () => {
  it("asks first, then revokes the guardian's access and shows it revoked", async () => {
    let revoked = false;
    const revokes: string[] = [];
    vi.stubGlobal("fetch", async (r: Request) => {
      const url = new URL(r.url);
      if (url.pathname === "/patients/01MINOR/profile") {
        return json({ patientId: "01MINOR", legalName: { given: "Leo", family: "Park" }, dateOfBirth: "2016-04-02", sex: "male", contact: {} });
      }
      if (url.pathname === "/patients/01MINOR/care-circle") {
        const status = revoked ? "revoked" : "active";
        return json({
          items: [{ invitationId: "01INV", name: "Kim Park", email: "kim@example.org", relationship: "parent", scopes: ["records"], guardian: true, status, invitedAt: "2026-01-01T00:00:00Z" }],
          nextCursor: null,
        });
      }
      if (url.pathname === "/patients/01MINOR/care-circle/01INV/revoke" && r.method === "POST") {
        revokes.push(url.pathname);
        revoked = true;
        return json({ invitationId: "01INV", name: "Kim Park", email: "kim@example.org", relationship: "parent", scopes: ["records"], guardian: true, status: "revoked", invitedAt: "2026-01-01T00:00:00Z" });
      }
      if (url.pathname.endsWith("/notification-deliveries")) return notFound();
      return json({ items: [], nextCursor: null });
    });
    renderApp("/staff/patients/01MINOR", { groups: ["front-desk"], sub: "fd" });

    const section = await screen.findByRole("region", { name: "Parents and guardians" }, slow);
    const member = (await within(section).findByText("Kim Park", {}, slow)).closest("li")!;
    fireEvent.click(within(member as HTMLElement).getByRole("button", { name: /^Revoke\W+Kim Park$/ }));
    // Nothing is sent until the front desk confirms; keeping the access sends nothing either.
    fireEvent.click(await within(member as HTMLElement).findByRole("button", { name: "Keep their access" }));
    expect(revokes).toHaveLength(0);
    fireEvent.click(within(member as HTMLElement).getByRole("button", { name: /^Revoke\W+Kim Park$/ }));
    fireEvent.click(await within(member as HTMLElement).findByRole("button", { name: "Yes, revoke access" }));
    await waitFor(() => expect(revokes).toEqual(["/patients/01MINOR/care-circle/01INV/revoke"]));
    expect(await within(section).findByText("Revoked", {}, slow)).toBeTruthy();
    expect(within(section).queryByRole("button", { name: /^Revoke\W+Kim Park$/ })).toBeNull();
  });
});

describe("the patient's health record from the staff patient page", () => {
  const stub = () =>
    vi.stubGlobal("fetch", async (r: Request) => {
      const url = new URL(r.url);
      if (url.pathname === "/patients/01ADULT/profile") {
        return json({ patientId: "01ADULT", legalName: { given: "Ana", family: "Ruiz" }, dateOfBirth: "1984-03-12", sex: "female", contact: {} });
      }
      if (url.pathname.endsWith("/notification-deliveries")) return notFound();
      return json({ items: [], nextCursor: null });
    });

  it("gives clinicians the record and its imports", async () => {
    stub();
    renderApp("/staff/patients/01ADULT", { groups: ["clinicians"], sub: "cl" });
    const section = await screen.findByRole("region", { name: "Health record" }, slow);
    expect(within(section).getByRole("link", { name: "Open the health record" }).getAttribute("href")).toBe("/p/01ADULT/records");
    expect(within(section).getByRole("link", { name: "Past imports and their reports" }).getAttribute("href")).toBe("/p/01ADULT/records/imports");
  });

  it("gives the front desk the imports only (they may bring a file in, not read the record)", async () => {
    stub();
    renderApp("/staff/patients/01ADULT", { groups: ["front-desk"], sub: "fd" });
    const section = await screen.findByRole("region", { name: "Health record" }, slow);
    expect(within(section).queryByRole("link", { name: "Open the health record" })).toBeNull();
    expect(within(section).getByRole("link", { name: "Past imports and their reports" })).toBeTruthy();
  });
});
