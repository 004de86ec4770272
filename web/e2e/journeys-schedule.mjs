// The provider schedule editor (issue 13): the front desk adds a provider, publishes their
// weekly hours (a "To" before a "From" is refused, said beside the field), adds a closed date
// and publishes; Ana (patient1) looking for open times from that date is offered none on it.
// The provider is the journey's own (a new name per run and screen size), so the demo providers
// other journeys book with keep their hours. See journeys.mjs for the harness (h.signIn, h.check).
// `schedule-provider-edit`: the front desk edits a provider it added (name, new patients,
// visit types); a clinician then reads the providers and that provider's hours, read only.

import { daysAhead, letterTag, nav } from "./journeys.mjs";

const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
/** A calendar date as the booking page writes it ("Jul 3, 2026"), for the slots' labels. */
const shownDate = (day) => new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));

export const journeys = [
  {
    slug: "schedule-edit",
    name: "the front desk adds a provider, publishes their hours with a closed date, and a patient is offered no time on it",
    async run(h) {
      const { page } = h;
      const tag = letterTag();
      const name = `Dr. Journey ${tag[0].toUpperCase()}${tag.slice(1)} ${h.size === "phone" ? "Phone" : "Desk"}`;
      const closed = daysAhead(3);
      const nextDay = daysAhead(4);

      // (a) The front desk: the providers, and a new one added.
      await h.signIn("frontdesk");
      await nav(h, "Provider schedules");
      await page.getByRole("heading", { name: "Provider schedules", level: 1 }).waitFor();
      await page.getByRole("link", { name: "Hours of Dr. Grace Adeyemi" }).waitFor();
      await h.check("schedules");
      const add = page.getByRole("form", { name: "Add a provider" });
      await add.getByLabel("Name", { exact: true }).fill(name);
      await add.getByLabel("Specialty").fill("family-medicine");
      await add.getByLabel("Follow-up visit (20 min)").check();
      await add.getByRole("button", { name: "Add the provider" }).click();
      await page.getByRole("heading", { name: `Hours of ${name}`, level: 1 }).waitFor();
      await page.getByText("No hours published yet: patients cannot book this provider.").waitFor();

      // (b) Hours every day, 09:00 to 17:00; Monday's end set before its start first.
      for (const day of DAYS) await page.getByRole("button", { name: `Add hours: ${day}` }).click();
      const mondayEnd = page.getByLabel("To (Monday, hours 1)", { exact: true });
      await mondayEnd.selectOption("08:00");
      await page.getByRole("button", { name: "Add a closed date" }).click();
      await page.getByLabel("Closed date 1", { exact: true }).fill(closed);
      await page.getByText("You have changes that are not published yet.").waitFor();
      await h.check("schedule-editing");
      await page.getByRole("button", { name: "Publish hours" }).click();
      const summary = page.getByRole("alert").filter({ hasText: "Please correct the following:" });
      await summary.getByRole("link", { name: "Monday, hours 1: To: Must be after the start." }).waitFor();
      if ((await mondayEnd.getAttribute("aria-invalid")) !== "true") throw new Error("Monday's end is not marked invalid");
      const describedBy = (await mondayEnd.getAttribute("aria-describedby")) ?? "";
      const beside = await page.evaluate((ids) => ids.split(" ").map((id) => document.getElementById(id)?.textContent).join(" "), describedBy);
      if (!beside.includes("Must be after the start.")) throw new Error(`the error is not beside Monday's end: ${beside}`);
      await h.check("schedule-invalid");
      // The summary's link takes the keyboard to the field.
      await summary.getByRole("link").first().press("Enter");
      if (!(await mondayEnd.evaluate((el) => el === document.activeElement))) throw new Error("the summary's link did not focus the field");
      await mondayEnd.selectOption("17:00");
      await page.getByRole("button", { name: "Publish hours" }).click();
      await page.getByText("Published. Patients are now offered these hours.").waitFor();
      await page.getByText(/\(version 1\)/).first().waitFor();
      await h.check("schedule-published");

      // What was published is what the page reads again (a reload would sign out: the session is in memory only).
      await nav(h, "Provider schedules");
      await page.getByRole("link", { name: `Hours of ${name}` }).click();
      await page.getByRole("heading", { name: `Hours of ${name}`, level: 1 }).waitFor();
      if ((await page.getByLabel("Closed date 1", { exact: true }).inputValue()) !== closed) throw new Error("the closed date was not kept");
      if ((await page.getByLabel("To (Monday, hours 1)", { exact: true }).inputValue()) !== "17:00") throw new Error("Monday's hours were not kept");
      await h.signOut();

      // (c) Ana looks for open times with the new provider from the closed date: none on it.
      await h.signIn("patient1");
      await page.getByRole("heading", { name: "Welcome" }).waitFor();
      await nav(h, "Appointments");
      await page.getByRole("link", { name: "Book a visit" }).click();
      await page.getByRole("radio", { name: new RegExp(name) }).check();
      await page.getByLabel("Type of visit").selectOption("follow-up");
      await page.getByLabel("Show open times from").fill(closed);
      const slots = page.getByRole("group", { name: "Open times" });
      await slots.locator(".slot label").first().waitFor();
      // The query for the chosen day has answered once the first time shown is on a later day.
      await slots.locator(".slot label").first().filter({ hasText: shownDate(nextDay) }).waitFor();
      const times = await slots.locator(".slot label").allTextContents();
      if (times.some((text) => text.includes(shownDate(closed)))) throw new Error(`a time on the closed date is offered: ${times.join("; ")}`);
      await h.check("schedule-booking");
    },
  },
  {
    slug: "schedule-provider-edit",
    name: "the front desk edits a provider after adding it, and a clinician reads the provider's hours without controls",
    async run(h) {
      const { page } = h;
      const tag = letterTag();
      const suffix = `${tag[0].toUpperCase()}${tag.slice(1)} ${h.size === "phone" ? "Phone" : "Desk"}`;
      const name = `Dr. Edit ${suffix}`;
      const renamed = `Dr. Edited ${suffix}`;

      // (a) The front desk adds a provider, publishes Monday's hours, then edits the provider.
      await h.signIn("frontdesk");
      await nav(h, "Provider schedules");
      const add = page.getByRole("form", { name: "Add a provider" });
      await add.getByLabel("Name", { exact: true }).fill(name);
      await add.getByLabel("Specialty").fill("family-medicine");
      await add.getByLabel("Follow-up visit (20 min)").check();
      await add.getByRole("button", { name: "Add the provider" }).click();
      await page.getByRole("heading", { name: `Hours of ${name}`, level: 1 }).waitFor();
      await page.getByRole("button", { name: "Add hours: Monday" }).click();
      await page.getByRole("button", { name: "Publish hours" }).click();
      await page.getByText("Published. Patients are now offered these hours.").waitFor();

      const edit = page.getByRole("form", { name: "Edit provider" });
      const field = edit.getByLabel("Name", { exact: true });
      if ((await field.inputValue()) !== name) throw new Error("the edit form does not start from the provider");
      await field.fill(renamed);
      await edit.getByLabel("Accepting new patients").uncheck();
      await edit.getByLabel("Telehealth visit (20 min)").check();
      await h.check("provider-edit");
      await edit.getByRole("button", { name: "Save provider" }).click();
      await edit.getByText(/^Saved\./).waitFor();
      await page.getByRole("heading", { name: `Hours of ${renamed}`, level: 1 }).waitFor();
      await h.check("provider-edited");
      await nav(h, "Provider schedules");
      const row = page.locator("li").filter({ has: page.getByRole("link", { name: `Hours of ${renamed}` }) });
      await row.getByText("not accepting new patients").waitFor();
      await h.signOut();

      // (b) A clinician reads the providers and the renamed provider's hours, with nothing to change.
      await h.signIn("clinician");
      await nav(h, "Provider schedules");
      await page.getByRole("heading", { name: "Provider schedules", level: 1 }).waitFor();
      if (await page.getByRole("form", { name: "Add a provider" }).count()) throw new Error("a clinician is offered to add a provider");
      await page.getByRole("link", { name: `Hours of ${renamed}` }).click();
      await page.getByRole("heading", { name: `Hours of ${renamed}`, level: 1 }).waitFor();
      const weekly = page.locator("section").filter({ has: page.getByRole("heading", { name: "Weekly hours" }) });
      await weekly.getByText("Closed").first().waitFor();
      const main = page.getByRole("main");
      if (await main.getByRole("button", { name: "Publish hours" }).count()) throw new Error("a clinician is offered to publish hours");
      if (await main.getByRole("form", { name: "Edit provider" }).count()) throw new Error("a clinician is offered to edit the provider");
      if (await main.getByRole("combobox").count()) throw new Error("a clinician is offered hours to change");
      await h.check("schedule-read-only");
    },
  },
];
