// The staff side of issue 19 (education + onboarding): the demo's new clinician, Dr. Noor Haddad
// (`newclinician`, her message-inbox module assigned), is refused the inbox with "training
// required", takes the module, fails once, passes, and the inbox opens; an administrator follows
// onboarding and waives a module of a new member with a reason; a clinician edits a library
// topic's summary and shares a topic with a patient (then stops sharing it). See journeys.mjs for
// the shape of a journey and the harness (h.signIn, h.check).
//
// The stack is shared by both screen sizes: on the second, Noor has passed already (a later
// attempt never undoes a completion), so the journey checks that state and takes the quiz again.
// The quiz's answers never leave the API: the journey reads them from the module content.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { letterTag, nav } from "./journeys.mjs";

const content = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), "../../functions/education/content/training-modules.json"), "utf8"),
);
const moduleOf = (id) => {
  const found = content.modules.find((m) => m.moduleId === id);
  if (!found) throw new Error(`no training module ${id}`);
  return found;
};

/** axe and a screenshot, and on the phone nothing wider than its 360 px. */
async function check(h, label) {
  await h.check(label);
  if (h.size !== "phone") return;
  const width = await h.page.evaluate(() => document.documentElement.scrollWidth);
  if (width > 360) throw new Error(`${label}: the page is ${width} px wide on the phone`);
}

