// The announcements journey (issue 18, part 2): the response team announces a fix to every
// patient and to the front desk (who must acknowledge it by a date); a patient reads it in what's
// new; the front desk acknowledges; the team sees it read and acknowledged, with nobody of the
// demo front desk left to acknowledge. See journeys.mjs for the shape of a journey and the
// harness (h.signIn, h.check).
//
// Both announcements are named for the run and the screen size, and ended at the end (the
// second from its page, the first through the API if the journey stopped before), so other
// journeys on the shared stack never find them in what's new.

import { daysAhead, letterTag, nav } from "./journeys.mjs";

/** Ends an announcement through the API (idempotent): the clean-up when the journey stopped early. */
async function expire(h, token, announcementId) {
  const response = await fetch(`${h.apiUrl}/support/announcements/${announcementId}/expire`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}` },
  });
  if (!response.ok) throw new Error(`expire ${announcementId}: ${response.status} ${await response.text()}`);
}

/** "What's new" in the main navigation (its name carries the unread count). */
async function whatsNew(h) {
  await h.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /^What's new/ }).click();
  await h.page.getByRole("heading", { name: "What's new", level: 1 }).waitFor();
}

/** The response team announces from the announcements page; the new announcement's id. */
async function announce(h, { title, body, audience, roles = [], acknowledgeBy }) {
  const { page } = h;
  await nav(h, "Announcements");
  await page.getByRole("heading", { name: "Announcements", level: 1 }).waitFor();
  const form = page.getByRole("form", { name: "Announce" });
  await form.getByLabel("Title", { exact: true }).fill(title);
  await form.getByLabel("Text", { exact: true }).fill(body);
  await form.getByRole("radio", { name: audience, exact: true }).check();
  for (const role of roles) await form.getByRole("checkbox", { name: role, exact: true }).check();
  if (acknowledgeBy) await form.getByLabel("Acknowledge by (optional)").fill(acknowledgeBy);
  await h.check(roles.length ? "announce-staff-form" : "announce-form");
  await form.getByRole("button", { name: "Announce it" }).click();
  await page.getByRole("heading", { name: title, level: 1 }).waitFor();
  const id = new URL(page.url()).pathname.split("/").pop();
  if (!id) throw new Error(`no announcement id in ${page.url()}`);
  return id;
}

/** The detail page's summary, fact by fact ("Read" → "1"). */
async function facts(h) {
  const summary = h.page.getByRole("region", { name: "Summary" });
  await summary.locator("dt").first().waitFor();
  return summary.evaluate((s) => Object.fromEntries([...s.querySelectorAll("dt")].map((dt) => [dt.textContent, dt.nextElementSibling?.textContent])));
}

export const journeys = [
  {
    slug: "support-announce-fix",
    name: "the response team announces a fix to patients and to the front desk; a patient reads it, the front desk acknowledges it, and the team sees who did",
    async run(h) {
      const { page } = h;
      const tag = letterTag();
      const forPatients = `Booking works again ${h.size} ${tag}`;
      const forDesk = `Check-in works again ${h.size} ${tag}`;
      const frontDesk = h.user("frontdesk");
      const made = [];
      try {
        // The response team announces the fix twice: to every patient, and to the front desk with an acknowledgement due.
        await h.signIn("response");
        made.push(
          await announce(h, {
            title: forPatients,
            body: "Booking an appointment was slow on Monday. It is fixed: thank you for your patience.",
            audience: "Every patient",
          }),
        );
        const facts1 = await facts(h);
        if (facts1.State !== "Published" || facts1.Audience !== "Every patient") throw new Error(`announced: ${JSON.stringify(facts1)}`);
        await h.check("announce-patients");
        made.push(
          await announce(h, {
            title: forDesk,
            body: "The check-in screen froze on Monday morning. It is fixed; check patients in as usual.",
            audience: "Staff in some roles",
            roles: ["Front desk"],
            acknowledgeBy: `${daysAhead(3)}T17:00`,
          }),
        );
        const acks = page.getByRole("region", { name: "Acknowledgements" });
        await acks.getByRole("list", { name: "Not acknowledged yet" }).getByText(/Tom Becker/).waitFor();
        await h.check("announce-staff");
        await h.signOut();

        // A patient finds it in what's new (marked read as it is shown).
        await h.signIn("patient1");
        await whatsNew(h);
        const news = page.getByRole("article", { name: new RegExp(`^${forPatients}`) });
        await news.getByText("It is fixed: thank you for your patience.", { exact: false }).waitFor();
        await h.check("whats-new-patient");
        await h.signOut();

        // The front desk reads theirs and confirms they have read and understood it.
        await h.signIn("frontdesk");
        await whatsNew(h);
        const desk = page.getByRole("article", { name: new RegExp(`^${forDesk}`) });
        await desk.getByText(/^Please confirm that you have read and understood this by/).waitFor();
        await h.check("whats-new-staff");
        await desk.getByRole("button", { name: `I have read and understood: ${forDesk}` }).click();
        await desk.getByText(/^You confirmed on .* that you have read and understood it\.$/).waitFor();
        await h.check("whats-new-acknowledged");
        await h.signOut();

        // The team sees each read once, the desk's acknowledged, and nobody of the demo front desk left.
        await h.signIn("response");
        await nav(h, "Announcements");
        const table = page.getByRole("table", { name: "Announcements, newest first" });
        await table.getByRole("link", { name: forPatients }).click();
        await page.getByRole("heading", { name: forPatients, level: 1 }).waitFor();
        const patientsFacts = await facts(h);
        if (patientsFacts.Read !== "1") throw new Error(`the patients' announcement: ${JSON.stringify(patientsFacts)}`);
        await nav(h, "Announcements");
        await table.getByRole("link", { name: forDesk }).click();
        await page.getByRole("heading", { name: forDesk, level: 1 }).waitFor();
        const deskFacts = await facts(h);
        if (deskFacts.Read !== "1" || deskFacts.Acknowledged !== "1") throw new Error(`the desk's announcement: ${JSON.stringify(deskFacts)}`);
        await acks.getByRole("table", { name: "Acknowledged" }).getByRole("rowheader", { name: "Tom Becker" }).waitFor();
        const pending = acks.getByRole("list", { name: "Not acknowledged yet" });
        if ((await pending.count()) && (await pending.getByText(frontDesk.email).count())) {
          throw new Error("the demo front desk is still listed as not acknowledged");
        }
        await h.check("announce-acknowledged");

        // The team ends it from its page.
        const end = page.getByRole("region", { name: "End it now" });
        await end.getByRole("button", { name: "End the announcement…" }).click();
        await end.getByRole("button", { name: "Yes, end it now" }).click();
        await end.getByText("The announcement has ended.").waitFor();
        await page.getByRole("region", { name: "Summary" }).getByText("Expired", { exact: true }).waitFor();
        await h.check("announce-ended");
        await h.signOut();
      } finally {
        // Nothing of this run stays in anyone's what's new (ending twice changes nothing).
        if (made.length) {
          const token = await h.apiToken("response");
          for (const id of made) await expire(h, token, id);
        }
      }
    },
  },
];
