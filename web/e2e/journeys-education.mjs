// The patient education journeys (issue 19): Ana (patient1) meets the first-sign-in tour and
// skips it; her health topics (diabetes, metformin, HbA1c from her record) say why she sees
// each, in English and then in Spanish; she says one helped; the "Learn the portal" guides and
// the tour again; signed in again, no tour. And the front desk issues an activation code to a
// new patient and opens the printable handout (the code never in the address bar). See
// journeys.mjs for the shape of a journey and the harness (h.signIn, h.check).

import { letterTag, nav } from "./journeys.mjs";

/** axe and a screenshot, and on the phone nothing wider than its 360 px. */
async function check(h, label) {
  await h.check(label);
  if (h.size !== "phone") return;
  const width = await h.page.evaluate(() => document.documentElement.scrollWidth);
  if (width > 360) throw new Error(`${label}: the page is ${width} px wide on the phone`);
}

const TOUR = "A quick tour of your portal";

export const journeys = [
  {
    slug: "education-topics",
    name: "a patient skips the first-sign-in tour, reads her health topics and why she sees them in English and Spanish, votes one helpful, and opens the guides",
    async run(h) {
      const { page } = h;

      // First sign-in in this browser: the tour, on her home page; a step by keyboard, then skipped.
      await h.signIn("patient1");
      await page.getByRole("heading", { name: "Welcome" }).waitFor();
      const tour = page.getByRole("dialog", { name: TOUR });
      await tour.waitFor();
      await tour.getByText("Step 1 of 5").waitFor();
      await check(h, "education-tour");
      await tour.getByRole("button", { name: "Next" }).press("Enter");
      await tour.getByText("Step 2 of 5").waitFor();
      await tour.getByRole("button", { name: "Skip the tour" }).press("Enter");
      await tour.waitFor({ state: "detached" });

      // Her topics, each with why she sees it.
      await nav(h, "Health education");
      await page.getByRole("heading", { name: "Health education", level: 1 }).waitFor();
      const diabetes = page.getByRole("article", { name: "Type 2 diabetes", exact: true });
      const metformin = page.getByRole("article", { name: "Metformin", exact: true });
      const a1c = page.getByRole("article", { name: "Hemoglobin A1C (HbA1c) test", exact: true });
      await diabetes.waitFor();
      await diabetes.getByRole("region", { name: "Why you see this" }).getByText(/^Your health record lists /).first().waitFor();
      await metformin.getByRole("region", { name: "Why you see this" }).getByText(/^You take /).first().waitFor();
      await a1c.getByRole("region", { name: "Why you see this" }).getByText(/^You had a /).first().waitFor();
      const more = diabetes.getByRole("link", { name: /^Read more on a trusted site/ });
      if ((await more.getAttribute("target")) !== "_blank" || !/noopener/.test((await more.getAttribute("rel")) ?? "")) {
        throw new Error("the trusted page does not open in a new tab without an opener");
      }
      if (!/^https:\/\/medlineplus\.gov\//.test((await more.getAttribute("href")) ?? "")) throw new Error("the diabetes topic links elsewhere than MedlinePlus");
      await check(h, "education-topics");

      // Helpful: her vote is kept (a rerun votes the same again).
      const vote = diabetes.getByRole("group", { name: /^Was this helpful\?/ });
      await vote.getByRole("button", { name: "Yes", exact: true }).press("Enter");
      await vote.getByText(/^Thank you\./).waitFor();
      if ((await vote.getByRole("button", { name: "Yes", exact: true }).getAttribute("aria-pressed")) !== "true") throw new Error("the vote does not show");
      await check(h, "education-voted");

      // In Spanish: the topics are asked for again, in Spanish.
      await page.getByLabel("Language").selectOption("es");
      await page.getByRole("heading", { name: "Educación para la salud", level: 1 }).waitFor();
      const diabetesEs = page.getByRole("article", { name: "Diabetes tipo 2", exact: true });
      await diabetesEs.waitFor();
      await page.getByRole("article", { name: "Metformina", exact: true }).waitFor();
      await diabetesEs.getByRole("region", { name: "Por qué ve esto" }).waitFor();
      if ((await diabetesEs.getByRole("button", { name: "Sí", exact: true }).getAttribute("aria-pressed")) !== "true") {
        throw new Error("the vote is not shown in Spanish");
      }
      await check(h, "education-topics-es");
      await page.locator("#lang").selectOption("en");
      await page.getByRole("heading", { name: "Health education", level: 1 }).waitFor();

      // One topic on its own page.
      await diabetes.getByRole("link", { name: "Type 2 diabetes", exact: true }).press("Enter");
      await page.getByRole("heading", { name: "Type 2 diabetes", level: 1 }).waitFor();
      await page.getByRole("region", { name: "Why you see this" }).waitFor();
      await check(h, "education-topic");

      // The guides, one guide, and the tour again on request.
      await nav(h, "Learn the portal");
      await page.getByRole("heading", { name: "Learn the portal", level: 1 }).waitFor();
      await check(h, "guides");
      await page.getByRole("link", { name: "Send a message to your care team" }).press("Enter");
      await page.getByRole("heading", { name: "Send a message to your care team", level: 1 }).waitFor();
      await page.getByText("For an emergency, do not send a message: call 911.").waitFor();
      await check(h, "guide-message");
      await page.getByRole("link", { name: "All guides" }).press("Enter");
      await page.getByRole("button", { name: "Take the tour again" }).press("Enter");
      const again = page.getByRole("dialog", { name: TOUR });
      await again.waitFor();
      for (let i = 0; i < 4; i++) await again.getByRole("button", { name: "Next" }).press("Enter");
      await again.getByText("Step 5 of 5").waitFor();
      await check(h, "guides-tour");
      await again.getByRole("button", { name: "Finish" }).press("Enter");
      await again.waitFor({ state: "detached" });
      await h.signOut();

      // Signed in again in this browser: no tour.
      await h.signIn("patient1");
      await page.getByRole("heading", { name: "Welcome" }).waitFor();
      await page.getByRole("heading", { name: "Active problems" }).or(page.getByRole("heading", { name: "Upcoming visits" })).first().waitFor();
      if (await page.getByRole("dialog", { name: TOUR }).count()) throw new Error("the tour shows again after it was skipped");
      await h.signOut();
    },
  },
  {
    slug: "education-handout",
    name: "the front desk issues an activation code to a new patient and prints the handout in Spanish",
    async run(h) {
      const { page } = h;
      await h.signIn("frontdesk");
      await nav(h, "Register a patient");
      await page.getByLabel("Given name").fill("Elena");
      await page.getByLabel("Family name").fill(`Ruiz${letterTag()}`);
      await page.getByLabel("Date of birth").fill("1979-05-20");
      await page.getByRole("button", { name: "Register a patient" }).click();
      await page.getByRole("button", { name: "Issue an activation code" }).click();
      const shown = await page.getByText(/Activation code \(shown only once\):/).textContent();
      const code = shown?.split(": ").pop()?.trim();
      if (!code) throw new Error(`no code in ${shown}`);
      await page.getByRole("button", { name: "Print handout" }).press("Enter");
      await page.getByRole("heading", { name: "Activation handout", level: 1 }).waitFor();
      if (page.url().includes(code)) throw new Error("the code is in the address bar");
      const sheet = page.getByRole("article", { name: "Activate your patient portal account" });
      await sheet.getByText(code, { exact: true }).waitFor();
      await sheet.getByText(/^Use it before /).waitFor();
      await check(h, "handout-en");

      await page.getByRole("radio", { name: "Español" }).check();
      const hoja = page.getByRole("article", { name: "Active su cuenta del portal del paciente" });
      await hoja.getByText(code, { exact: true }).waitFor();
      await hoja.getByText(/^Úselo antes del /).waitFor();
      await page.getByLabel("Practice name").fill("Maple Street Family Practice");
      await hoja.getByText("Maple Street Family Practice", { exact: true }).waitFor();
      await check(h, "handout-es");

      // On paper: only the sheet (no header, navigation or controls).
      await page.emulateMedia({ media: "print" });
      const seen = await page.evaluate(() => ({
        nav: getComputedStyle(document.querySelector("nav")).visibility,
        header: getComputedStyle(document.querySelector(".app-header")).visibility,
        code: getComputedStyle(document.querySelector(".handout-code")).visibility,
      }));
      await page.emulateMedia({ media: "screen" });
      if (seen.nav !== "hidden" || seen.header !== "hidden" || seen.code !== "visible") {
        throw new Error(`printed: ${JSON.stringify(seen)}`);
      }
      await h.signOut();
    },
  },
];