/** Answers every question of the quiz on the page: right, or each one wrong. */
async function answerQuiz(h, module, right) {
  const quiz = h.page.getByRole("form", { name: "Quiz" });
  for (const [i, q] of module.quiz.questions.entries()) {
    const choice = right ? q.choices.find((c) => c.choiceId === q.answer) : q.choices.find((c) => c.choiceId !== q.answer);
    const group = quiz.getByRole("group", { name: `Question ${i + 1}: ${q.text}` });
    await group.getByRole("radio", { name: choice.text, exact: true }).check();
  }
  return quiz;
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export const journeys = [
  {
    slug: "training-gate",
    name: "a new clinician is refused the inbox until trained, fails the module's quiz once, passes, and the inbox opens",
    async run(h) {
      const { page } = h;
      const inboxModule = moduleOf("message-inbox");
      await h.signIn("newclinician");
      // Clinicians land on the inbox.
      await page.getByRole("heading", { name: "Inbox", level: 1 }).waitFor();
      const refused = page.getByRole("alert").filter({ hasText: "Training required" });
      // The inbox's answer: its conversations (a table, or none), or the refusal.
      const open = page.getByRole("table").or(page.getByText("Nothing to show.", { exact: true }));
      await refused.or(open).first().waitFor();
      const first = (await refused.count()) > 0;
      if (first) {
        await refused.getByText("Finish the Message inbox training to do this work.").waitFor();
        await check(h, "training-required-inbox");
        await refused.getByRole("link", { name: "Open the Message inbox training" }).press("Enter");
      } else {
        // The other screen size passed already: the inbox works, and the training says so.
        await nav(h, "My training");
        await page.getByRole("heading", { name: "My training", level: 1 }).waitFor();
        const row = page.getByRole("table", { name: "Your training modules" }).getByRole("row").filter({ hasText: inboxModule.title });
        await row.getByText("Completed", { exact: true }).waitFor();
        await check(h, "training-list-done");
        await row.getByRole("link", { name: inboxModule.title }).press("Enter");
      }
      await page.getByRole("heading", { name: inboxModule.title, level: 1 }).waitFor();
      await page.getByRole("heading", { name: inboxModule.sections[0].heading, level: 2 }).waitFor();

      // Nothing answered: each question says so beside it, and nothing is sent.
      const quiz = page.getByRole("form", { name: "Quiz" });
      await quiz.getByRole("button", { name: "Check my answers" }).click();
      await quiz.getByRole("alert").getByText(/Question 1: Choose an answer\./).waitFor();
      await check(h, "training-quiz-unanswered");

      // Every answer wrong: not passed, each question reviewed with its explanation.
      await answerQuiz(h, inboxModule, false);
      await quiz.getByRole("button", { name: "Check my answers" }).press("Enter");
      await quiz.getByRole("status").getByText("Not passed yet").waitFor();
      await quiz.getByText(inboxModule.quiz.questions[0].explanation).waitFor();
      await check(h, "training-quiz-failed");
      if (first && (await page.getByRole("link", { name: "Go to the inbox" }).count())) throw new Error("a fail opened the inbox");

      // Again, right this time: passed, completed, and the way to the work it opens.
      await quiz.getByRole("button", { name: "Try the quiz again" }).press("Enter");
      await answerQuiz(h, inboxModule, true);
      await quiz.getByRole("button", { name: "Check my answers" }).press("Enter");
      await quiz.getByRole("status").getByText("You passed").waitFor();
      await quiz.getByText(/You scored 100%/).waitFor();
      const done = page.locator(".notice.success").filter({ hasText: "You have finished this module." });
      await done.waitFor();
      await check(h, "training-quiz-passed");
      await done.getByRole("link", { name: "Go to the inbox" }).press("Enter");
      await page.getByRole("heading", { name: "Inbox", level: 1 }).waitFor();
      await page.getByRole("table").or(page.getByText("Nothing to show.", { exact: true })).first().waitFor();
      if (await page.getByRole("alert").filter({ hasText: "Training required" }).count()) throw new Error("the inbox still refuses her");
      await check(h, "training-inbox-open");
      await h.signOut();
    },
  },
  {
    slug: "training-onboarding",
    name: "an administrator follows onboarding and waives a new member's module with a reason",
    async run(h) {
      const { page } = h;
      const tag = letterTag();
      const family = `Okoro${tag[0].toUpperCase()}${tag.slice(1)}`;
      const name = `Lina ${family}`;
      const reason = `Trained on the same inbox at Lakeside Clinic (${h.size}).`;
      const inboxModule = moduleOf("message-inbox");
      await h.signIn("admin");
      await page.getByRole("heading", { name: "Staff accounts" }).waitFor();
      // A new clinician: her plan is written with her account.
      await page.getByLabel("Email").fill(`lina.${h.size}.${Date.now()}@example.org`);
      await page.getByLabel("Given name").fill("Lina");
      await page.getByLabel("Family name").fill(family);
      await page.getByRole("button", { name: "Create account" }).click();
      await page.getByText(/^Invitation sent to /).waitFor();
      await page.getByRole("link", { name: "See each member's training in Staff onboarding." }).press("Enter");

      await page.getByRole("heading", { name: "Staff onboarding", level: 1 }).waitFor();
      const table = page.getByRole("table", { name: "Onboarding plans, by name" });
      // The demo's new clinician is there, with her modules.
      await table.getByRole("rowheader", { name: "Noor Haddad" }).first().waitFor();
      const row = table.getByRole("row").filter({ has: page.getByRole("rowheader", { name, exact: true }) });
      await row.getByText("To do").first().waitFor();
      await row.getByText("Not yet", { exact: true }).waitFor();
      // Older accounts have no plan: an administrator may give them one.
      await page.getByRole("region", { name: "Members without an onboarding plan" }).getByRole("button", { name: "Assign onboarding to Grace Adeyemi" }).waitFor();
      await check(h, "onboarding");

      await row.getByRole("button", { name: `Waive ${inboxModule.title} for ${name}` }).press("Enter");
      const dialog = page.getByRole("dialog", { name: `Waive ${inboxModule.title}` });
      await dialog.waitFor();
      // A reason is required.
      await dialog.getByRole("button", { name: "Waive the module" }).click();
      await dialog.getByText("Give a reason of at least 5 characters.").waitFor();
      await dialog.getByLabel("Reason").fill(reason);
      await check(h, "onboarding-waive");
      await dialog.getByRole("button", { name: "Waive the module" }).press("Enter");
      await dialog.waitFor({ state: "detached" });
      await page.getByRole("status").getByText(`${inboxModule.title} was waived for ${name}.`).waitFor();
      await row.getByText(`Waived by Alex Morgan: ${reason}`).waitFor();
      await row.getByText("Yes", { exact: true }).waitFor();
      await check(h, "onboarding-waived");
      await h.signOut();
    },
  },
  {
    slug: "training-library",
    name: "a clinician edits a library topic's summary and shares a topic with a patient, then stops sharing it",
    async run(h) {
      const { page } = h;
      const summary = `Gout is a kind of arthritis that causes sudden, painful swelling, often in the big toe. Drinking water and taking your medicine as prescribed help prevent attacks (${h.size} ${letterTag()}).`;
      const note = `Read this before your sleep study (${h.size}).`;
      await h.signIn("clinician");
      await nav(h, "Education library");
      await page.getByRole("heading", { name: "Education library", level: 1 }).waitFor();
      await page.getByLabel("Title, id or code").fill("gout");
      const table = page.getByRole("table", { name: "Topics" });
      await table.getByRole("link", { name: "Gout", exact: true }).waitFor();
      await check(h, "library");
      await table.getByRole("link", { name: "Gout", exact: true }).press("Enter");
      await page.getByRole("heading", { name: "Edit: Gout", level: 1 }).waitFor();
      const form = page.getByRole("form", { name: "Topic" });
      const english = form.getByRole("group", { name: "English (required)" });
      // An address that is not https is named beside its field.
      const url = await english.getByLabel(/^Link to read more/).inputValue();
      await english.getByLabel(/^Link to read more/).fill("http://example.org/gout");
      await form.getByRole("button", { name: "Save changes" }).click();
      await english.locator(".field-error").first().waitFor();
      await check(h, "library-edit-error");
      await english.getByLabel(/^Link to read more/).fill(url);
      await english.getByLabel(/^Summary/).fill(summary);
      await form.getByRole("button", { name: "Save changes" }).press("Enter");
      await page.getByRole("status").getByText("Saved.").waitFor();
      await page.getByText("Practice", { exact: true }).first().waitFor();
      if ((await english.getByLabel(/^Summary/).inputValue()) !== summary) throw new Error("the saved summary is not shown");
      await check(h, "library-edited");
      await h.signOut();

      // On a patient's page: share a topic with a note, see it listed, stop sharing it.
      const patient = h.user("patient2");
      await h.signIn("clinician", `/staff/patients/${patient.patientId}`);
      const share = page.getByRole("region", { name: "Share a health topic" });
      await share.waitFor();
      await share.getByLabel(/^Find a topic/).fill("sleep");
      await share.getByLabel("Topic", { exact: true }).selectOption("sleep-apnea");
      await share.getByLabel(/^Note for the patient/).fill(note);
      await check(h, "share-topic");
      await share.getByRole("button", { name: "Share topic" }).press("Enter");
      await share.getByRole("status").getByText(/Sleep apnea/).waitFor();
      const shared = share.getByRole("list", { name: "Shared with this patient" }).getByRole("listitem").filter({ hasText: "Sleep apnea" });
      await shared.getByText(note).waitFor();
      await shared.getByText(/Shared by Grace Adeyemi/).waitFor();
      await check(h, "share-topic-shared");
      await shared.getByRole("button", { name: new RegExp(`^Stop sharing ${escape("Sleep apnea")}`) }).press("Enter");
      await share.getByRole("status").getByText("Sleep apnea is no longer shared.").waitFor();
      await shared.waitFor({ state: "detached" });
      await h.signOut();
    },
  },
];
