// The feedback journeys (the respondents' side): a patient votes in the practice's poll, rates a
// feature and reads the practice's answer; a staff member votes in the staff poll. See
// journeys.mjs for the shape of a journey and the harness (h.signIn, h.check).
//
// Each makes what it needs through the screens (its own cohort, ideas and poll, named for the run
// and the screen size) or uses demo data it leaves as it found it (the demo's staff poll, where a
// second ballot replaces the first), so both pass in any order, at both sizes, and run again.

import { cohortName, createCohort, letterTag, nav } from "./journeys.mjs";

/** The ideas of this run and size: titles unique on a shared stack. */
const ideasOf = (size, tag) => [
  { title: `Online bill pay ${size} ${tag}`, description: "See your statements and pay them by card.", benefit: "No paper statements." },
  { title: `Refill requests ${size} ${tag}`, description: "Ask your care team to renew a medicine you take.", benefit: "Refills on time." },
  { title: `Visit summaries ${size} ${tag}`, description: "Read what was decided at each visit.", benefit: "Nothing forgotten after a visit." },
];

/** Focuses a control by its accessible name and presses Enter, as a keyboard user would. */
async function pressByKeyboard(h, scope, name) {
  await scope.getByRole("button", { name, exact: true }).focus();
  await h.page.keyboard.press("Enter");
}

/** A text as a regular expression that matches it literally. */
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The accessible name of what has the focus (an aria-label, else its text). */
const focused = (page) => page.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.textContent);

