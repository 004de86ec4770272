// Health record journeys (issue 13): a patient reads her past imports and one import's whole
// report; the record's download follows every page of the export and saves one bundle.

import { readFileSync } from "node:fs";
import { nav } from "./journeys.mjs";

/** Downloads the record with the button and answers the saved bundle. */
async function downloadRecord(page) {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download my record (FHIR)" }).click(),
  ]);
  return JSON.parse(readFileSync(await download.path(), "utf8"));
}

export const journeys = [
  {
    slug: "message-about",
    name: "a patient asks her care team about a record, and about a visit; the thread links back to what it is about",
    async run(h) {
      const { page } = h;
      await h.signIn("patient2");
      await nav(h, "Health record");
      await page.locator('a[href*="/records/item/"]').first().click();
      // The page's title is the record's once it has loaded (its facts shown).
      await page.locator("dl.facts").waitFor();
      const title = (await page.getByRole("heading", { level: 1 }).textContent())?.trim();
      if (!title) throw new Error("the record has no title");
      await page.getByRole("link", { name: "Ask your care team about this" }).click();
      await page.getByRole("heading", { name: "New message", level: 1 }).waitFor();
      await page.getByText("About:").getByRole("link", { name: title }).waitFor();
      const subject = `About my ${title} (${h.size} ${Date.now()})`;
      await page.getByLabel("Subject").fill(subject);
      await page.getByLabel("Message").fill("What does this result mean for me?");
      await h.check("message-about-record");
      await page.getByRole("button", { name: "Send" }).click();
      await page.getByRole("heading", { name: subject, level: 1 }).waitFor();
      // The thread says what it is about, and takes her back to it.
      await page.getByText("About:").getByRole("link", { name: title }).click();
      await page.getByRole("heading", { name: title, level: 1 }).waitFor();

      // A visit: the message starts in the appointment category, about that visit.
      await nav(h, "Appointments");
      await page.getByRole("link", { name: "Message the practice about this visit" }).first().click();
      await page.getByRole("heading", { name: "New message", level: 1 }).waitFor();
      await page.getByText("About:").getByRole("link", { name: "an appointment" }).waitFor();
      const category = await page.getByLabel("Category").inputValue();
      if (category !== "appointment") throw new Error(`a visit's message starts in ${category}`);
      await h.signOut();
    },
  },
  {
    slug: "records-imports",
    name: "a patient reads her past imports, who brought each in, and one import's whole report",
    async run(h) {
      const { page } = h;
      await h.signIn("patient1");
      await nav(h, "Health record");
      await page.getByRole("link", { name: "Past imports and their reports" }).click();
      await page.getByRole("heading", { name: "Past imports", level: 1 }).waitFor();
      const table = page.getByRole("table", { name: "Past imports, newest first" });
      // The demo's three files: the practice's clinician, the front desk and Ana herself.
      for (const who of ["Practice staff", "The patient"]) await table.getByRole("cell", { name: new RegExp(`^${who}`) }).first().waitFor();
      for (const source of ["Maple Street Family Practice", "Riverside Urgent Care", "Lakeside Endocrinology Clinic"]) {
        await table.getByRole("cell", { name: new RegExp(source) }).first().waitFor();
      }
      for (const column of ["Imported", "Merged", "Skipped", "Refused", "Warnings"]) {
        await table.getByRole("columnheader", { name: column }).waitFor();
      }
      await h.check("imports");

      await table.getByRole("rowheader").first().getByRole("link").click();
      await page.getByRole("heading", { name: "Import report", level: 1 }).waitFor();
      await page.getByText(/^\d+ entries: \d+ imported \(of them \d+ merged with an earlier entry\), \d+ skipped, \d+ refused\.$/).waitFor();
      await page.getByRole("region", { name: "By type of record" }).first().getByRole("rowheader").first().waitFor();
      const entries = page.getByRole("region", { name: /^What became of each entry/ }).first();
      await entries.getByText("Show every entry").click();
      await entries.getByRole("cell", { name: /^(Imported|Merged|Skipped|Refused)$/ }).first().waitFor();
      await h.check("import-report-full");
      await page.getByRole("link", { name: "All past imports" }).click();
      await page.getByRole("heading", { name: "Past imports", level: 1 }).waitFor();
    },
  },
  {
    slug: "records-export-pages",
    name: "the record's download follows every page of a paged export and saves one bundle",
    async run(h) {
      const { page } = h;
      await h.signIn("patient1");
      await nav(h, "Health record");
      await page.locator("ul.records li").first().waitFor();
      const whole = await downloadRecord(page);
      if (whole.link) throw new Error("the demo record came in pages: this journey compares against one page");
      await page.getByText(/^Downloaded: \d+ entries in one file\.$/).waitFor();

      // The same record in pages of five (as a record larger than one response comes): the app
      // follows each `next` link and puts the pages together.
      const asked = [];
      await page.route("**/patients/*/export*", async (route) => {
        const url = new URL(route.request().url());
        if (!url.searchParams.has("cursor")) url.searchParams.set("_count", "5");
        asked.push(url.search);
        await route.continue({ url: url.toString() });
      });
      const paged = await downloadRecord(page);
      await page.unroute("**/patients/*/export*");
      if (asked.length < 3) throw new Error(`the download read ${asked.length} page(s): ${asked.join(" ")}`);
      if (paged.resourceType !== "Bundle" || paged.type !== whole.type || paged.link) throw new Error("the pages are not one bundle");
      const urls = (bundle) => bundle.entry.map((e) => e.fullUrl).sort();
      if (JSON.stringify(urls(paged)) !== JSON.stringify(urls(whole))) {
        throw new Error(`the pages put together hold ${paged.entry.length} entries, the whole record ${whole.entry.length}`);
      }
      await page.getByText(`Downloaded: ${paged.entry.length} entries in one file.`).waitFor();
      await h.check("export-pages");
    },
  },
];
