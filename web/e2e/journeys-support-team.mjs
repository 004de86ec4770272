// The quick-response team's journeys (issue 18). See journeys.mjs for the shape of a journey and
// the harness (h.signIn, h.check).

import { cohortName, createCohort, letterTag, nav } from "./journeys.mjs";

const FEATURE = "Waitlist";

/** The portal lead opens the feature's switch and returns the card and its change form. */
async function switchForm(h) {
  const { page } = h;
  await nav(h, "Feature switches");
  const card = page.getByRole("region", { name: FEATURE });
  await card.getByText(/^Version \d+$/).waitFor();
  const editor = card.locator("details").filter({ has: page.locator("summary", { hasText: `Change: ${FEATURE}` }) });
  await editor.evaluate((d) => {
    d.open = true;
  });
  return { card, form: card.getByRole("form", { name: `Change: ${FEATURE}` }) };
}

/** The switch back to `mode` ("Everyone" or "No one"), as it was before the journey. */
async function switchBack(h, mode) {
  const { card, form } = await switchForm(h);
  await form.getByRole("radio", { name: mode, exact: true }).check();
  const killed = form.getByRole("checkbox", { name: /Kill switch on/ });
  if (await killed.count()) await killed.uncheck();
  await form.getByLabel("Reason for the change").fill("Back as it was: the support browser test is done");
  await form.getByRole("button", { name: "Save the switch" }).click();
  await card.getByText(mode === "Everyone" ? "On for everyone" : "Off", { exact: true }).waitFor();
}

