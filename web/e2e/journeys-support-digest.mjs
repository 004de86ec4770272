// The weekly digest journey (issue 18, item 4): the portal lead opens the weekly digests from the
// navigation, opens the newest (the demo seed writes last week's: without it the journey fails,
// it does not skip) and reads its four sections; a clinician is not offered the digests. See
// journeys.mjs for the shape of a journey and the harness (h.signIn, h.check).
//
// Read-only: nothing is written, so other journeys on the shared stack never see this one.

import { nav } from "./journeys.mjs";

const SECTIONS = ["Problem reports", "Incidents", "Adoption", "Feedback"];

/** The digest ids the list links to, in the order shown. */
async function listedIds(table) {
  const hrefs = await table.getByRole("rowheader").getByRole("link").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
  return hrefs.map((href) => {
    const id = /^\/staff\/digests\/(\d{4}-\d{2}-\d{2})$/.exec(href ?? "")?.[1];
    if (!id) throw new Error(`a digest link that names no week: ${href}`);
    return id;
  });
}

export const journeys = [
  {
    slug: "support-digest",
    name: "a portal lead opens the weekly digests from the navigation and reads the newest one's four sections; a clinician is not offered them",
    async run(h) {
      const { page } = h;
      await h.signIn("portallead");
      await nav(h, "Weekly digests");
      await page.getByRole("heading", { name: "Weekly digests", level: 1 }).waitFor();
      const table = page.getByRole("table", { name: "Weekly digests, newest first" });
      const empty = page.getByText(/^No digest yet:/);
      await table.or(empty).first().waitFor();
      if (await empty.count()) throw new Error("no weekly digest: the demo seed should have written last week's");
      await h.check("digests");

      // Newest first: each week's Monday before the one above it.
      const ids = await listedIds(table);
      if (!ids.length) throw new Error("the digests table lists no week");
      if (ids.some((id, i) => i > 0 && ids[i - 1] <= id)) throw new Error(`digests not newest first: ${ids.join(", ")}`);
      await table.getByRole("rowheader").first().getByRole("link").click();
      await page.waitForURL((url) => url.pathname === `/staff/digests/${ids[0]}`);
      await page.getByRole("heading", { name: /^Week of .+ to .+/, level: 1 }).waitFor();
      for (const name of SECTIONS) await page.getByRole("region", { name, exact: true }).waitFor();
      await page.getByRole("table", { name: /^Adoption for all patients/ }).waitFor();
      // A report past its target links to the team's page for it (the words stay there).
      const breached = page.getByRole("table", { name: /^Open reports past their response target/ });
      if (await breached.count()) {
        const href = await breached.getByRole("rowheader").first().getByRole("link").getAttribute("href");
        if (!/^\/support\/reports\/[0-7][0-9A-HJKMNP-TV-Z]{25}$/.test(href ?? "")) throw new Error(`a breached report links to ${href}`);
      }
      await h.check("digest");
      await page.getByRole("link", { name: "All weekly digests" }).click();
      await table.waitFor();
      await h.signOut();

      // A clinician has no digests in the navigation.
      await h.signIn("clinician");
      await page.getByRole("heading", { name: "Inbox" }).waitFor();
      const main = page.getByRole("navigation", { name: "Main" });
      await main.getByRole("link", { name: "Inbox", exact: true }).waitFor();
      const offered = await main.getByRole("link").allTextContents();
      if (offered.some((name) => /Weekly digests/.test(name))) throw new Error(`a clinician is offered ${offered.join(", ")}`);
      await h.signOut();
    },
  },
];
