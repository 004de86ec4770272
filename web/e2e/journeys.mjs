// The journeys. Each makes what it needs (the clinician answers a message the journey itself
// sent; the front desk approves the change the journey asked for) or uses demo data no other
// journey changes, so they pass in any order. Every page a journey reaches is checked with axe
// (h.check) and photographed.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { journeys as feedbackStaff } from "./journeys-feedback-staff.mjs";
import { journeys as feedbackPatient } from "./journeys-feedback-patient.mjs";
import { journeys as supportTeam } from "./journeys-support-team.mjs";
import { journeys as supportReporter } from "./journeys-support-reporter.mjs";
import { journeys as supportAnnouncements } from "./journeys-support-announcements.mjs";
import { journeys as supportDigest } from "./journeys-support-digest.mjs";
import { journeys as refills } from "./journeys-refills.mjs";
import { journeys as patientSearch } from "./journeys-patient-search.mjs";
import { journeys as education } from "./journeys-education.mjs";
import { journeys as training } from "./journeys-training.mjs";
import { journeys as staffCare } from "./journeys-staff-care.mjs";
import { journeys as schedule } from "./journeys-schedule.mjs";
import { journeys as account } from "./journeys-account.mjs";
import { journeys as records } from "./journeys-records.mjs";
import { journeys as locks } from "./journeys-locks.mjs";
import { journeys as security } from "./journeys-security.mjs";
import { journeys as securityDemo } from "./journeys-security-demo.mjs";

/** A nav link's name without its unread badge ("What's new2 (2 unread)" → "What's new"), whose count depends on what other journeys announced. */
const withoutBadges = (texts) => texts.map((text) => text.replace(/\d+ \(\d+ unread\)$/, ""));

const demoBundle = (name) => join(dirname(fileURLToPath(import.meta.url)), "../../infra/local/demo", name);
const subject = (size) => `Dizzy in the mornings (${size})`;
const answeredSubject = (size) => `Dizzy since the new tablets (${size})`;
// A new given name: the family name and birth date stay, so files from other providers still match her.
const newGiven = (size) => (size === "phone" ? "Ana Sofia" : "Ana Maria");

/** A date (YYYY-MM-DD) some days from today, for the date fields. */
export const daysAhead = (days) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** The app's main navigation. */
export const mainNav = (page) => page.getByRole("navigation", { name: "Main" });
/** One link of the main navigation, by its exact name. */
export const navLink = (page, name) => mainNav(page).getByRole("link", { name, exact: true });

export async function nav(h, name) {
  await navLink(h.page, name).click();
}


/** A cohort name of its own for each run and screen size: lower-case letters, digits, hyphens. */
export const cohortName = (prefix, size) => `${prefix}-${size}-${Date.now().toString(36)}`;
/** Letters only (names in a patient list are names): a tag that differs on every run. */
export const letterTag = () => Date.now().toString(36).replace(/\d/g, (d) => "abcdefghij"[Number(d)]);
const capital = (s) => s[0].toUpperCase() + s.slice(1);

/** The portal lead creates a cohort from the cohorts page and lands on it. */
export async function createCohort(h, name, description, { beta = false } = {}) {
  const { page } = h;
  await nav(h, "Cohorts");
  const form = page.getByRole("form", { name: "New cohort" });
  await form.getByLabel("Name", { exact: true }).fill(name);
  await form.getByLabel("Description").fill(description);
  if (beta) await form.getByRole("checkbox", { name: /Beta cohort/ }).check();
  await h.check("cohorts");
  await form.getByRole("button", { name: "Create cohort" }).click();
  await page.getByRole("heading", { name: `Cohort ${name}`, level: 1 }).waitFor();
}