export const journeys = [
  {
    slug: "support-team-report",
    name: "the response team triages a patient's report, replies, takes a cohort out of the feature, opens an incident and resolves the report",
    async run(h) {
      const { page } = h;
      const tag = letterTag();
      const [kept, removed] = [cohortName("keep", h.size), cohortName("harmed", h.size)];

      // The portal lead opens the waitlist to two cohorts and to every patient by share (100%),
      // so taking one cohort out later changes what the switch lists and nobody loses the feature.
      await h.signIn("portallead");
      await createCohort(h, kept, "Patients who keep the waitlist");
      await createCohort(h, removed, "Patients for whom the waitlist misbehaves");
      const { card, form } = await switchForm(h);
      const before = (await form.getByRole("radio", { name: "Everyone", exact: true }).isChecked())
        ? "Everyone"
        : (await form.getByRole("radio", { name: "No one", exact: true }).isChecked())
          ? "No one"
          : null;
      if (!before) throw new Error("the waitlist is already limited: another run left it so");
      try {
        await form.getByRole("radio", { name: /^Chosen cohorts/ }).check();
        await form.getByRole("checkbox", { name: kept, exact: true }).check();
        await form.getByRole("checkbox", { name: removed, exact: true }).check();
        await form.getByLabel("Share of patients (percent)").fill("100");
        await form.getByLabel("Reason for the change").fill(`Waitlist for ${kept} and ${removed}, and everyone by share`);
        await form.getByRole("button", { name: "Save the switch" }).click();
        await card.getByText("On for some").waitFor();
        await h.signOut();

        // A patient reports a problem from the app's header.
        const what = `The waitlist offer vanished before I could accept it (${h.size} ${tag}).`;
        await h.signIn("patient1");
        await page.getByRole("button", { name: "Report a problem" }).click();
        const dialog = page.getByRole("dialog", { name: "Report a problem" });
        await dialog.getByLabel(/^What happened\?/).fill(what);
        await dialog.getByLabel("Which part of the portal? (optional)").selectOption({ label: FEATURE });
        await dialog.getByRole("button", { name: "Send report" }).click();
        await dialog.getByText("Thank you. Your report was sent to the quick-response team.").waitFor();
        const href = await dialog.getByRole("link", { name: "See your report and the team's answers" }).getAttribute("href");
        const reportId = href?.split("/").pop();
        if (!reportId) throw new Error(`no report id in ${href}`);
        await dialog.getByRole("button", { name: "Close" }).click();
        await h.signOut();

        // The response team finds it in the queue.
        await h.signIn("response");
        await nav(h, "Report queue");
        await page.getByRole("heading", { name: "Problem reports", level: 1 }).waitFor();
        const queue = page.getByRole("table", { name: "Open reports, soonest due first" });
        await queue.getByRole("link", { name: what }).waitFor();
        await h.check("support-queue");
        await queue.getByRole("link", { name: what }).click();
        await page.getByRole("heading", { name: "Problem report", level: 1 }).waitFor();
        const details = page.getByRole("region", { name: "What happened" });
        await details.getByText(reportId).waitFor();
        await details.getByText(what).waitFor();
        await page.getByRole("region", { name: "Response targets" }).getByText("Not yet").waitFor();
        await h.check("support-report");

        // Triage: high, in progress, and mine.
        const triage = page.getByRole("region", { name: "Triage" });
        const triageForm = triage.getByRole("form", { name: "Triage" });
        await triageForm.getByLabel("Severity").selectOption("high");
        await triageForm.getByLabel("Status").selectOption("in-progress");
        await triageForm.getByRole("button", { name: "Save the triage" }).click();
        await triage.getByText("Triage saved.").waitFor();
        await triage.getByRole("button", { name: "Assign to me" }).click();
        await triage.getByText("Assigned to you.").waitFor();
        await page.getByRole("region", { name: "What happened" }).getByText("High", { exact: true }).waitFor();

        // A reply the patient reads, and a note only the team does.
        const timeline = page.getByRole("region", { name: "Timeline" });
        const reply = page.getByRole("form", { name: "Reply to the reporter" });
        await reply.getByLabel("Your reply").fill("Thank you. We are looking into the waitlist offers now.");
        await reply.getByRole("button", { name: "Send the reply" }).click();
        await reply.getByText("Reply sent.").waitFor();
        await timeline.getByRole("article", { name: "Reply to the reporter from You" }).waitFor();
        await page.getByRole("region", { name: "Response targets" }).getByText("Not yet").waitFor({ state: "detached" });
        const note = page.getByRole("form", { name: "Internal note" });
        await note.getByLabel("Note", { exact: true }).fill("Offers lapse a minute early for this cohort.");
        await note.getByRole("button", { name: "Add the note" }).click();
        await note.getByText("Note added.").waitFor();
        await timeline.getByRole("article", { name: /^Internal, not shown to the reporter: Note by You/ }).waitFor();

        // The harmed cohort comes out of the feature, with a reason.
        const off = page.getByRole("region", { name: "Turn the feature off" });
        await off.getByRole("button", { name: "Turn a feature off…" }).click();
        const offForm = off.getByRole("form", { name: "Turn the feature off" });
        if ((await offForm.getByLabel("Feature", { exact: true }).inputValue()) !== "waitlist") throw new Error("the report's feature is not chosen");
        await offForm.getByRole("radio", { name: "Remove one cohort from it" }).check();
        await offForm.getByLabel(/^Cohort/).fill(removed);
        await offForm.getByLabel(/^Reason/).fill("Offers vanish before patients can accept them");
        await h.check("support-switch-off");
        await offForm.getByRole("button", { name: "Turn it off" }).press("Enter");
        await off.getByText(`${removed} no longer has ${FEATURE}. Cohorts still on: ${kept}.`).waitFor();
        await timeline.getByRole("article", { name: /^Internal, not shown to the reporter: You turned Waitlist off/ }).waitFor();
        await h.check("support-report-worked");

        // An incident for everyone else who may meet it, posted on the status page.
        await nav(h, "Incidents");
        await page.getByRole("heading", { name: "Incidents", level: 1 }).waitFor();
        const title = `Waitlist offers vanish early ${h.size} ${tag}`;
        const open = page.getByRole("form", { name: "Open an incident" });
        await open.getByLabel(/^Title/).fill(title);
        await open.getByRole("checkbox", { name: FEATURE, exact: true }).check();
        await open.getByRole("radio", { name: "Cause identified" }).check();
        await open.getByLabel(/^First update/).fill("Some waitlist offers disappear before they can be accepted. We have found why.");
        await h.check("support-incident-new");
        await open.getByRole("button", { name: "Open the incident" }).press("Enter");
        await page.getByRole("heading", { name: title, level: 1 }).waitFor();
        const update = page.getByRole("form", { name: "Post an update" });
        await update.getByRole("radio", { name: "Resolved" }).check();
        await update.getByLabel(/^Update/).fill("Fixed: offers last their full time again.");
        await update.getByRole("button", { name: "Post the update" }).click();
        await update.getByText("Update posted.").waitFor();
        await page.getByRole("region", { name: "Summary" }).getByText("Resolved", { exact: true }).first().waitFor();
        await page.getByRole("region", { name: "Updates, newest first" }).getByText("Fixed: offers last their full time again.").waitFor();
        await h.check("support-incident");

        // Back to the report: the answer resolves it.
        await nav(h, "Report queue");
        await queue.getByRole("link", { name: what }).click();
        await page.getByRole("heading", { name: "Problem report", level: 1 }).waitFor();
        const last = page.getByRole("form", { name: "Reply to the reporter" });
        await last.getByLabel("Your reply").fill("Fixed: offers last their full time again. Thank you for telling us.");
        await last.getByLabel("Status after this reply").selectOption("resolved");
        await last.getByRole("button", { name: "Send the reply" }).click();
        await last.getByText("Reply sent.").waitFor();
        await page.getByRole("region", { name: "What happened" }).getByText("Resolved", { exact: true }).waitFor();
        await nav(h, "Report queue");
        await page.getByRole("navigation", { name: "Which reports" }).getByRole("link", { name: "Resolved" }).click();
        await page.getByRole("table", { name: "Resolved reports, newest first" }).getByRole("link", { name: what }).waitFor();
        await h.check("support-resolved");
        await h.signOut();
      } finally {
        // The switch as it was (the phone and desktop runs share the stack).
        if (await page.getByRole("button", { name: "Sign out" }).isVisible()) await h.signOut();
        await h.signIn("portallead");
        await switchBack(h, before);
      }
    },
  },
];
