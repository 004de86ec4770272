// The prescription refill journeys (issue 20): Ana (patient1) asks the practice to renew her
// metformin at a pharmacy of the directory, with a note; the front desk sees the request in the
// queue but cannot decide it; a clinician reviews and approves it; Ana sees it approved and the
// renewed prescription from the practice in her health record; the front desk marks it sent.
// And the front desk keeps the pharmacy directory. See journeys.mjs for the shape of a journey
// and the harness (h.signIn, h.check).
//
// Buttons and links are pressed by keyboard after a full-page screenshot (a click right after one
// can land beside them on the phone). The stack is shared by both screen sizes and by reruns: an open request Ana left behind (a run
// that failed half-way) is withdrawn through the API first, so metformin can be asked for again.

import { letterTag, nav } from "./journeys.mjs";

/** One API call; anything but 2xx fails the journey with the problem's text. */
async function call(h, token, method, path, body, headers = {}) {
  const response = await fetch(`${h.apiUrl}${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body ? { "Content-Type": "application/json" } : {}),
      ...headers,
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return { body: text ? JSON.parse(text) : null };
}

/** Withdraws Ana's open metformin requests (left by an earlier run), so the medication is renewable. */
async function withdrawOpenMetformin(h) {
  const token = await h.apiToken("patient1");
  const { body } = await call(h, token, "GET", "/patients/me/refills");
  for (const r of body.items) {
    if ((r.status === "requested" || r.status === "in-review") && /metformin/i.test(r.medication.title)) {
      await call(h, token, "POST", `/patients/me/refills/${r.refillId}/withdraw`);
    }
  }
}

/** axe and a screenshot, and on the phone nothing wider than its 360 px (the phone's layout
 * viewport grows with a page that is too wide, so the harness's own comparison cannot see it). */
async function check(h, label) {
  await h.check(label);
  if (h.size !== "phone") return;
  const width = await h.page.evaluate(() => document.documentElement.scrollWidth);
  if (width > 360) throw new Error(`${label}: the page is ${width} px wide on the phone`);
}

export const journeys = [
  {
    slug: "refills-request-approve",
    name: "a patient asks to renew metformin, the front desk cannot decide, a clinician approves, the record has the renewed prescription",
    async run(h) {
      const { page } = h;
      const note = `About a week of tablets left (${h.size} ${letterTag()}).`;
      await withdrawOpenMetformin(h);

      // (a) Ana: Prescriptions lists metformin as renewable; she asks for it at a directory pharmacy.
      await h.signIn("patient1");
      await page.getByRole("heading", { name: "Welcome" }).waitFor();
      await nav(h, "Prescriptions");
      await page.getByRole("heading", { name: "Prescriptions", level: 1 }).waitFor();
      const meds = page.getByRole("region", { name: "Your medications" });
      const metformin = meds.getByRole("article").filter({ hasText: /metformin/i }).filter({ hasText: "Can be renewed" }).first();
      await metformin.waitFor();
      const title = (await metformin.getByRole("heading").first().textContent())?.trim() ?? "";
      await check(h, "refills-prescriptions");
      await metformin.getByRole("button", { name: /^Request a renewal/ }).press("Enter");
      const form = page.getByRole("form", { name: `Request a renewal of ${title}` });
      await form.getByLabel("Pharmacy name").fill("Maple");
      await form.getByRole("button", { name: "Search", exact: true }).click();
      await form.getByRole("radio", { name: /Maple Street Pharmacy/ }).check();
      await form.getByLabel(/^Note for the practice/).fill(note);
      await check(h, "refills-request-form");
      await form.getByRole("button", { name: "Send request" }).press("Enter");
      const sent = page.getByRole("status").filter({ hasText: "Your request was sent." });
      await sent.waitFor();
      // "Your requests" has it, requested; its page shows the timeline.
      const mine = page.getByRole("region", { name: "Your requests" });
      const item = mine.getByRole("listitem").filter({ has: page.getByRole("link", { name: title, exact: true }) }).first();
      await item.getByText("Requested", { exact: true }).waitFor();
      await check(h, "refills-requested");
      await sent.getByRole("link", { name: title }).press("Enter");
      await page.getByRole("heading", { name: "Refill request", level: 1 }).waitFor();
      const refillId = new URL(page.url()).pathname.split("/").pop();
      if (!/^[0-9A-Z]{26}$/.test(refillId ?? "")) throw new Error(`the request opened at ${page.url()}`);
      await page.getByRole("region", { name: "Your request" }).getByText(note).waitFor();
      await page.getByRole("list", { name: "Progress" }).getByRole("listitem").first().getByText("Requested", { exact: true }).waitFor();
      await check(h, "refills-request");
      await h.signOut();

      // (d) The front desk sees it in the queue, but has no decision to make on it.
      await h.signIn("frontdesk");
      await nav(h, "Refill requests");
      await page.getByRole("heading", { name: "Refill requests", level: 1 }).waitFor();
      const queue = page.getByRole("table", { name: "Open refill requests, soonest due first" });
      await queue.waitFor();
      await check(h, "refills-queue-frontdesk");
      // In the app (a page load would be a new sign-in: the session lives in memory only).
      await queue.locator(`a[href="/staff/refills/${refillId}"]`).press("Enter");
      await page.getByRole("heading", { name: "Refill request", level: 1 }).waitFor();
      await page.getByText("A clinician decides on this request.").waitFor();
      if (await page.getByRole("radio", { name: "Approve" }).count()) throw new Error("the front desk is offered the decision");
      if (await page.getByRole("button", { name: "Start review" }).count()) throw new Error("the front desk is offered the review");
      await check(h, "refills-request-frontdesk");
      await h.signOut();

      // (b) A clinician opens Ana's request from the queue, starts the review and approves it.
      await h.signIn("clinician");
      await nav(h, "Refill requests");
      const open = page.getByRole("table", { name: "Open refill requests, soonest due first" });
      const link = open.locator(`a[href="/staff/refills/${refillId}"]`);
      await link.click();
      await page.getByRole("heading", { name: "Refill request", level: 1 }).waitFor();
      await page.getByText(note).waitFor();
      await page.getByRole("button", { name: "Start review" }).click();
      await page.getByText("You are reviewing this request.").waitFor();
      const decision = page.getByRole("form", { name: "Decision" });
      await decision.getByRole("radio", { name: "Approve" }).check();
      // Nothing filled in: the summary names what is missing.
      await decision.getByRole("button", { name: "Save decision" }).click();
      await decision.getByRole("alert").getByText(/Quantity: Fill this in\./).waitFor();
      await decision.getByLabel("Quantity", { exact: true }).fill("90");
      await decision.getByLabel(/^Unit/).fill("tablet");
      await decision.getByLabel("Refills (0 to 11)").fill("3");
      await decision.getByLabel(/^Message to the patient/).fill("Renewed for three months. Please book your annual check before then.");
      await check(h, "refills-decision");
      await decision.getByRole("button", { name: "Save decision" }).press("Enter");
      await page.getByRole("region", { name: "Decision" }).getByText("Renewed for three months. Please book your annual check before then.").waitFor();
      await page.getByRole("button", { name: "Mark sent to pharmacy" }).waitFor();
      await check(h, "refills-approved-staff");
      await h.signOut();

      // (c) Ana sees it approved, and the renewed prescription from the practice in her record.
      await h.signIn("patient1", `/refills/${refillId}`);
      await page.getByRole("heading", { name: "Refill request", level: 1 }).waitFor();
      if (!new URL(page.url()).pathname.endsWith(`/refills/${refillId}`)) throw new Error(`the link opened ${page.url()}`);
      const answer = page.getByRole("region", { name: "The practice's answer" });
      await answer.getByText("Renewed for three months. Please book your annual check before then.").waitFor();
      await page.getByRole("region", { name: "Your request" }).getByText("Approved", { exact: true }).waitFor();
      await check(h, "refills-approved");
      await answer.getByRole("link", { name: "See the renewed prescription" }).press("Enter");
      await page.getByRole("heading", { name: new RegExp(title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i"), level: 1 }).waitFor();
      await page.getByText("Maple Street Family Practice").first().waitFor();
      const recordPath = new URL(page.url()).pathname;
      await nav(h, "Health record");
      await page.getByRole("link", { name: "Medications" }).first().click();
      await page.locator(`a[href="${recordPath}"]`).first().waitFor();
      await check(h, "refills-record");
      await h.signOut();

      // The front desk sends it to the pharmacy.
      await h.signIn("frontdesk", `/staff/refills/${refillId}`);
      await page.getByRole("button", { name: "Mark sent to pharmacy" }).click();
      await page.getByText("Marked as sent to the pharmacy.").waitFor();
      await h.signOut();
    },
  },
  {
    slug: "refills-pharmacies",
    name: "the front desk adds a pharmacy to the directory (after fixing what was wrong) and retires it",
    async run(h) {
      const { page } = h;
      const name = `Lakeside Pharmacy ${h.size} ${letterTag()}`;
      await h.signIn("frontdesk");
      await nav(h, "Pharmacies");
      await page.getByRole("heading", { name: "Pharmacies", level: 1 }).waitFor();
      await page.getByRole("table", { name: "Pharmacies in the directory" }).getByRole("rowheader", { name: "Maple Street Pharmacy" }).waitFor();
      const form = page.getByRole("form", { name: "Add a pharmacy" });
      await form.getByLabel("Pharmacy name").fill(name);
      await form.getByLabel("Street address").fill("40 Lake Shore Drive");
      await form.getByLabel("City").fill("Springfield");
      await form.getByLabel("State (2 letters)").fill("IL");
      await form.getByLabel("ZIP code").fill("627");
      await form.getByLabel(/^Phone/).fill("(217) 555-0177");
      await form.getByLabel("NPI").fill("1234567890");
      await form.getByRole("button", { name: "Add pharmacy" }).click();
      const summary = form.getByRole("alert");
      await summary.getByText(/ZIP code: Enter a 5-digit ZIP code/).waitFor();
      await summary.getByText(/NPI: This is not a valid NPI/).waitFor();
      await check(h, "refills-pharmacy-errors");
      await form.getByLabel("ZIP code").fill("62702");
      await form.getByLabel("NPI").fill("1234567893");
      await form.getByRole("button", { name: "Add pharmacy" }).press("Enter");
      await page.getByRole("status").getByText(`${name} was added.`).waitFor();
      const row = page.getByRole("row").filter({ hasText: name });
      await row.waitFor();
      await check(h, "refills-pharmacies");
      await row.getByRole("button", { name: `Retire ${name}` }).press("Enter");
      await page.getByRole("status").getByText(`${name} was retired.`).waitFor();
      await row.waitFor({ state: "detached" });
      await h.signOut();
    },
  },
];