/** Uploads `csv` as the cohort's patient list and returns the report's region once it shows `summary`. */
async function uploadList(h, csv, summary) {
  const { page } = h;
  const section = page.getByRole("region", { name: "Upload the practice's patient list (CSV)" });
  await section.getByLabel("CSV file").setInputFiles({ name: "patients.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await section.getByRole("button", { name: "Upload the list" }).click();
  const report = section.getByRole("region", { name: "Upload report" });
  await report.getByText(summary).waitFor();
  return report;
}

/** A feature's switch, set back to `mode` ("Everyone" or "No one") with the kill switch off. */
async function setSwitchBack(h, feature, mode, reason) {
  const { page } = h;
  const card = page.getByRole("region", { name: feature });
  const editor = card.locator("details").filter({ has: page.locator("summary", { hasText: `Change: ${feature}` }) });
  await editor.evaluate((d) => {
    d.open = true;
  });
  const form = card.getByRole("form", { name: `Change: ${feature}` });
  await form.getByRole("radio", { name: mode, exact: true }).check();
  const killed = form.getByRole("checkbox", { name: /Kill switch on/ });
  if (await killed.count()) await killed.uncheck();
  await form.getByLabel("Reason for the change").fill(reason);
  await form.getByRole("button", { name: "Save the switch" }).click();
  await card.getByText(mode === "Everyone" ? "On for everyone" : "Off", { exact: true }).waitFor();
}

export const journeys = [
  {
    slug: "activate",
    name: "a new patient activates with her code and date of birth, then signs in",
    async run(h) {
      const { page } = h;
      // The front desk registers her and issues the code, which is shown once.
      await h.signIn("frontdesk");
      await nav(h, "Register a patient");
      await page.getByLabel("Given name").fill("Rosa");
      await page.getByLabel("Family name").fill("Diaz");
      await page.getByLabel("Date of birth").fill("1990-07-01");
      await h.check("register-patient");
      await page.getByRole("button", { name: "Register a patient" }).click();
      await page.getByRole("button", { name: "Issue an activation code" }).click();
      const shown = await page.getByText(/Activation code \(shown only once\):/).textContent();
      const code = shown?.split(": ").pop()?.trim();
      if (!code) throw new Error(`no code in ${shown}`);
      await h.check("activation-code");
      await h.signOut();

      const email = `rosa.${h.size}.${Date.now()}@example.org`;
      await page.getByRole("link", { name: "First time here? Activate your account" }).click();
      await page.getByLabel("Activation code").fill(code);
      await page.getByLabel("Date of birth").fill("1990-07-01");
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Choose a password").fill("Rosa-Portal-2026!");
      await h.check("activate");
      await page.getByRole("button", { name: "Activate" }).click();
      await page.getByText("Your account is active").waitFor();
      await page.getByRole("link", { name: "Sign in" }).click();
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill("Rosa-Portal-2026!");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { name: "Welcome" }).waitFor();
      await page.getByRole("heading", { name: "Unread messages" }).waitFor();
      await h.check("new-patient-home");
    },
  },
  {
    slug: "patient",
    name: "a patient sees records from three sources, plots HbA1c, books and checks in, sends a message",
    async run(h) {
      const { page } = h;
      await h.signIn("patient1");
      await page.getByRole("heading", { name: "Welcome" }).waitFor();
      await page.locator('section[aria-labelledby="h-problems"] li').first().waitFor();
      await h.check("home");

      await nav(h, "Health record");
      for (const source of ["Maple Street Family Practice", "Riverside Urgent Care", "Lakeside Endocrinology Clinic"]) {
        await page.getByRole("link", { name: new RegExp(source) }).waitFor();
      }
      await page.locator("ul.records li").first().waitFor();
      // Who she saw at each source: a list per source, under the source's name.
      const careTeam = page.getByRole("region", { name: "Your care team, by source" });
      await careTeam.getByRole("list", { name: "Lakeside Endocrinology Clinic" }).getByText(/Lin Chen/).waitFor();
      await h.check("records");
      // An item's detail lists every source that reported it.
      await page.locator("ul.records li", { hasText: "Type 2 diabetes" }).getByRole("link", { name: /Type 2 diabetes/ }).click();
      await page.getByRole("heading", { name: "Sources" }).waitFor();
      await page.locator("main li", { hasText: "Lakeside Endocrinology Clinic" }).waitFor();
      await page.locator("main li", { hasText: "Maple Street Family Practice" }).waitFor();
      await h.check("record-detail");
      await page.getByRole("link", { name: "Back", exact: true }).click();

      // The whole record as a FHIR bundle; a file from another portal imported again updates.
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("button", { name: "Download my record (FHIR)" }).click(),
      ]);
      const exported = JSON.parse(readFileSync(await download.path(), "utf8"));
      if (exported.resourceType !== "Bundle" || !(exported.entry?.length > 10)) throw new Error("the export is not the record");
      await page.getByLabel("Import a file from another provider (FHIR JSON)").setInputFiles(demoBundle("riverside-urgent-care.json"));
      await page.getByRole("button", { name: "Import", exact: true }).click();
      await page.getByText(/^Imported \d+ records, skipped \d+\.$/).waitFor();
      await page.getByText(/^Riverside Urgent Care: \d+$/).waitFor();
      await h.check("import-report");

      await page.getByRole("link", { name: "Lab results" }).click();
      await page.locator("li.record", { hasText: /A1c/ }).first().getByRole("link", { name: /Show over time/ }).click();
      await page.getByRole("heading", { name: /over time/ }).waitFor();
      await page.locator("svg.chart circle").first().waitFor();
      const range = await page.locator(".range").first().textContent();
      if (!/Reference range/.test(range ?? "")) throw new Error(`no reference range: ${range}`);
      await h.check("hba1c");

      await nav(h, "Appointments");
      await page.getByRole("link", { name: "Book a visit" }).click();
      await page.getByRole("radio", { name: /Dr\. Grace Adeyemi/ }).check();
      await page.getByLabel("Type of visit").selectOption("follow-up");
      await page.locator('input[name="slot"]').first().check();
      const slot = (await page.locator(".slot label").first().textContent())?.trim();
      await page.getByLabel("Reason for the visit").fill("Knee pain");
      await h.check("book");
      await page.getByRole("button", { name: "Book this time" }).click();
      await page.getByRole("heading", { name: "Appointments" }).waitFor();
      const card = page.locator("li.card", { hasText: `${slot} with Dr. Grace Adeyemi` });
      await card.getByRole("button", { name: "Check in" }).click();
      await card.getByLabel("Insurance carrier").fill("Acme Health");
      await card.getByLabel("Member id").fill("AH123456");
      await card.getByLabel("Have your symptoms changed since your last visit?").fill("No");
      await h.check("check-in");
      await card.getByRole("button", { name: "Send check-in" }).click();
      await card.getByText("Checked in").waitFor();
      // She would rather come earlier: the waitlist offers her a freed slot before this one.
      await card.getByRole("button", { name: "Ask for an earlier time" }).click();
      await card.getByText("On the waitlist for an earlier time").waitFor();
      await h.check("appointments");

      await nav(h, "Messages");
      await page.getByRole("link", { name: "New message" }).click();
      await page.getByLabel("Subject").fill(subject(h.size));
      await page.getByLabel("Message").fill("I feel dizzy when I get up. Should I worry?");
      await h.check("new-message");
      await page.getByRole("button", { name: "Send" }).click();
      await page.getByRole("heading", { name: subject(h.size) }).waitFor();
      await page.getByText("I feel dizzy when I get up.").waitFor();
      await h.check("thread");

      // Everything a patient sees is in Spanish too.
      await page.getByLabel("Language").selectOption("es");
      await page.getByRole("navigation", { name: "Principal" }).getByRole("link", { name: "Inicio", exact: true }).click();
      await page.getByRole("heading", { name: "Bienvenido" }).waitFor();
      await page.getByRole("heading", { name: "Problemas activos" }).waitFor();
      await h.check("home-es");
      await page.getByRole("navigation", { name: "Principal" }).getByRole("link", { name: "Mensajes", exact: true }).click();
      await page.getByRole("heading", { name: "Mensajes" }).waitFor();
      await h.check("messages-es");
    },
  },
  {
    slug: "not-found",
    name: "another patient's id in the URL shows not-found, after sign-in brings the user back",
    async run(h) {
      const other = h.user("patient2").patientId;
      await h.page.goto(h.url(`/p/${other}/records`));
      await h.page.getByRole("heading", { name: "Sign in" }).waitFor();
      // By keyboard alone: the page's heading has focus, so the first Tab reaches the form;
      // Tab moves on with a visible focus ring; Enter submits. The skip link leads the page.
      const u = h.user("patient1");
      const first = await h.page.evaluate(() => document.querySelector("a, button, input, select, textarea")?.textContent);
      if (first !== "Skip to main content") throw new Error(`the first focusable element is ${first}`);
      await h.page.keyboard.press("Tab");
      const tabbed = await h.page.evaluate(() => document.activeElement?.getAttribute("type"));
      if (tabbed !== "email") throw new Error(`the first Tab reaches ${tabbed}, not the email field`);
      await h.page.keyboard.type(u.email);
      await h.page.keyboard.press("Tab");
      const ring = await h.page.evaluate(() => {
        const style = getComputedStyle(document.activeElement);
        return [document.activeElement?.getAttribute("type"), style.outlineStyle, style.outlineWidth];
      });
      if (ring[0] !== "password" || ring[1] === "none" || ring[2] === "0px") throw new Error(`no visible focus on the password: ${ring}`);
      await h.page.keyboard.type(u.password);
      await h.page.keyboard.press("Enter");
      await h.page.getByRole("heading", { name: "Not found" }).waitFor();
      if (!h.page.url().endsWith(`/p/${other}/records`)) throw new Error(`not brought back: ${h.page.url()}`);
      await h.check("not-found");
    },
  },
  {
    slug: "clinician",
    name: "a clinician answers the patient's message, and she sees the answer",
    async run(h) {
      const { page } = h;
      // Her own question, so this journey needs no other to have run first.
      const asked = answeredSubject(h.size);
      await h.signIn("patient1");
      await nav(h, "Messages");
      await page.getByRole("link", { name: "New message" }).click();
      await page.getByLabel("Subject").fill(asked);
      await page.getByLabel("Message").fill("I feel dizzy when I get up. Is it my new tablets?");
      await page.getByRole("button", { name: "Send" }).click();
      await page.getByRole("heading", { name: asked }).waitFor();
      await h.signOut();

      await h.signIn("clinician");
      await page.getByRole("heading", { name: "Inbox" }).waitFor();
      await page.getByRole("link", { name: asked }).waitFor();
      await h.check("inbox");
      await page.getByRole("link", { name: asked }).click();
      await page.getByText("Is it my new tablets?").waitFor();
      await page.getByLabel("Reply").fill("Please sit down when you feel dizzy and call us today.");
      await page.getByRole("button", { name: "Send reply" }).click();
      await page.locator(".message.staff", { hasText: "Please sit down" }).waitFor();
      // The first answer makes the clinician its owner.
      await page.locator(".record-meta", { hasText: "Assigned to" }).waitFor();
      await h.check("staff-thread");
      await page.getByRole("button", { name: "Close conversation" }).click();
      await page.locator(".record-meta", { hasText: "Closed" }).waitFor();
      await h.signOut();

      await h.signIn("patient1");
      await nav(h, "Messages");
      const row = page.locator("li.card", { hasText: asked });
      await row.getByText("1 unread").waitFor();
      await row.getByRole("link").click();
      await page.getByText("Please sit down when you feel dizzy").waitFor();
      await h.check("answer");
    },
  },
  {
    slug: "front-desk",
    name: "the front desk approves the patient's name change",
    async run(h) {
      const { page } = h;
      await h.signIn("patient1");
      await nav(h, "Profile");
      await page.getByLabel("Given name").fill(newGiven(h.size));
      await page.getByLabel("Family name").fill("Lopez");
      await page.getByRole("button", { name: "Save", exact: true }).click();
      await page.getByText("Your request was sent").waitFor();
      await h.check("profile");
      await h.signOut();

      await h.signIn("frontdesk");
      await page.getByRole("heading", { name: "Day view" }).waitFor();
      await page.locator("main table, main p.muted").first().waitFor();
      await h.check("day-view");
      await nav(h, "Profile changes");
      const change = page.locator("li.card", { hasText: `${newGiven(h.size)} Lopez` });
      await change.getByRole("button", { name: /^Approve/ }).click();
      await page.getByText("Decision saved.").waitFor();
      await h.check("profile-changes");
      await h.signOut();

      await h.signIn("patient1");
      await nav(h, "Profile");
      await page.getByText(`${newGiven(h.size)} Lopez`, { exact: true }).waitFor();
    },
  },
  {
    slug: "admin",
    name: "an administrator adds a staff member and searches the audit trail by patient",
    async run(h) {
      const { page } = h;
      await h.signIn("admin");
      await page.getByRole("heading", { name: "Staff accounts" }).waitFor();
      await page.getByRole("cell", { name: "Grace Adeyemi", exact: true }).waitFor();
      await h.check("admin-staff");
      // Not the demo's Noor Haddad: the staff-care journey picks her by name from her team.
      const email = `lena.${h.size}.${Date.now()}@example.org`;
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Given name").fill("Lena");
      await page.getByLabel("Family name").fill("Park");
      await page.getByRole("button", { name: "Create account" }).click();
      await page.getByText(`Invitation sent to ${email}.`).waitFor();
      await page.getByRole("cell", { name: email }).waitFor();
      await nav(h, "Audit trail");
      await page.getByLabel("Patient id").fill(h.user("patient1").patientId);
      await page.getByRole("button", { name: "Search" }).click();
      await page.getByRole("cell", { name: "allowed" }).first().waitFor();
      await h.check("admin-audit");
    },
  },
  {
    slug: "caregiver",
    name: "a patient invites a caregiver for her record only; caregivers see only their scopes",
    async run(h) {
      const { page } = h;
      await h.signIn("patient1");
      await nav(h, "Profile");
      await page.getByRole("link", { name: "Who accessed my record" }).click();
      await page.locator("ol.access-log li").first().waitFor();
      await h.check("access-log");
      await nav(h, "Profile");
      await page.getByRole("link", { name: "Care circle" }).click();
      const email = `nico.${h.size}.${Date.now()}@example.org`;
      await page.getByLabel("Their email").fill(email);
      await page.getByLabel("Their name").fill("Nico Lopez");
      await page.getByLabel("Relationship").fill("nephew");
      await h.check("care-circle");
      await page.getByRole("button", { name: "Send invitation" }).click();
      const shown = await page.getByText(/it is shown only once\):/).textContent();
      const code = shown?.split(": ").pop()?.trim();
      if (!code) throw new Error(`no invitation code in ${shown}`);
      await h.signOut();

      await page.getByRole("link", { name: "Invited by a patient? Accept the invitation" }).click();
      await page.getByLabel("Invitation code").fill(code);
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Your given name").fill("Nico");
      await page.getByLabel("Your family name").fill("Lopez");
      await page.getByLabel("Password (new, or your existing one)").fill("Nico-Portal-2026!");
      await h.check("accept-invitation");
      await page.getByRole("button", { name: "Accept" }).click();
      await page.getByText("You can now act for the patient").waitFor();
      await page.getByRole("link", { name: "Sign in" }).click();
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill("Nico-Portal-2026!");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByLabel("Acting for").waitFor();
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Health record", exact: true }).waitFor();
      const granted = withoutBadges(await page.getByRole("navigation", { name: "Main" }).getByRole("link").allTextContents());
      if (granted.join(",") !== "Home,What's new,Health record,Prescriptions,Health education,Feedback,Notifications,Problem reports,Learn the portal") {
        throw new Error(`a records-only caregiver sees ${granted}`);
      }
      await h.check("records-only-caregiver");
      await h.signOut();

      await h.signIn("caregiver");
      await page.getByRole("heading", { name: "Welcome" }).waitFor();
      await page.getByLabel("Acting for").waitFor();
      // The patient's nav appears whole once their features are known.
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Messages", exact: true }).waitFor();
      const links = await page.getByRole("navigation", { name: "Main" }).getByRole("link").allTextContents();
      for (const wanted of ["Home", "Health record", "Messages", "Appointments"]) {
        if (!links.includes(wanted)) throw new Error(`caregiver nav lacks ${wanted}: ${links}`);
      }
      if (links.includes("Profile")) throw new Error("the caregiver's grant has no profile scope, yet the nav offers it");
      await h.check("caregiver-home");
      await nav(h, "Health record");
      await page.locator("ul.records li").first().waitFor();
      await h.check("caregiver-records");
    },
  },
  {
    slug: "notifications",
    name: "a patient changes a notification setting and finds it saved after a reload; the front desk sees her notifications",
    async run(h) {
      const { page } = h;
      await h.signIn("patient1");
      await nav(h, "Notifications");
      await page.getByRole("heading", { name: "Notification settings" }).waitFor();
      // Flip one kind (the phone and desktop runs share the stack, so take whatever it is now).
      const moved = page.getByRole("group", { name: "An appointment is moved" });
      const wasOff = await moved.getByRole("radio", { name: "Off" }).isChecked();
      const want = wasOff ? "Email" : "Off";
      await moved.getByRole("radio", { name: want }).check();
      await page.getByText("Security notices (password resets").waitFor();
      await page.getByText(/Text messages are not sent between/).waitFor();
      await h.check("notification-settings");
      await page.getByRole("button", { name: "Save settings" }).click();
      await page.getByText("Your notification settings are saved.").waitFor();
      // A reload forgets the in-memory session: sign in again, straight back to the page.
      await h.signIn("patient1", "/p/me/notifications");
      await page.getByRole("heading", { name: "Notification settings" }).waitFor();
      const saved = page.getByRole("group", { name: "An appointment is moved" }).getByRole("radio", { name: want });
      if (!(await saved.isChecked())) throw new Error(`"${want}" was not saved for moved appointments`);
      await h.signOut();

      // The link in an email works without signing in, and a forged token is refused clearly.
      await page.goto(h.url("/unsubscribe?token=not-a-real-token"));
      await page.getByRole("button", { name: "Stop these emails" }).click();
      await page.getByText("This unsubscribe link is not valid.", { exact: false }).waitFor();
      await h.check("unsubscribe-invalid");

      await h.signIn("frontdesk", `/staff/patients/${h.user("patient1").patientId}`);
      const section = page.getByRole("region", { name: "Notifications" });
      await section.getByRole("heading", { name: "The patient's contact details" }).waitFor();
      await section.getByText(/^Email: /).waitFor();
      await section.getByRole("table").or(section.getByText("Nothing to show.")).first().waitFor();
      await page.getByRole("radio", { name: "Show the code to print" }).waitFor();
      await h.check("staff-patient-notifications");

      // A new patient with an email on file gets her activation code by email: no code on screen.
      await nav(h, "Register a patient");
      await page.getByLabel("Given name").fill("Lucia");
      await page.getByLabel("Family name").fill("Reyes");
      await page.getByLabel("Date of birth").fill("1988-02-03");
      await page.getByLabel("Email (optional)").fill(`lucia.${h.size}.${Date.now()}@example.org`);
      await page.getByRole("button", { name: "Register a patient" }).click();
      if (!(await page.getByRole("radio", { name: "Text it" }).isDisabled())) throw new Error("texting is offered without a mobile number");
      await page.getByRole("radio", { name: "Email it" }).check();
      await h.check("activation-choice");
      await page.getByRole("button", { name: "Issue an activation code" }).click();
      await page.getByText(/^Sent by email\./).waitFor();
      if (await page.getByText(/shown only once/).count()) throw new Error("an emailed code is shown on screen");
    },
  },
  {
    slug: "reschedule-cancel",
    name: "a patient books a visit, moves it to another time, then cancels it",
    async run(h) {
      const { page } = h;
      // patient3 and Dr. Ortega: no other journey books for either, so any order works.
      await h.signIn("patient3");
      await nav(h, "Appointments");
      await page.getByRole("link", { name: "Book a visit" }).click();
      await page.getByRole("radio", { name: /Dr\. Luis Ortega/ }).check();
      await page.getByLabel("Type of visit").selectOption("follow-up");
      // Online changes stop 24 hours before a visit: book one a few days ahead.
      await page.getByLabel("Show open times from").fill(daysAhead(3));
      await page.locator('input[name="slot"]').first().check();
      const booked = (await page.locator(".slot label").first().textContent())?.trim();
      await page.getByLabel("Reason for the visit").fill("Blood pressure review");
      await page.getByRole("button", { name: "Book this time" }).click();
      await page.getByRole("heading", { name: "Appointments" }).waitFor();
      const first = page.locator("li.card", { hasText: `${booked} with Dr. Luis Ortega` });
      await first.waitFor();
      await first.getByRole("link", { name: "Move to another time" }).click();

      await page.getByRole("heading", { name: "Move to another time" }).waitFor();
      await page.getByLabel("Show open times from").fill(daysAhead(4));
      const slot = page.locator(".slot").nth(2);
      await slot.locator('input[name="slot"]').check();
      const moved = (await slot.locator("label").textContent())?.trim();
      if (!moved || moved === booked) throw new Error(`no other time to move to: ${moved}`);
      await h.check("reschedule");
      await page.getByRole("button", { name: "Book this time" }).click();
      await page.getByRole("heading", { name: "Appointments" }).waitFor();
      const card = page.locator("li.card", { hasText: `${moved} with Dr. Luis Ortega` });
      await card.waitFor();
      if (await page.locator("li.card", { hasText: `${booked} with Dr. Luis Ortega` }).count()) {
        throw new Error(`the visit at ${booked} is still listed after moving it`);
      }
      await h.check("rescheduled");

      await card.getByRole("button", { name: "Cancel visit" }).click();
      await card.waitFor({ state: "detached" });
      await h.check("cancelled");
    },
  },
  {
    slug: "caregiver-two-patients",
    name: "a caregiver who acts for two patients switches between them and sees only each one's scopes",
    async run(h) {
      const { page } = h;
      // A caregiver of his own (the demo caregiver acts for one patient only): two patients
      // invite him, each with other scopes; the second invitation joins his existing account.
      const email = `kai.${h.size}.${Date.now()}@example.org`;
      const password = "Kai-Portal-2026!";
      const invite = async (role, scopes) => {
        await h.signIn(role);
        await nav(h, "Profile");
        await page.getByRole("link", { name: "Care circle" }).click();
        await page.getByLabel("Their email").fill(email);
        await page.getByLabel("Their name").fill("Kai Moreno");
        await page.getByLabel("Relationship").fill("neighbour");
        for (const scope of scopes) await page.getByRole("checkbox", { name: scope }).check();
        await page.getByRole("button", { name: "Send invitation" }).click();
        const shown = await page.getByText(/it is shown only once\):/).textContent();
        const code = shown?.split(": ").pop()?.trim();
        if (!code) throw new Error(`no invitation code in ${shown}`);
        await h.signOut();
        await page.getByRole("link", { name: "Invited by a patient? Accept the invitation" }).click();
        await page.getByLabel("Invitation code").fill(code);
        await page.getByLabel("Email").fill(email);
        await page.getByLabel("Your given name").fill("Kai");
        await page.getByLabel("Your family name").fill("Moreno");
        await page.getByLabel("Password (new, or your existing one)").fill(password);
        await page.getByRole("button", { name: "Accept" }).click();
        await page.getByText("You can now act for the patient").waitFor();
        await page.getByRole("link", { name: "Sign in" }).click();
      };
      await invite("patient2", ["Messages"]);
      await invite("patient3", []);

      const [withMessages, recordsOnly] = [h.user("patient2").patientId, h.user("patient3").patientId];
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Sign in" }).click();
      const actingFor = page.getByLabel("Acting for");
      await actingFor.waitFor();
      const options = await actingFor.locator("option").evaluateAll((os) => os.map((o) => o.value));
      if (options.length !== 2 || !options.includes(withMessages) || !options.includes(recordsOnly)) {
        throw new Error(`acting for ${options}, not the two patients`);
      }
      const mainLinks = async () => withoutBadges(await page.getByRole("navigation", { name: "Main" }).getByRole("link").allTextContents());
      const expectNav = async (wanted) => {
        await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Health record", exact: true }).waitFor();
        for (let i = 0; i < 20 && (await mainLinks()).join(",") !== wanted; i++) await page.waitForTimeout(100);
        const links = await mainLinks();
        if (links.join(",") !== wanted) throw new Error(`nav shows ${links}, not ${wanted}`);
      };

      await actingFor.selectOption(withMessages);
      await page.waitForURL(`**/p/${withMessages}`);
      await page.getByRole("heading", { name: "Welcome" }).waitFor();
      await expectNav("Home,What's new,Health record,Prescriptions,Health education,Messages,Feedback,Notifications,Problem reports,Learn the portal");
      await nav(h, "Messages");
      await page.getByRole("heading", { name: "Messages" }).waitFor();
      await h.check("caregiver-two-first");

      await actingFor.selectOption(recordsOnly);
      await page.waitForURL(`**/p/${recordsOnly}`);
      await page.getByRole("heading", { name: "Welcome" }).waitFor();
      await expectNav("Home,What's new,Health record,Prescriptions,Health education,Feedback,Notifications,Problem reports,Learn the portal");
      await nav(h, "Health record");
      await page.locator("ul.records li").first().waitFor();
      await h.check("caregiver-two-second");
      // Her messages are outside his grant: the address leads to not-found, not to her messages.
      await page.evaluate((path) => {
        history.pushState(null, "", path);
        dispatchEvent(new PopStateEvent("popstate"));
      }, `/p/${recordsOnly}/messages`);
      await page.getByRole("heading", { name: "Not found" }).waitFor();

      // And back: the first patient's messages open again.
      await actingFor.selectOption(withMessages);
      await expectNav("Home,What's new,Health record,Prescriptions,Health education,Messages,Feedback,Notifications,Problem reports,Learn the portal");
    },
  },
  {
    slug: "idle-timeout",
    name: "a staff session left idle ends after 15 minutes, a patient's after 30 with a warning first; an active one is renewed before its token expires",
    async run(h) {
      const { page } = h;
      // The browser's clock is Playwright's: time flows as usual until the journey jumps it.
      await page.clock.install();
      await h.signIn("clinician");
      await page.getByRole("heading", { name: "Inbox" }).waitFor();
      await page.clock.fastForward("14:00");
      await page.mouse.click(5, 5); // any input restarts the idle time
      await page.clock.fastForward("14:00");
      if (!(await page.getByRole("button", { name: "Sign out" }).isVisible())) throw new Error("signed out while active");
      await page.clock.fastForward("16:00");
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
      await page.getByText("Your session has ended. Please sign in again.").waitFor();
      if (!page.url().includes("next=%2Fstaff%2Finbox")) throw new Error(`no way back to the inbox: ${page.url()}`);
      await h.check("idle-signed-out");

      // A patient's ID token lasts 60 minutes: shortly before, the app renews it with the refresh token.
      await h.signIn("patient1");
      await page.getByRole("heading", { name: "Welcome" }).waitFor();
      const refreshed = page.waitForResponse((r) => r.url().endsWith("/auth/refresh") && r.request().method() === "POST");
      // She reads on (input now and then, so the patients' 30-minute idle time never runs out).
      for (const step of ["19:30", "19:30", "19:30"]) {
        await page.clock.fastForward(step);
        await page.mouse.click(5, 5);
      }
      if ((await refreshed).status() !== 200) throw new Error("the refresh token was not accepted");
      await nav(h, "Messages");
      await page.getByRole("heading", { name: "Messages" }).waitFor();
      if (!(await page.getByRole("button", { name: "Sign out" }).isVisible())) throw new Error("signed out after renewal");

      // Left idle: two minutes before the end the page asks, and staying keeps the session.
      await page.clock.fastForward("28:30");
      const warning = page.getByRole("alertdialog", { name: "Are you still there?" });
      await warning.waitFor();
      await h.check("idle-warning");
      await warning.getByRole("button", { name: "Stay signed in" }).click();
      await page.clock.fastForward("02:00");
      if (!(await page.getByRole("button", { name: "Sign out" }).isVisible())) throw new Error("signed out after staying");
      // No answer: signed out at 30 minutes, told why, with the way back to the same page.
      await page.clock.fastForward("30:30");
      await page.getByText("Your session has ended. Please sign in again.").waitFor();
      if (!page.url().includes("next=%2Fp%2F")) throw new Error(`no way back to her page: ${page.url()}`);
    },
  },
  {
    slug: "rollout-cohort-switch",
    name: "a portal lead puts the demo patients in a new cohort, opens online booking to it alone, explains it for a patient, and puts the switch back",
    async run(h) {
      const { page } = h;
      const cohort = cohortName("beta", h.size);
      const ids = ["patient1", "patient2", "patient3"].map((role) => h.user(role).patientId);
      await h.signIn("portallead");
      await page.getByRole("heading", { name: "Cohorts", level: 1 }).waitFor();
      await createCohort(h, cohort, "The demo patients: the first to book online");
      const add = page.getByRole("form", { name: "Add patients by id" });
      await add.getByLabel(/^Patient ids/).fill(ids.join("\n"));
      await add.getByRole("button", { name: "Add to the cohort" }).click();
      await add.getByText("Added 3; already in the cohort 0; refused 0.").waitFor();
      const members = page.getByRole("region", { name: "Members", exact: true });
      for (const id of ids) await members.getByRole("cell", { name: id }).waitFor();
      await page.getByRole("region", { name: "History", exact: true }).getByText("Patient added").first().waitFor();
      await h.check("cohort");

      await nav(h, "Feature switches");
      const card = page.getByRole("region", { name: "Online booking" });
      await card.getByText(/^Version \d+$/).waitFor();
      await card.locator("summary", { hasText: "Change: Online booking" }).click();
      const form = card.getByRole("form", { name: "Change: Online booking" });
      // The switch as this journey found it (the phone and desktop runs share the stack).
      const before = (await form.getByRole("radio", { name: "Everyone", exact: true }).isChecked())
        ? "Everyone"
        : (await form.getByRole("radio", { name: "No one", exact: true }).isChecked())
          ? "No one"
          : null;
      if (!before) throw new Error("online booking is already limited: another run left it so");
      try {
        await form.getByRole("radio", { name: /^Chosen cohorts/ }).check();
        await form.getByRole("checkbox", { name: cohort, exact: true }).check();
        await form.getByLabel("Share of patients (percent)").fill("0");
        await form.getByLabel("Reason for the change").fill(`Open online booking to ${cohort} only`);
        await h.check("switch-change");
        await form.getByRole("button", { name: "Save the switch" }).click();
        await card.getByText("On for some").waitFor();
        await card.getByRole("definition").filter({ hasText: cohort }).waitFor();

        // Why patient1 has it: her cohort. The functions evaluate a cached copy of the switches
        // (refreshed within a minute), so ask until the change shows.
        await card.locator("summary", { hasText: "Explain for a patient: Online booking" }).click();
        const explain = card.getByRole("form", { name: "Explain for a patient: Online booking" });
        await explain.getByLabel("Patient id").fill(ids[0]);
        const until = Date.now() + 90_000;
        for (let n = 1; ; n++) {
          await explain.getByRole("button", { name: "Explain" }).click();
          const text = await explain.locator(`[data-asked="${n}"]`).textContent();
          if (text?.includes(`On for this patient: the patient is in cohort ${cohort}.`)) break;
          if (Date.now() > until) throw new Error(`explain still says: ${text}`);
          await page.waitForTimeout(3000);
        }
        await h.check("explain");
        await card.locator("summary", { hasText: "History: Online booking" }).click();
        await card.getByRole("cell", { name: `Open online booking to ${cohort} only` }).waitFor();
      } finally {
        await setSwitchBack(h, "Online booking", before, "Back as it was: the browser test is done");
      }
      await h.check("switch-restored");
    },
  },
  {
    slug: "rollout-kill-switch",
    name: "a portal lead kills online booking: a patient no longer sees booking; the lead turns it back on",
    async run(h) {
      const { page } = h;
      const switches = async () => {
        await h.signIn("portallead");
        await page.getByRole("heading", { name: "Cohorts", level: 1 }).waitFor();
        await nav(h, "Feature switches");
        const card = page.getByRole("region", { name: "Online booking" });
        await card.getByText(/^Version \d+$/).waitFor();
        return card;
      };
      const card = await switches();
      let signedInAs = "portallead";
      try {
        await card.getByRole("button", { name: "Kill switch: turn off for everyone: Online booking" }).click();
        const confirm = card.getByRole("form", { name: "Kill switch: turn off for everyone" });
        await confirm.getByLabel("Reason for the change").fill("Double bookings reported: off while we look");
        await h.check("kill-confirm");
        await confirm.getByRole("button", { name: "Turn it off for everyone" }).click();
        await card.getByText("Off for everyone (kill switch)", { exact: true }).waitFor();
        await h.signOut();

        // The functions read the switches at most a second old here (run.mjs): the patient's
        // appointments offer no booking, and the app does not show the way to it.
        await h.signIn("patient2");
        signedInAs = "patient2";
        await nav(h, "Appointments");
        await page.getByRole("heading", { name: "Appointments", level: 1 }).waitFor();
        const until = Date.now() + 30_000;
        while ((await page.getByRole("link", { name: "Book a visit" }).count()) > 0) {
          if (Date.now() > until) throw new Error("booking is still offered after the kill switch");
          await page.waitForTimeout(1000);
          await page.reload();
          await page.getByRole("heading", { name: "Appointments", level: 1 }).waitFor();
        }
        await h.check("booking-killed");
        await h.signOut();
        signedInAs = null;
      } finally {
        if (signedInAs !== "portallead") {
          if (signedInAs) await h.signOut();
          await switches();
        }
        await setSwitchBack(h, "Online booking", "Everyone", "Back on: the browser test is done");
      }
      await h.check("kill-restored");
    },
  },
  {
    slug: "rollout-upload-wave",
    name: "a portal lead uploads the practice's list (a bad row is refused with its reason), then sends the cohort a wave of invitations",
    async run(h) {
      const { page } = h;
      const cohort = cohortName("wave", h.size);
      const tag = capital(letterTag());
      const header = "family_name,given_name,date_of_birth,email,phone";
      const lina = `Vega${tag},Lina,1991-05-06,lina.${tag.toLowerCase()}@example.org,`;
      const samuel = "Okafor,Samuel,1957-11-30,,"; // demo patient2: matched, not registered again
      await h.signIn("portallead");
      await createCohort(h, cohort, "From the practice's list");

      // A date written the wrong way: that row is refused, naming the column; the others go on.
      let report = await uploadList(h, [header, lina, samuel, `Cruz${tag},Omar,06/05/1985,,`, ""].join("\n"), "1 created, 1 matched, 1 refused.");
      const refused = report.getByRole("row").filter({ hasText: "Refused" });
      await refused.getByText(/date_of_birth/).waitFor();
      if ((await report.getByRole("row").nth(1).textContent())?.includes("Refused") !== true) throw new Error("refused rows are not listed first");
      await h.check("upload-report");
      // Corrected and sent again: the rows done before are matched, not registered twice.
      report = await uploadList(h, [header, lina, samuel, `Cruz${tag},Omar,1985-05-06,,`, ""].join("\n"), "1 created, 2 matched, 0 refused.");
      await page.getByText("3 members").waitFor();

      const wave = page.getByRole("form", { name: "Send a wave of invitations" });
      await wave.getByLabel("Invitations per hour").fill("120");
      await wave.getByRole("radio", { name: "Email" }).check();
      await wave.getByRole("button", { name: "Start the wave" }).click();
      await page.getByRole("heading", { name: `Invitation wave for ${cohort}`, level: 1 }).waitFor();
      await page.getByText(/^\d+ of \d+ activated$/).first().waitFor();
      await page.getByText("120 per hour, by Email").waitFor();
      await h.check("wave");
      await nav(h, "Invitation waves");
      await page.getByRole("link", { name: cohort, exact: true }).waitFor();
      await h.check("waves");
    },
  },
  {
    slug: "rollout-adoption",
    name: "a portal lead reads adoption per day and cohort, charts it and downloads it as CSV; an administrator reads it too",
    async run(h) {
      const { page } = h;
      await h.signIn("portallead");
      await nav(h, "Adoption");
      await page.getByRole("heading", { name: "Adoption", level: 1 }).waitFor();
      const table = page.getByRole("table", { name: "Adoption per day and cohort" });
      await table.getByRole("cell", { name: "All patients" }).first().waitFor();
      await page.locator("svg.chart").waitFor();
      await page.getByLabel("Figure on the chart").selectOption("signedIn30d");
      await page.getByRole("heading", { name: /^Signed in, last 30 days, All patients, per day/ }).waitFor();
      await h.check("adoption");
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("button", { name: "Download as CSV" }).click(),
      ]);
      const csv = readFileSync(await download.path(), "utf8");
      if (!csv.startsWith("day,cohort,metric,value")) throw new Error(`not the adoption CSV: ${csv.slice(0, 80)}`);
      if (!/,all,activated,\d+/.test(csv)) throw new Error("the CSV has no figures for all patients");
      await h.signOut();

      await h.signIn("admin");
      await nav(h, "Adoption");
      await page.getByRole("table", { name: "Adoption per day and cohort" }).getByRole("cell", { name: "All patients" }).first().waitFor();
      const rollout = await page.getByRole("list", { name: "Rollout" }).getByRole("link").allTextContents();
      if (rollout.join(",") !== "Adoption,Polls,Feedback") throw new Error(`an administrator is offered ${rollout}`);
    },
  },
  {
    slug: "rollout-terms",
    name: "a patient of a beta cohort accepts the new beta terms before the portal opens",
    async run(h) {
      const { page } = h;
      // A patient of her own, in a beta cohort of its own: the terms are asked of her alone.
      const cohort = cohortName("testers", h.size);
      const tag = capital(letterTag());
      const born = "1993-09-14";
      const title = `Beta terms (${h.size} ${tag})`;
      await h.signIn("portallead");
      await createCohort(h, cohort, "Patients who agree to be asked for feedback", { beta: true });
      const report = await uploadList(h, `family_name,given_name,date_of_birth\nSalas${tag},Noor,${born}\n`, "1 created, 0 matched, 0 refused.");
      const patientId = (await report.locator("td.id").first().textContent())?.trim();
      if (!patientId) throw new Error("the report names no patient");

      await nav(h, "Terms");
      const beta = page.getByRole("form", { name: "Beta terms" });
      await beta.getByLabel("Title").fill(title);
      await beta.getByLabel("Text (plain text)").fill("You are trying new parts of the portal first.\nWe may ask you what you think of them.");
      await h.check("terms-publish");
      await beta.getByRole("button", { name: "Publish a new version" }).click();
      await page.getByText(/^Version \d+ published\.$/).waitFor();
      await h.signOut();

      // The front desk gives her an activation code; she activates and signs in.
      await h.signIn("frontdesk", `/staff/patients/${patientId}`);
      await page.getByRole("button", { name: "Issue an activation code" }).click();
      const shown = await page.getByText(/Activation code \(shown only once\):/).textContent();
      const code = shown?.split(": ").pop()?.trim();
      if (!code) throw new Error(`no code in ${shown}`);
      await h.signOut();
      const email = `noor.${h.size}.${Date.now()}@example.org`;
      await page.getByRole("link", { name: "First time here? Activate your account" }).click();
      await page.getByLabel("Activation code").fill(code);
      await page.getByLabel("Date of birth").fill(born);
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Choose a password").fill("Noor-Portal-2026!");
      await page.getByRole("button", { name: "Activate" }).click();
      await page.getByText("Your account is active").waitFor();
      await page.getByRole("link", { name: "Sign in" }).click();
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill("Noor-Portal-2026!");
      await page.getByRole("button", { name: "Sign in" }).click();

      await page.getByRole("heading", { name: "Before you continue", level: 1 }).waitFor();
      // The terms of use first, if the practice has published them; then the beta terms.
      for (;;) {
        const heading = (await page.locator("form.terms h2").textContent())?.trim();
        if (heading === title) break;
        await page.getByRole("checkbox", { name: /^I have read and accept/ }).check();
        await page.getByRole("button", { name: "Accept and continue" }).click();
        await page.locator("form.terms h2", { hasText: heading }).waitFor({ state: "detached" });
      }
      await page.getByText("We may ask you what you think of them.").waitFor();
      await h.check("terms-accept");
      // Not ticked: said next to the box, and nothing recorded.
      await page.getByRole("button", { name: "Accept and continue" }).click();
      await page.getByText("Tick the box to accept.").waitFor();
      await page.getByRole("checkbox", { name: `I have read and accept “${title}”` }).check();
      await page.getByRole("button", { name: "Accept and continue" }).click();
      await page.getByRole("heading", { name: "Welcome" }).waitFor();
      if (await page.getByRole("heading", { name: "Before you continue" }).count()) throw new Error("the terms are still asked");
      await h.check("terms-accepted");
    },
  },
];

journeys.push(...feedbackStaff, ...feedbackPatient);
journeys.push(...supportTeam);
journeys.push(...supportReporter);
journeys.push(...supportAnnouncements);
journeys.push(...supportDigest);
journeys.push(...refills);
journeys.push(...patientSearch);
journeys.push(...education);
journeys.push(...training);
journeys.push(...staffCare);
journeys.push(...schedule);
journeys.push(...account, ...records);
journeys.push(...locks);
journeys.push(...security);
journeys.push(...securityDemo);
