// Locking accounts (issue 21): the front desk locks a patient's portal account and her caregiver
// is refused at once (his view says the account is locked, with no way into her record); the
// front desk unlocks it and his access returns. Also the public "Not you? Lock your account"
// page of a sign-in notice (a link that does not work says so), and the administrators'
// authenticator column. See journeys.mjs for the shape of a journey and the harness.
//
// The journey makes its own patient and caregiver (newActivatedPatient and newCaregiver of
// journeys-account.mjs), so the demo's patients are never left locked for other journeys, and it
// passes on both screen sizes against one stack. If it fails half-way, the patient it locked is
// its own. (The demo's own walk-through, on Ana, is journeys-security-demo.mjs.)

import { newActivatedPatient, newCaregiver, otherDevice, signInAs } from "./journeys-account.mjs";
import { letterTag, mainNav, navLink } from "./journeys.mjs";

/** The caregiver signs in and finds the patient's record open to him. */
export async function caregiverHasAccess(h, caregiver) {
  const { page } = h;
  await signInAs(h, caregiver.email, caregiver.password);
  await page.getByRole("heading", { name: "Welcome", level: 1 }).waitFor();
  await navLink(page, "Health record").waitFor();
}

/**
 * On the staff patient page, the front desk locks the patient's account (suspected compromise,
 * with `note`): the reason is asked for first, then a confirmation says what locking does.
 * `label` names the screenshots.
 */
