// The demo of issue 21 ("Done when"), walked on the demo practice's own people: Dr. Omar Farouk
// (`unenrolled`) must set up an authenticator app before he reaches the inbox; Ana Lopez
// (`patient1`) sets one up and signs in with it; the front desk locks Ana's account and her son
// Sam (`caregiver`), signed in on his own device, is refused at once.
//
// Other journeys sign in as Ana and Sam with a password only (h.signIn has no code for them), and
// the seed's Omar has no app (the README sends readers to his set-up screen). So the journey undoes
// all it changed before it ends, through the screens as the practice would: the front desk
// unlocks Ana, Ana removes her app, an administrator resets Omar's.
// If a step fails half-way, the same is undone through the API, so the other journeys (and this
// one at the other screen size) find them as seeded, whatever the order they run in.

import { otherDevice } from "./journeys-account.mjs";
import { caregiverHasAccess, lockPatientAccount, unlockPatientAccount } from "./journeys-locks.mjs";
import { atSetUpGate, enrolAuthenticator, signInWithCode } from "./journeys-security.mjs";
import { navLink } from "./journeys.mjs";

// Ana's given name may have been changed by the patient journey ("Ana Sofia"); her family name stays.
const anaOnStaffPage = /^Ana\b.*\bLopez$/;
const anaLocked = /Lopez's account is locked$/;

/** A POST through the API as a demo user; `allowed` lists the statuses besides 2xx that are fine. */
async function post(h, role, path, allowed = []) {
  const response = await fetch(`${h.apiUrl}${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${await h.apiToken(role)}` },
  });
  if (!response.ok && !allowed.includes(response.status)) throw new Error(`POST ${path}: ${response.status}`);
}

/** Ana and Omar as seeded again (unlocked, no app each), through the API: the clean-up of a failed run. */
async function asSeeded(h) {
  const ana = h.user("patient1");
  // 409: she is not locked.
  await post(h, "frontdesk", `/staff/patients/${ana.patientId}/unlock`, [409]);
  await post(h, "frontdesk", `/staff/patients/${ana.patientId}/mfa/reset`);
  await post(h, "admin", `/admin/staff/${h.user("unenrolled").sub}/mfa/reset`);
}

export const journeys = [
  {
    slug: "security-demo",
    name: "the demo: a clinician sets up an app before the inbox, Ana sets one up and signs in with it, the desk locks her and her son is refused",
    async run(h) {
      const { page } = h;
      const ana = h.user("patient1");
      const sam = h.user("caregiver");
      let undone = false;
      try {
        // Omar, a clinician with no authenticator app, is shown nothing of his work until he sets one up.
        await h.signIn("unenrolled");
        await atSetUpGate(page);
        await h.check("demo-clinician-gate");
        await enrolAuthenticator(h, "demo-clinician");
        await page.getByRole("heading", { name: "Inbox", level: 1 }).waitFor();
        await h.check("demo-clinician-inbox");
        await h.signOut();

        // Ana sets up an app from Account security, then signs in with her password and its code.
        await h.signIn("patient1");
        await page.getByRole("link", { name: "Account security" }).click();
        await page.getByRole("heading", { name: "Account security", level: 1 }).waitFor();
        await page.getByText("Off: signing in asks for your password only.").waitFor();
        const { secret } = await enrolAuthenticator(h, "demo-ana");
        await page.getByText("Your authenticator app is set up.").waitFor();
        await h.signOut();
        await signInWithCode(h, ana.email, ana.password, secret);
        await page.getByRole("heading", { name: "Welcome", level: 1 }).waitFor();
        await h.check("demo-ana-signed-in");
        await h.signOut();

        // Sam, her son, is signed in on his phone while the front desk locks her account.
        const { device, page: his } = await otherDevice(h, sam);
        try {
          await h.signIn("frontdesk", `/staff/patients/${ana.patientId}`);
          await page.getByRole("heading", { name: anaOnStaffPage, level: 1 }).waitFor();
          await lockPatientAccount(h, "She called: a sign-in she did not make.", "demo-lock");
          await h.signOut();

          // His next page of her record is refused at once; signing in again, she shows as locked.
          await navLink(his, "Health record").click();
          await his.getByRole("alert").getByText("This account is locked").first().waitFor();
        } finally {
          await device.close();
        }
        await h.signIn("caregiver");
        await page.getByRole("heading", { name: anaLocked, level: 1 }).waitFor();
        await h.check("demo-son-refused");
        await h.signOut();

        // Undone as the practice would: the desk unlocks her (Sam's access returns), she removes
        // her app, an administrator resets Omar's.
        await unlockPatientAccount(h, ana.patientId, "Identity checked at the desk.", "demo-unlocked");
        await caregiverHasAccess(h, sam);
        await h.signOut();
        await signInWithCode(h, ana.email, ana.password, secret);
        await page.getByRole("link", { name: "Account security" }).click();
        await page.getByRole("button", { name: "Remove the authenticator app" }).click();
        await page.getByRole("button", { name: "Yes, remove it" }).click();
        await page.getByText("The authenticator app is removed.").waitFor();
        await page.getByText("Off: signing in asks for your password only.").waitFor();
        await h.signOut();
        await h.signIn("admin");
        await page.getByRole("heading", { name: "Staff accounts" }).waitFor();
        await page.getByRole("button", { name: /^Reset authenticator\W+Omar Farouk$/ }).click();
        await page.getByRole("button", { name: "Yes, reset it" }).click();
        await page.getByText("The authenticator of Omar Farouk is reset.", { exact: false }).waitFor();
        await page.getByRole("row", { name: /Omar Farouk/ }).getByRole("cell", { name: "Not set up", exact: true }).waitFor();
        await h.signOut();

        // As seeded again: Ana's password alone signs her in.
        await h.signIn("patient1");
        await page.getByRole("heading", { name: "Welcome", level: 1 }).waitFor();
        undone = true;
      } finally {
        if (!undone) await asSeeded(h).catch((e) => console.log(`  security-demo: the clean-up through the API failed: ${e}`));
      }
    },
  },
];
