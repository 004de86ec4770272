// Two staff screens of issue 13: the front desk registers a parent or legal guardian of a minor
// (after checking them in person) on the staff patient page, and a clinician assigns a
// patient's conversation to a colleague of its team. See journeys.mjs for the shape of a
// journey and the harness (h.signIn, h.check).
//
// Each journey makes what it needs (a new minor patient; a new conversation), so they pass in
// any order and on both screen sizes against one stack. The demo's new clinician, Dr. Noor
// Haddad, has not finished her message-inbox training unless the training journey ran first on
// this stack: the assignment to her shows the refusal beside the picker, or succeeds.

import { letterTag, nav } from "./journeys.mjs";

export const journeys = [
  {
    slug: "staff-care-guardian",
    name: "the front desk registers a minor's parent after checking them in person, and the code is shown once",
    async run(h) {
      const { page } = h;
      // An adult: the section says guardians are for minors, and offers no form.
      await h.signIn("frontdesk", `/staff/patients/${h.user("patient1").patientId}`);
      const adult = page.getByRole("region", { name: "Parents and guardians" });
      await adult.getByText(/This patient is 18 or older/).waitFor();
      if (await adult.getByRole("form").count()) throw new Error("the guardian form is offered for an adult");

      // A minor, registered for this run and screen size.
      const family = `Park${letterTag().replace(/^./, (c) => c.toUpperCase())}`;
      await nav(h, "Register a patient");
      await page.getByLabel("Given name").fill("Leo");
      await page.getByLabel("Family name").fill(family);
      await page.getByLabel("Date of birth").fill("2016-04-02");
      await page.getByRole("button", { name: "Register a patient" }).click();
      await page.getByRole("link", { name: "Open the patient's page" }).click();
      await page.getByRole("heading", { name: `Leo ${family}`, level: 1 }).waitFor();
      const section = page.getByRole("region", { name: "Parents and guardians" });
      await section.getByText("No one acts for this patient yet.").waitFor();
      const form = section.getByRole("form", { name: "Register a parent or guardian" });

      // Nothing chosen nor confirmed: said beside each, and nothing is sent.
      await form.getByRole("button", { name: "Register and send the code" }).click();
      await form.getByText("Confirm that you checked their identity and authority in person.").waitFor();
      await form.getByText("Choose parent or legal guardian.").waitFor();
      await h.check("guardian-form-missing");

      // A mistyped email: the API's field error beside the field.
      await form.getByRole("radio", { name: "Parent", exact: true }).check();
      await form.getByLabel("Their full name").fill(`Kim ${family}`);
      const email = form.getByLabel("Their email");
      await email.fill("kim.park@");
      await form.getByRole("checkbox", { name: /I have checked this person's photo ID/ }).check();
      await form.getByRole("button", { name: "Register and send the code" }).click();
      await page.waitForFunction(() => document.querySelector('input[type="email"][aria-invalid="true"]'));
      const describedBy = (await email.getAttribute("aria-describedby")) ?? "";
      if (!describedBy.includes("error")) throw new Error(`the email's error is not tied to it: ${describedBy}`);
      await h.check("guardian-form-email-error");

      // Fixed: registered, the code shown once, and the circle lists them as a guardian.
      await email.fill(`kim.${h.size}.${Date.now()}@example.org`);
      await form.getByRole("button", { name: "Register and send the code" }).click();
      const shown = form.getByRole("status").getByText(/Invitation code for Kim .* \(shown only once\): [0-9A-Z]{5}-[0-9A-Z]{5}/);
      await shown.waitFor();
      const member = section.getByRole("listitem").filter({ hasText: `Kim ${family}` });
      await member.getByText("Guardian", { exact: true }).waitFor();
      await member.getByText("Invited, code not used yet").waitFor();
      await h.check("guardian-registered");

      // Registered by mistake: the front desk ends the access, after saying so once more.
      await member.getByRole("button", { name: /^Revoke\W+Kim / }).click();
      await member.getByText(/Revoke Kim .*'s access now\?/).waitFor();
      await h.check("guardian-revoke-confirm");
      await member.getByRole("button", { name: "Yes, revoke access" }).click();
      await member.getByText("Revoked", { exact: true }).waitFor();
      if (await member.getByRole("button", { name: /^Revoke/ }).count()) throw new Error("a revoked member can still be revoked");
      await h.signOut();
    },
  },
  {
    slug: "staff-record-links",
    name: "from a patient's staff page, a clinician opens the record and its imports; the front desk sees the imports only",
    async run(h) {
      const { page } = h;
      const patientId = h.user("patient1").patientId;
      await h.signIn("clinician", `/staff/patients/${patientId}`);
      const section = page.getByRole("region", { name: "Health record" });
      await section.getByRole("link", { name: "Past imports and their reports" }).click();
      await page.getByRole("heading", { name: "Past imports", level: 1 }).waitFor();
      await page.getByRole("link", { name: "Back to the patient's page" }).click();
      await page.getByRole("region", { name: "Health record" }).getByRole("link", { name: "Open the health record" }).click();
      await page.waitForURL(new RegExp(`/p/${patientId}/records$`));
      await h.signOut();

      await h.signIn("frontdesk", `/staff/patients/${patientId}`);
      const desk = page.getByRole("region", { name: "Health record" });
      await desk.getByRole("link", { name: "Past imports and their reports" }).waitFor();
      if (await desk.getByRole("link", { name: "Open the health record" }).count()) throw new Error("the front desk is offered the record");
      await h.check("staff-record-links");
      await desk.getByRole("link", { name: "Past imports and their reports" }).click();
      await page.getByRole("heading", { name: "Past imports", level: 1 }).waitFor();
      await h.signOut();
    },
  },
  {
    slug: "staff-care-assign",
    name: "a clinician assigns a patient's conversation to a colleague of its team",
    async run(h) {
      const { page } = h;
      const asked = `Question about my bill (${h.size} ${letterTag()})`;
      await h.signIn("patient2");
      await nav(h, "Messages");
      await page.getByRole("link", { name: "New message" }).click();
      await page.getByLabel("Subject").fill(asked);
      await page.getByLabel("Message").fill("I was charged twice for my last visit, and my knee still hurts.");
      await page.getByRole("button", { name: "Send" }).click();
      await page.getByRole("heading", { name: asked }).waitFor();
      await h.signOut();

      await h.signIn("clinician");
      await page.getByRole("heading", { name: "Inbox" }).waitFor();
      await page.getByRole("link", { name: asked }).click();
      await page.getByRole("heading", { name: asked, level: 1 }).waitFor();
      const form = page.getByRole("form", { name: "Assign to a colleague" });
      const picker = form.getByLabel("Colleague (clinicians)");
      await picker.waitFor();
      // Herself is "Assign to me", not in the list.
      if (await picker.getByRole("option", { name: "Grace Adeyemi" }).count()) throw new Error("the caller is offered as a colleague");
      await picker.getByRole("option", { name: "Noor Haddad" }).waitFor({ state: "attached" });
      await picker.selectOption({ label: "Noor Haddad" });
      await form.getByRole("button", { name: "Assign", exact: true }).click();
      const refused = form.getByText(/has not finished the message inbox training yet/);
      const assigned = page.locator(".record-meta", { hasText: /Assigned to .*Noor Haddad/ });
      await refused.or(assigned).first().waitFor();
      if (await refused.count()) {
        // Said beside the picker, which names it.
        if ((await picker.getAttribute("aria-invalid")) !== "true") throw new Error("the picker is not marked invalid");
        await h.check("assign-colleague-training");
      }

      // The question is the front desk's: moved to billing, then given to Tom at the front desk.
      await page.getByLabel("Move to").selectOption({ label: "Billing" });
      await page.getByRole("button", { name: "Move", exact: true }).click();
      await page.locator(".record-meta", { hasText: "Billing" }).waitFor();
      const desk = form.getByLabel("Colleague (front desk)");
      await desk.getByRole("option", { name: "Tom Becker" }).waitFor({ state: "attached" });
      await desk.selectOption({ label: "Tom Becker" });
      await form.getByRole("button", { name: "Assign", exact: true }).click();
      await form.getByRole("status").getByText("Assigned to Tom Becker.").waitFor();
      await page.locator(".record-meta", { hasText: "Assigned to Tom Becker" }).waitFor();
      await h.check("assign-colleague-done");
      await h.signOut();
    },
  },
];
