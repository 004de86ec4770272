// The staff patient search (issue 13): the front desk finds Ana Lopez (patient1) by her family
// name typed without care for case ("lopez") and her date of birth, and opens her page; a name
// nobody has shows the empty state. See journeys.mjs for the shape of a journey and the harness.
//
// Other journeys change Ana's given names (an approved identity change), never her family name
// or date of birth, so she is found by those; her row is the one linking to her patient id.

import { letterTag, nav } from "./journeys.mjs";

export const journeys = [
  {
    slug: "patient-search",
    name: "the front desk finds a patient by name and date of birth and opens her page",
    async run(h) {
      const { page } = h;
      const ana = h.user("patient1").patientId;
      await h.signIn("frontdesk");
      await nav(h, "Find a patient");
      await page.getByRole("heading", { name: "Find a patient", level: 1 }).waitFor();
      const form = page.getByRole("search", { name: "Find a patient" });

      // Nobody by this name: the empty state, with the way to register.
      await form.getByLabel("Name").fill(`Zz${letterTag()}`);
      await form.getByRole("button", { name: "Search" }).click();
      const results = page.getByRole("region", { name: "Patients found" });
      await results.getByText(/No patient matches/).waitFor();
      await h.check("patient-search-none");

      // No accent, lower case, and her date of birth.
      await form.getByLabel("Name").fill("lopez");
      await form.getByLabel("Date of birth").fill("1984-03-12");
      await form.getByRole("button", { name: "Search" }).click();
      const link = results.locator(`a[href="/staff/patients/${ana}"]`);
      await link.waitFor();
      const name = ((await link.textContent()) ?? "").trim();
      if (!/^Lopez, Ana/.test(name)) throw new Error(`patient1 is listed as "${name}"`);
      await h.check("patient-search-found");
      await link.press("Enter");

      // Her page: her name as the heading, her date of birth.
      await page.waitForURL(`**/staff/patients/${ana}`);
      await page.getByRole("heading", { level: 1, name: /Lopez$/ }).waitFor();
      await page.getByText("Mar 12, 1984").first().waitFor();
      await h.check("patient-search-opened");

      // Back: the search is still there (held in memory, not in the address).
      await page.goBack();
      await results.locator(`a[href="/staff/patients/${ana}"]`).waitFor();
      if (new URL(page.url()).search) throw new Error(`the search is in the address: ${page.url()}`);
    },
  },
];