export const journeys = [
  {
    slug: "feedback-patient-vote",
    name: "a patient votes in the practice's poll, rates messaging and sees the practice's answer",
    async run(h) {
      const { page } = h;
      const tag = letterTag();
      const ideas = ideasOf(h.size, tag);
      const cohort = cohortName("asked", h.size);
      const pollTitle = `Which portal idea first? ${h.size} ${tag}`;
      const comment = `I would like to search my old messages (${h.size} ${tag}).`;
      const answer = `Thank you: search is coming next month (${h.size} ${tag}).`;
      // patient3: the demo patient other journeys use least (only the booking one, for her visits).
      const patient = h.user("patient3").patientId;

      // The portal lead: a cohort with her in it (not beta: nobody is asked to accept beta terms),
      // three ideas, and a poll of that cohort.
      await h.signIn("portallead");
      await createCohort(h, cohort, "Patients asked which portal idea comes first");
      const add = page.getByRole("form", { name: "Add patients by id" });
      await add.getByLabel(/^Patient ids/).fill(patient);
      await add.getByRole("button", { name: "Add to the cohort" }).click();
      await add.getByText("Added 1; already in the cohort 0; refused 0.").waitFor();

      await nav(h, "Ideas");
      await page.getByRole("heading", { name: "Ideas", level: 1 }).waitFor();
      const newIdea = page.getByRole("form", { name: "New idea" });
      for (const idea of ideas) {
        await newIdea.getByLabel("Title", { exact: true }).fill(idea.title);
        await newIdea.getByLabel(/^What it would do/).fill(idea.description);
        await newIdea.getByLabel(/^Whom it helps/).fill(idea.benefit);
        await newIdea.getByRole("button", { name: "Add the idea" }).click();
        await newIdea.getByText(`Added: ${idea.title}.`).waitFor();
      }

      await nav(h, "Polls");
      await page.getByRole("heading", { name: "Polls", level: 1 }).waitFor();
      const form = page.getByRole("form", { name: "New poll" });
      await form.getByLabel("Title", { exact: true }).fill(pollTitle);
      await form.getByLabel(/^Question/).fill("Which would help you most? Put your top two in order.");
      for (const idea of ideas) await form.getByRole("checkbox", { name: new RegExp(`^${escape(idea.title)}`) }).check();
      await form.getByLabel(/^How many ideas each ballot ranks/).fill("2");
      await form.getByRole("checkbox", { name: cohort, exact: true }).check();
      await form.getByLabel("Patients", { exact: true }).fill("100");
      await form.getByRole("button", { name: "Start the poll" }).click();
      await page.getByRole("heading", { name: pollTitle, level: 1 }).waitFor();
      await h.signOut();

      // The patient: her Feedback page lists the poll; she ranks two ideas by keyboard.
      await h.signIn("patient3");
      await page.getByRole("heading", { name: "Welcome" }).waitFor();
      await nav(h, "Feedback");
      await page.getByRole("heading", { name: "Feedback", level: 1 }).waitFor();
      const polls = page.getByRole("region", { name: "Polls" });
      await polls.getByRole("link", { name: `Vote: ${pollTitle}` }).waitFor();
      await h.check("feedback-patient");
      await polls.getByRole("link", { name: `Vote: ${pollTitle}` }).click();
      await page.getByRole("heading", { name: pollTitle, level: 1 }).waitFor();
      const ballot = page.getByRole("form", { name: "Your ballot" });
      await pressByKeyboard(h, ballot, `Add to my ranking: ${ideas[1].title}`);
      await ballot.getByRole("status").getByText(`${ideas[1].title} added at position 1`).waitFor();
      await pressByKeyboard(h, ballot, `Add to my ranking: ${ideas[0].title}`);
      // Full (two of two): the focus is on the idea just added; Enter moves it up.
      if ((await focused(page)) !== `Move up: ${ideas[0].title}`) throw new Error(`the focus is on ${await focused(page)}`);
      await page.keyboard.press("Enter");
      await ballot.getByRole("status").getByText(`${ideas[0].title} moved to position 1`).waitFor();
      if ((await focused(page)) !== `Move down: ${ideas[0].title}`) throw new Error(`after moving, the focus is on ${await focused(page)}`);
      const order = await ballot.getByRole("list", { name: "Your ranking" }).getByRole("heading").allTextContents();
      if (order.join("|") !== `1. ${ideas[0].title}|2. ${ideas[1].title}`) throw new Error(`the ranking reads ${order}`);
      await h.check("feedback-patient-ballot");
      await pressByKeyboard(h, ballot, "Send my ballot");
      await ballot.getByText("Thanks, your ballot is in.").waitFor();
      const current = page.getByRole("region", { name: "Your ballot as it is now" });
      await current.getByRole("listitem").filter({ hasText: ideas[0].title }).waitFor();
      await h.check("feedback-patient-ballot-cast");

      // She rates messaging, with a comment.
      await page.getByRole("link", { name: "Back to feedback" }).click();
      const rate = page.getByRole("form", { name: "Give feedback" });
      await rate.getByLabel("Part of the portal").selectOption({ label: "Messaging" });
      await rate.getByRole("group", { name: "Your rating" }).getByRole("radio", { name: "3 – Good" }).check();
      await rate.getByLabel("Comment (optional)").fill(comment);
      await h.check("feedback-patient-rate");
      await rate.getByRole("button", { name: "Send feedback" }).click();
      await rate.getByText("Thanks: your feedback is sent.").waitFor();
      const mine = page.getByRole("region", { name: "Your feedback" });
      const rated = mine.getByRole("listitem").filter({ hasText: comment });
      await rated.getByText("No answer yet.").waitFor();
      const feedbackAnchor = await rated.getAttribute("id");
      await h.signOut();

      // The response team answers her comment.
      await h.signIn("response");
      await nav(h, "Feedback");
      await page.getByRole("heading", { name: "Feedback", level: 1 }).waitFor();
      const card = page.getByRole("region", { name: "Comments" }).locator("article").filter({ hasText: comment });
      await card.getByLabel("Answer", { exact: true }).fill(answer);
      await h.check("feedback-answer");
      await card.getByRole("button", { name: "Send the answer" }).click();
      await card.getByText("Answer sent: the patient is told.").waitFor();
      await h.signOut();

      // The patient reads the answer under her rating, and the update that says so.
      await h.signIn("patient3");
      await page.getByRole("heading", { name: "Welcome" }).waitFor();
      await nav(h, "Feedback");
      const answered = page.getByRole("region", { name: "Your feedback" }).getByRole("listitem").filter({ hasText: comment });
      await answered.getByText(answer).waitFor();
      await answered.getByText(/^The practice answered \(/).waitFor();
      const updates = page.getByRole("region", { name: "Updates" });
      const update = updates.getByRole("listitem").filter({ has: page.locator(`a[href="#${feedbackAnchor}"]`) });
      await update.getByText(/The practice answered your feedback\./).waitFor();
      await h.check("feedback-patient-answered");
      // The update leads to the answer.
      await update.getByRole("link", { name: "See the answer" }).click();
      await answered.getByText(answer).waitFor();
    },
  },
  {
    slug: "feedback-staff-vote",
    name: "a staff member votes in the staff poll, and a second ballot replaces the first",
    async run(h) {
      const { page } = h;
      // The demo's poll of every staff role (infra/local/src/seed_feedback.rs): rank the top 3 of 4.
      const title = "What should the portal do next?";
      const [bills, refills, spanish, share] = [
        "Pay bills online",
        "Ask for a prescription refill",
        "Text reminders in Spanish",
        "Share your record with another doctor",
      ];
      await h.signIn("frontdesk");
      await page.getByRole("heading", { name: "Day view" }).waitFor();
      await nav(h, "Your polls");
      await page.getByRole("heading", { name: "Your polls", level: 1 }).waitFor();
      const open = page.getByRole("region", { name: "Polls" }).getByRole("link", { name: new RegExp(`^(Vote|See or change your ballot): ${escape(title)}$`) });
      await open.waitFor();
      await h.check("staff-polls");
      await open.click();
      await page.getByRole("heading", { name: title, level: 1 }).waitFor();
      const ballot = page.getByRole("form", { name: "Your ballot" });
      await ballot.getByRole("heading", { name: "Your ranking" }).waitFor();
      // The phone and desktop runs share the stack and the front desk: she may have voted already.
      const before = page.getByRole("region", { name: "Your ballot as it is now" });
      const votedBefore = (await before.count()) > 0;

      // A fresh ranking: whatever is in it goes, then two ideas, the second moved to first by keyboard.
      const remove = ballot.getByRole("button", { name: /^Remove: / });
      while ((await remove.count()) > 0) await remove.first().click();
      await ballot.getByText("No idea chosen yet: add one from the list below.").waitFor();
      await pressByKeyboard(h, ballot, `Add to my ranking: ${spanish}`);
      await pressByKeyboard(h, ballot, `Add to my ranking: ${bills}`);
      await pressByKeyboard(h, ballot, `Move up: ${bills}`);
      await ballot.getByRole("status").getByText(`${bills} moved to position 1`).waitFor();
      await h.check("staff-poll-ballot");
      await pressByKeyboard(h, ballot, "Send my ballot");
      await ballot.getByText(votedBefore ? "Your ballot was replaced." : "Thanks, your ballot is in.").waitFor();
      const current = page.getByRole("region", { name: "Your ballot as it is now" });
      const reads = async () => (await current.getByRole("listitem").allTextContents()).join("|");
      for (const until = Date.now() + 10_000; (await reads()) !== `${bills}|${spanish}`; ) {
        if (Date.now() > until) throw new Error(`the ballot reads ${await reads()}`);
        await page.waitForTimeout(250);
      }

      // She changes her mind: a third idea, moved to the top; the new ballot replaces the first.
      await pressByKeyboard(h, ballot, `Add to my ranking: ${share}`);
      await pressByKeyboard(h, ballot, `Move up: ${share}`);
      await page.keyboard.press("Enter");
      await ballot.getByRole("status").getByText(`${share} moved to position 1`).waitFor();
      await pressByKeyboard(h, ballot, "Send my ballot");
      await ballot.getByText("Your ballot was replaced.").waitFor();
      for (const until = Date.now() + 10_000; (await reads()) !== `${share}|${bills}|${spanish}`; ) {
        if (Date.now() > until) throw new Error(`the replaced ballot reads ${await reads()}`);
        await page.waitForTimeout(250);
      }
      if (await ballot.getByRole("button", { name: `Add to my ranking: ${refills}` }).isEnabled()) {
        throw new Error("a fourth idea can be added to a top-3 ranking");
      }
      await h.check("staff-poll-replaced");

      // Back on the list, the poll says she has voted.
      await page.getByRole("link", { name: "Back to polls" }).click();
      await page.getByRole("region", { name: "Polls" }).getByRole("link", { name: `See or change your ballot: ${title}` }).waitFor();
    },
  },
  {
    slug: "feedback-vote-invalid",
    name: "another practice's ballot page refuses a made-up link, and never sends the token in an address",
    async run(h) {
      const { page } = h;
      const token = `made-up-${h.size}-${letterTag()}`;
      const addresses = [];
      page.on("request", (r) => addresses.push(r.url()));
      await page.goto(h.url(`/vote#${token}`));
      await page.getByRole("alert").getByText("This link is not valid").waitFor();
      await page.getByText("ask the practice that sent it for a new one", { exact: false }).waitFor();
      // No sign-in asked, and nothing leads into the portal.
      if (await page.getByRole("navigation", { name: "Main" }).count()) throw new Error("the ballot page shows the portal's navigation");
      if (await page.getByLabel("Password").count()) throw new Error("the ballot page asks to sign in");
      const leaked = addresses.filter((u) => u.includes(token) && !u.startsWith(h.url("/vote#")));
      if (leaked.length) throw new Error(`the token went into an address: ${leaked.join(", ")}`);
      if (!addresses.some((u) => u.endsWith("/public/polls/lookup"))) throw new Error("the page never looked the link up");
      await h.check("vote-invalid");
    },
  },
];
