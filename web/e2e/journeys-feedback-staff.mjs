// The feedback journeys (staff side): ideas, polls, results. See journeys.mjs for the shape of a
// journey and the harness (h.signIn, h.check).

import { cohortName, createCohort, letterTag, nav } from "./journeys.mjs";

/** Three ideas of this run and size (titles unique per run: the stack is shared by both sizes and by reruns). */
const ideasOf = (size, tag) => [
  { title: `Pay a bill online ${size} ${tag}`, description: "See statements and pay them by card.", benefit: "No phone call or cheque." },
  { title: `Ask for a nurse call ${size} ${tag}`, description: "Ask the nurse to call back about a result.", benefit: "Answers without a visit." },
  { title: `Share a letter ${size} ${tag}`, description: "Send a letter from the practice to a carer.", benefit: "Carers stay informed." },
];

export const journeys = [
  {
    slug: "feedback-staff-poll",
    name: "the portal lead adds ideas, polls staff, a cohort and another practice, reads the results and marks the winner planned",
    async run(h) {
      const { page } = h;
      const tag = letterTag();
      const ideas = ideasOf(h.size, tag);
      await h.signIn("portallead");

      // Three ideas.
      await nav(h, "Ideas");
      await page.getByRole("heading", { name: "Ideas", level: 1 }).waitFor();
      const newIdea = page.getByRole("form", { name: "New idea" });
      for (const idea of ideas) {
        await newIdea.getByLabel("Title", { exact: true }).fill(idea.title);
        await newIdea.getByLabel(/^What it would do/).fill(idea.description);
        await newIdea.getByLabel(/^Whom it helps/).fill(idea.benefit);
        await newIdea.getByRole("button", { name: "Add the idea" }).click();
        await newIdea.getByText(`Added: ${idea.title}.`).waitFor();
        await page.getByRole("region", { name: idea.title }).waitFor();
      }
      await h.check("feedback-ideas");

      // A cohort of patients to ask (not a beta cohort: nobody is asked to accept beta terms).
      const cohort = cohortName("poll", h.size);
      await createCohort(h, cohort, "Patients asked which idea comes first");

      // The poll: front desk, the cohort, other practices; rank the top 2.
      await nav(h, "Polls");
      await page.getByRole("heading", { name: "Polls", level: 1 }).waitFor();
      const pollTitle = `What should we build next? ${h.size} ${tag}`;
      const form = page.getByRole("form", { name: "New poll" });
      await form.getByLabel("Title", { exact: true }).fill(pollTitle);
      await form.getByLabel(/^Question/).fill("Which of these would help your work most? Put your top two in order.");
      for (const idea of ideas) await form.getByRole("checkbox", { name: new RegExp(`^${idea.title}`) }).check();
      await form.getByLabel(/^How many ideas each ballot ranks/).fill("2");
      await form.getByRole("checkbox", { name: "Front desk", exact: true }).check();
      await form.getByRole("checkbox", { name: cohort, exact: true }).check();
      await form.getByRole("checkbox", { name: /^Other practices/ }).check();
      await form.getByLabel("Staff", { exact: true }).fill("40");
      await form.getByLabel("Patients", { exact: true }).fill("40");
      await form.getByLabel("Other practices", { exact: true }).fill("20");
      await h.check("feedback-poll-new");
      // By keyboard (a click right after the full-page screenshot can land beside the button).
      await form.getByRole("button", { name: "Start the poll" }).press("Enter");
      await page.getByRole("heading", { name: pollTitle, level: 1 }).waitFor();
      const definition = page.getByRole("region", { name: "What is asked, and of whom" });
      await definition.getByText("Open", { exact: true }).waitFor();
      await definition.getByText(cohort).waitFor();

      // A link for another practice, shown once.
      const practice = `Hillside Surgery ${tag}`;
      const links = page.getByRole("form", { name: "New practice link" });
      await links.getByLabel("Practice name").fill(practice);
      await links.getByRole("button", { name: "Create the link" }).click();
      const url = await page.getByLabel("Voting link").inputValue();
      if (!url.startsWith(h.url("/vote#"))) throw new Error(`the voting link is not this web app's /vote page: ${url}`);
      await page.getByText(/shown only this once/).waitFor();
      await page.getByRole("table", { name: "Other practices' links" }).getByRole("row", { name: new RegExp(`${practice} .* Not yet`) }).waitFor();
      await h.check("feedback-poll-link");

      // The other practice votes through its link: no account, a browser of its own.
      const elsewhere = await page.context().browser().newContext({ viewport: page.viewportSize() });
      try {
        const other = await elsewhere.newPage();
        await other.goto(url);
        await other.getByRole("heading", { name: pollTitle, level: 1 }).waitFor();
        const ballot = other.getByRole("form", { name: "Your ballot" });
        await ballot.getByRole("button", { name: `Add to my ranking: ${ideas[1].title}` }).click();
        await ballot.getByRole("button", { name: `Add to my ranking: ${ideas[0].title}` }).click();
        // By keyboard: the first idea up to first place.
        await ballot.getByRole("button", { name: `Move up: ${ideas[0].title}` }).focus();
        await other.keyboard.press("Enter");
        await ballot.getByText(`${ideas[0].title} moved to position 1`).waitFor();
        await ballot.getByRole("button", { name: "Send my ballot" }).click();
        await ballot.getByText("Thanks, your ballot is in.").waitFor();
      } finally {
        await elsewhere.close();
      }

      // Back to the lead: the practice has voted; close the poll and read the results.
      // (A reload would sign the lead out: the session lives in memory only.)
      await nav(h, "Polls");
      await page.getByRole("link", { name: pollTitle }).click();
      await page.getByRole("heading", { name: pollTitle, level: 1 }).waitFor();
      await page.getByRole("table", { name: "Other practices' links" }).getByRole("row", { name: new RegExp(`${practice} .* Yes`) }).waitFor();
      await page.getByRole("button", { name: "Close the poll now" }).click();
      const confirm = page.getByRole("form", { name: "Close the poll" });
      await h.check("feedback-poll-close");
      await confirm.getByRole("button", { name: "Close it now" }).click();
      await definition.getByText("Closed", { exact: true }).first().waitFor();
      await page.getByRole("heading", { name: "Results", level: 2 }).waitFor();
      const practices = page.getByRole("table", { name: "Other practices: 1 ballot, weight 20" });
      await practices.getByRole("row", { name: `1 ${ideas[0].title} 2` }).waitFor();
      await practices.getByRole("row", { name: `2 ${ideas[1].title} 1` }).waitFor();
      await page.getByRole("table", { name: "Staff: 0 ballots, weight 40" }).waitFor();
      await page.getByRole("table", { name: "Patients: 0 ballots, weight 40" }).waitFor();
      const overall = page.getByRole("table", { name: "Overall order, weighted" });
      const first = overall.getByRole("row").nth(1);
      if (!(await first.textContent()).includes(ideas[0].title)) throw new Error(`the winner is not ${ideas[0].title}: ${await first.textContent()}`);
      await h.check("feedback-poll-results");

      // The winner: planned (a practice link has no account: it sees the outcome through its link).
      await overall.getByRole("button", { name: `Mark as planned: ${ideas[0].title}` }).click();
      await page.getByText(`“${ideas[0].title}” is now planned.`).waitFor();
      await overall.getByRole("row", { name: new RegExp(`${ideas[0].title} .*Planned`) }).waitFor();
      await h.check("feedback-poll-planned");

      await nav(h, "Ideas");
      const winner = page.getByRole("region", { name: ideas[0].title });
      await winner.getByText("Planned", { exact: true }).first().waitFor();

      // The ratings and surveys page reads too.
      await nav(h, "Feedback");
      await page.getByRole("heading", { name: "Feedback", level: 1 }).waitFor();
      await page.getByRole("region", { name: "Usability surveys" }).waitFor();
      await page.getByRole("region", { name: "Comments" }).waitFor();
      await h.check("feedback-insights");
    },
  },
];