export async function lockPatientAccount(h, note, label) {
  const access = h.page.getByRole("region", { name: "Account access" });
  await access.getByText("The portal account is not locked.").waitFor();
  await access.getByRole("button", { name: "Lock the account…" }).click();
  await access.getByText("Choose why the account is locked.").waitFor();
  await access.getByLabel("Reason").selectOption("suspected-compromise");
  await access.getByLabel("Note (optional)").fill(note);
  await access.getByRole("button", { name: "Lock the account…" }).click();
  await access.getByText(/Their caregivers lose access to this patient's record too\./).waitFor();
  await h.check(`${label}-confirm`);
  await access.getByRole("button", { name: "Yes, lock the account" }).click();
  await access.getByText("The portal account is locked.").waitFor();
  await access.getByText("Reason: Suspected compromise (someone else may be using it)").waitFor();
  await h.check(`${label}-locked`);
}

/** The front desk signs in, unlocks the patient's account from her page with `note`, and signs out. */
export async function unlockPatientAccount(h, patientId, note, label) {
  await h.signIn("frontdesk", `/staff/patients/${patientId}`);
  const access = h.page.getByRole("region", { name: "Account access" });
  await access.getByText("The portal account is locked.").waitFor();
  await access.getByLabel("Note (optional)").fill(note);
  await access.getByRole("button", { name: "Unlock the account" }).click();
  await access.getByText("The account is unlocked. The account holder can sign in again.").waitFor();
  await h.check(label);
  await h.signOut();
}

export const journeys = [
  {
    slug: "locks-patient",
    name: "the front desk locks a patient's account, her caregiver is refused at once, and unlocking gives his access back",
    async run(h) {
      const { page } = h;
      const family = `Vale${letterTag().replace(/^./, (c) => c.toUpperCase())}`;
      const patient = await newActivatedPatient(h, "Iris", family, "1979-06-01");
      const caregiver = await newCaregiver(h, patient, "Teo", family);
      await caregiverHasAccess(h, caregiver);
      await h.signOut();

      // Her son stays signed in on his own device (a second browser context) while the desk locks.
      const { device, page: his } = await otherDevice(h, caregiver);

      // The front desk locks her account: a reason, and a confirmation that says what it does.
      await h.signIn("frontdesk", `/staff/patients/${patient.patientId}`);
      await page.getByRole("heading", { name: `Iris ${family}`, level: 1 }).waitFor();
      // Her son's account is in her care circle, not locked.
      const circle = page.getByRole("region", { name: "Parents and guardians" });
      await circle.getByRole("group", { name: `Portal account of Teo ${family}` }).getByText("Not locked").waitFor();
      await lockPatientAccount(h, "She called: a sign-in she did not make.", "locks-patient");
      await h.signOut();

      try {
        // On his device, signed in before the lock: the next page of her record is refused at once,
        // said in the problem's words (not "Not found").
        await navLink(his, "Health record").click();
        await his.getByRole("alert").getByText("This account is locked").first().waitFor();
        await device.close();

        // Signing in again: the patient is shown as locked, with no way into her record.
        await signInAs(h, caregiver.email, caregiver.password);
        await page.getByRole("heading", { name: `Iris ${family}'s account is locked`, level: 1 }).waitFor();
        const links = await mainNav(page).getByRole("link").allTextContents();
        if (links.some((l) => /Health record|Messages|Appointments/.test(l))) throw new Error(`a locked patient's record is still offered: ${links}`);
        await h.check("locks-caregiver-refused");
        // Her record's address too: refused.
        await page.evaluate((to) => {
          history.pushState(null, "", to);
          dispatchEvent(new PopStateEvent("popstate"));
        }, `/p/${patient.patientId}/records`);
        await page.getByRole("heading", { name: `Iris ${family}'s account is locked`, level: 1 }).waitFor();
        await h.signOut();
      } finally {
        await device.close().catch(() => {});
        // Unlocked again, whatever happened above: her caregiver's access returns.
        await unlockPatientAccount(h, patient.patientId, "Identity checked at the desk; new password chosen.", "locks-patient-unlocked");
      }
      await caregiverHasAccess(h, caregiver);
      await h.check("locks-caregiver-back");
      await h.signOut();

      // The patient signs in again too.
      await signInAs(h, patient.email, patient.password);
      await page.getByRole("heading", { name: "Welcome", level: 1 }).waitFor();
    },
  },
  {
    slug: "locks-link",
    name: "the lock-your-account link of a sign-in notice explains what it does, and a link that does not work says so",
    async run(h) {
      const { page } = h;
      await page.goto(h.url("/lock?token=not-a-real-token"));
      await page.getByRole("heading", { name: "Lock your account", level: 1 }).waitFor();
      // The token is out of the address at once.
      await page.waitForURL((url) => url.pathname === "/lock" && url.search === "");
      await page.getByText("stops the caregivers who act for you from seeing your record.").waitFor();
      await h.check("lock-link");
      await page.getByRole("button", { name: "Lock my account" }).click();
      await page.getByRole("alert").getByText(/This link does not work\./).waitFor();
      await h.check("lock-link-invalid");
    },
  },
  {
    slug: "locks-admin-mfa",
    name: "an administrator sees which staff members have set up an authenticator app",
    async run(h) {
      const { page } = h;
      await h.signIn("admin");
      await page.getByRole("heading", { name: "Staff accounts" }).waitFor();
      await page.getByRole("columnheader", { name: "Authenticator" }).waitFor();
      await page.getByRole("cell", { name: /^(Set up|Not set up)$/ }).first().waitFor();
      await h.check("admin-staff-mfa");
    },
  },
  {
    slug: "locks-caregiver-mfa",
    name: "a caregiver who lost his authenticator app is reset by the front desk and signs in with his password alone",
    async run(h) {
      const { page } = h;
      // Imported here: the security journeys' helpers (this file's imports are shared with others).
      const { enrolAuthenticator } = await import("./journeys-security.mjs");
      const family = `Mora${letterTag().replace(/^./, (c) => c.toUpperCase())}`;
      const patient = await newActivatedPatient(h, "Lucia", family, "1971-02-14");
      const caregiver = await newCaregiver(h, patient, "Hugo", family);

      // He sets up an authenticator app; then the phone (and his backup codes) are lost.
      await signInAs(h, caregiver.email, caregiver.password);
      await page.getByRole("link", { name: "Account security" }).click();
      await page.getByRole("heading", { name: "Account security", level: 1 }).waitFor();
      await enrolAuthenticator(h, "locks-caregiver-mfa");
      await page.getByText("Your authenticator app is set up.").waitFor();
      await h.signOut();

      // The front desk checks who he is, then resets it from his account in her care circle.
      await h.signIn("frontdesk", `/staff/patients/${patient.patientId}`);
      await page.getByRole("heading", { name: `Lucia ${family}`, level: 1 }).waitFor();
      const account = page
        .getByRole("region", { name: "Parents and guardians" })
        .getByRole("group", { name: `Portal account of Hugo ${family}` });
      await account.getByRole("button", { name: "Reset authenticator app" }).click();
      await account.getByText(`Do this only after checking it is really Hugo ${family} asking`, { exact: false }).waitFor();
      await h.check("locks-caregiver-mfa-confirm");
      await account.getByRole("button", { name: "Yes, reset it" }).click();
      await account.getByText(`The authenticator app of Hugo ${family} is turned off.`, { exact: false }).waitFor();
      await h.check("locks-caregiver-mfa-done");
      await h.signOut();

      // His password alone signs him in again, and her record is still open to him.
      await caregiverHasAccess(h, caregiver);
      await page.getByRole("link", { name: "Account security" }).click();
      await page.getByText("Off: signing in asks for your password only.").waitFor();
    },
  },
];
