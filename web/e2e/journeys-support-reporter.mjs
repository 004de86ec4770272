// The support journeys, the reporter's side (issue 18): a patient reports a problem from the
// app's header, finds it in "My problem reports" and adds to it; the status banner shows an
// incident under way to the people it touches, until they put it away. See journeys.mjs for the
// shape of a journey and the harness (h.signIn, h.check).
//
// The incident is opened and resolved through the API with the response team's token (the
// team's screens have journeys of their own), named for the run and the screen size, and always
// resolved at the end, so other journeys on the shared stack never see its banner.

import { letterTag, nav } from "./journeys.mjs";

/** One API call; anything but 2xx fails the journey with the problem's text. */
async function call(h, token, method, path, body, headers = {}) {
  const response = await fetch(`${h.apiUrl}${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body ? { "Content-Type": "application/json" } : {}),
      ...headers,
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return { body: text ? JSON.parse(text) : null, etag: response.headers.get("ETag") };
}

/** The response team opens an incident on `features`; its id. */
async function openIncident(h, token, title, features) {
  const { body } = await call(
    h,
    token,
    "POST",
    "/support/incidents",
    { title, features, status: "investigating", text: "Some reports do not reach the team. We are looking into it." },
    { "Idempotency-Key": crypto.randomUUID() },
  );
  return body.incidentId;
}

/** Resolves the incident (If-Match: its version as read now). */
async function resolveIncident(h, token, incidentId) {
  const { body, etag } = await call(h, token, "GET", `/support/incidents/${incidentId}`);
  if (body.status === "resolved") return;
  await call(h, token, "POST", `/support/incidents/${incidentId}/updates`, { status: "resolved", text: "Resolved: the browser test is done." }, {
    "If-Match": etag ?? `"${body.version}"`,
  });
}

export const journeys = [
  {
    slug: "support-reporter-report",
    name: "a patient reports a problem from the header, finds it in their reports and adds to it",
    async run(h) {
      const { page } = h;
      const tag = letterTag();
      // Short enough to be the whole summary in the list (the list shortens at 100 characters).
      const what = `My sent message vanished from the list (${h.size} ${tag}).`;
      const more = `It happens on my phone too (${h.size} ${tag}).`;

      await h.signIn("patient3");
      await page.getByRole("heading", { name: "Welcome" }).waitFor();
      await nav(h, "Messages");
      await page.getByRole("heading", { name: "Messages", level: 1 }).waitFor();

      // The dialog: the feature is guessed from the page, the page and version are shown.
      const open = page.getByRole("button", { name: "Report a problem" });
      await open.click();
      const dialog = page.getByRole("dialog", { name: "Report a problem" });
      const field = dialog.getByLabel(/^What happened\?/);
      await field.waitFor();
      if (!(await field.evaluate((el) => el === document.activeElement))) throw new Error("the focus is not in the dialog");
      const feature = await dialog.getByLabel("Which part of the portal? (optional)").inputValue();
      if (feature !== "messaging") throw new Error(`the feature guessed is ${feature}`);
      await dialog.getByText("/p/me/messages", { exact: true }).waitFor();
      await field.fill(what);
      await h.check("support-report-dialog");
      await dialog.getByRole("button", { name: "Send report" }).click();
      await dialog.getByText("Thank you. Your report was sent to the quick-response team.").waitFor();
      const link = dialog.getByRole("link", { name: "See your report and the team's answers" });
      const href = await link.getAttribute("href");
      if (!/^\/p\/me\/reports\/[0-9A-Z]{26}$/.test(href ?? "")) throw new Error(`the report's link is ${href}`);
      await h.check("support-report-sent");

      // Escape closes the dialog and gives the focus back to the header's button.
      await page.keyboard.press("Escape");
      await dialog.waitFor({ state: "detached" });
      if (!(await open.evaluate((el) => el === document.activeElement))) throw new Error("the focus did not return to the button");

      // "Problem reports" in the navigation lists it; its page has the timeline.
      await nav(h, "Problem reports");
      await page.getByRole("heading", { name: "My problem reports", level: 1 }).waitFor();
      const item = page.getByRole("link", { name: what, exact: true });
      await item.waitFor();
      await page.getByRole("listitem").filter({ has: item }).getByText("Received", { exact: true }).waitFor();
      await h.check("support-my-reports");
      await item.click();
      await page.getByRole("heading", { name: "Problem report", level: 1 }).waitFor();
      if (new URL(page.url()).pathname !== href) throw new Error(`the report opened at ${page.url()}`);
      await page.getByRole("region", { name: "What you reported" }).getByText(what).waitFor();
      const timeline = page.getByRole("region", { name: "Since then" });
      await timeline.getByText("You reported it").waitFor();

      // She adds to it.
      const reply = page.getByRole("form", { name: "Add to your report" });
      await reply.getByLabel(/^Your message/).fill(more);
      await reply.getByRole("button", { name: "Send", exact: true }).click();
      await reply.getByText("Sent. The team will see it.").waitFor();
      await timeline.getByText(more).waitFor();
      await h.check("support-my-report");
      await h.signOut();
    },
  },
  {
    slug: "support-reporter-banner",
    name: "an incident under way shows in a banner to the patients it touches and to staff, until each dismisses it",
    async run(h) {
      const { page } = h;
      const title = `Reports are slow to arrive ${h.size} ${letterTag()}`;
      const token = await h.apiToken("response");
      // Opened before anyone signs in: the status page may be cached for 30 seconds.
      const incidentId = await openIncident(h, token, title, ["problem-reports", "messaging"]);
      try {
        // The public status page answers without a token, and names nobody.
        const { body: status } = await call(h, null, "GET", "/public/status");
        const listed = status.incidents.find((i) => i.incidentId === incidentId);
        if (!listed) throw new Error("the incident is not on the status page");
        if ("createdBy" in listed || "version" in listed) throw new Error("the status page says more than it should");

        await h.signIn("patient3");
        await page.getByRole("heading", { name: "Welcome" }).waitFor();
        const banner = page.getByRole("region", { name: "Service status" });
        const incident = banner.getByRole("listitem").filter({ hasText: title });
        await incident.getByText("Investigating", { exact: true }).waitFor();
        await incident.getByText(/Some reports do not reach the team\./).waitFor();
        await h.check("support-banner");

        // Put away: gone, on the next page too, and when she signs in again (the session lives
        // in memory only, so a reload is a new sign-in).
        await incident.getByRole("button", { name: `Dismiss: ${title}` }).click();
        await incident.waitFor({ state: "detached" });
        await nav(h, "Problem reports");
        await page.getByRole("heading", { name: "My problem reports", level: 1 }).waitFor();
        if (await banner.getByText(title).count()) throw new Error("the dismissed incident is back on the next page");
        await h.signOut();
        await h.signIn("patient3");
        await page.getByRole("heading", { name: "Welcome" }).waitFor();
        await page.waitForLoadState("networkidle");
        if (await banner.getByText(title).count()) throw new Error("the dismissed incident came back");
        await h.signOut();

        // Staff see every incident under way.
        await h.signIn("frontdesk");
        await page.getByRole("region", { name: "Service status" }).getByText(title).waitFor();
        await h.check("support-banner-staff");
        await h.signOut();
      } finally {
        await resolveIncident(h, token, incidentId);
      }
    },
  },
];
