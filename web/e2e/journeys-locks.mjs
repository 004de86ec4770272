// Locking accounts (issue 21): the front desk locks a patient's portal account and her caregiver
// is refused at once (his view says the account is locked, with no way into her record); the
// front desk unlocks it and his access returns. Also the public "Not you? Lock your account"
// page of a sign-in notice (a link that does not work says so), and the administrators'
// authenticator column. See journeys.mjs for the shape of a journey and the harness.
//
// The journey makes its own patient and caregiver (registered, activated and invited here), so
// the demo's patients are never left locked for other journeys, and it passes on both screen
// sizes against one stack. If it fails half-way, the patient it locked is its own.

import { letterTag, nav } from "./journeys.mjs";

/** The front desk registers a patient and issues her code; she activates with her own email and password. */
async function newPatient(h, given, family, birthDate) {
  const { page } = h;
  await h.signIn("frontdesk");
  await nav(h, "Register a patient");
  await page.getByLabel("Given name").fill(given);
  await page.getByLabel("Family name").fill(family);
  await page.getByLabel("Date of birth").fill(birthDate);
  await page.getByRole("button", { name: "Register a patient" }).click();
  await page.getByRole("button", { name: "Issue an activation code" }).click();
  const shown = await page.getByText(/Activation code \(shown only once\):/).textContent();
  const code = shown?.split(": ").pop()?.trim();
  if (!code) throw new Error(`no code in ${shown}`);
  const href = await page.getByRole("link", { name: "Open the patient's page" }).getAttribute("href");
  const patientId = href?.split("/").pop();
  if (!patientId) throw new Error(`no patient page link: ${href}`);
  await h.signOut();

  const email = `${given.toLowerCase()}.${h.size}.${Date.now()}@example.org`;
  const password = "Locks-Portal-2026!";
  await page.getByRole("link", { name: "First time here? Activate your account" }).click();
  await page.getByLabel("Activation code").fill(code);
  await page.getByLabel("Date of birth").fill(birthDate);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Choose a password").fill(password);
  await page.getByRole("button", { name: "Activate" }).click();
  await page.getByText("Your account is active").waitFor();
  await page.getByRole("link", { name: "Sign in" }).click();
  return { patientId, email, password };
}

/** Signs in with an email and password typed in, and waits for the signed-in app. */
async function signInAs(h, email, password) {
  const { page } = h;
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

/** The patient invites a caregiver from her care circle; he accepts with a new account. */
async function newCaregiver(h, patient, given, family) {
  const { page } = h;
  await signInAs(h, patient.email, patient.password);
  await nav(h, "Profile");
  await page.getByRole("link", { name: "Care circle" }).click();
  const email = `${given.toLowerCase()}.${h.size}.${Date.now()}@example.org`;
  await page.getByLabel("Their email").fill(email);
  await page.getByLabel("Their name").fill(`${given} ${family}`);
  await page.getByLabel("Relationship").fill("son");
  await page.getByRole("button", { name: "Send invitation" }).click();
  const shown = await page.getByText(/it is shown only once\):/).textContent();
  const code = shown?.split(": ").pop()?.trim();
  if (!code) throw new Error(`no invitation code in ${shown}`);
  await h.signOut();

  const password = "Locks-Caregiver-2026!";
  await page.getByRole("link", { name: "Invited by a patient? Accept the invitation" }).click();
  await page.getByLabel("Invitation code").fill(code);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Your given name").fill(given);
  await page.getByLabel("Your family name").fill(family);
  await page.getByLabel("Password (new, or your existing one)").fill(password);
  await page.getByRole("button", { name: "Accept" }).click();
  await page.getByText("You can now act for the patient").waitFor();
  await page.getByRole("link", { name: "Sign in" }).click();
  return { email, password };
}

/** The caregiver signs in and finds the patient's record open to him. */
async function caregiverHasAccess(h, caregiver) {
  const { page } = h;
  await signInAs(h, caregiver.email, caregiver.password);
  await page.getByRole("heading", { name: "Welcome", level: 1 }).waitFor();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Health record", exact: true }).waitFor();
}

export const journeys = [
  {
    slug: "locks-patient",
    name: "the front desk locks a patient's account, her caregiver is refused at once, and unlocking gives his access back",
    async run(h) {
      const { page } = h;
      const family = `Vale${letterTag().replace(/^./, (c) => c.toUpperCase())}`;
      const patient = await newPatient(h, "Iris", family, "1979-06-01");
      const caregiver = await newCaregiver(h, patient, "Teo", family);
      await caregiverHasAccess(h, caregiver);
      await h.signOut();

      // Her son stays signed in on his own device (a second browser context) while the desk locks.
      const device = await page.context().browser().newContext({ viewport: page.viewportSize() });
      const his = await device.newPage();
      await his.goto(h.url("/"));
      await signInAs({ page: his }, caregiver.email, caregiver.password);
      await his.getByRole("heading", { name: "Welcome", level: 1 }).waitFor();

      // The front desk locks her account: a reason, and a confirmation that says what it does.
      await h.signIn("frontdesk", `/staff/patients/${patient.patientId}`);
      await page.getByRole("heading", { name: `Iris ${family}`, level: 1 }).waitFor();
      const access = page.getByRole("region", { name: "Account access" });
      await access.getByText("The portal account is not locked.").waitFor();
      // Her son's account is in her care circle, not locked.
      const circle = page.getByRole("region", { name: "Parents and guardians" });
      await circle.getByRole("group", { name: `Portal account of Teo ${family}` }).getByText("Not locked").waitFor();
      await access.getByRole("button", { name: "Lock the account…" }).click();
      await access.getByText("Choose why the account is locked.").waitFor();
      await access.getByLabel("Reason").selectOption("suspected-compromise");
      await access.getByLabel("Note (optional)").fill("She called: a sign-in she did not make.");
      await access.getByRole("button", { name: "Lock the account…" }).click();
      await access.getByText(/Their caregivers lose access to this patient's record too\./).waitFor();
      await h.check("locks-confirm");
      await access.getByRole("button", { name: "Yes, lock the account" }).click();
      await access.getByText("The portal account is locked.").waitFor();
      await access.getByText("Reason: Suspected compromise (someone else may be using it)").waitFor();
      await h.check("locks-patient-locked");
      await h.signOut();

      try {
        // On his device, signed in before the lock: the next page of her record is refused at once,
        // said in the problem's words (not "Not found").
        await his.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Health record", exact: true }).click();
        await his.getByRole("alert").getByText("This account is locked").first().waitFor();
        await device.close();

        // Signing in again: the patient is shown as locked, with no way into her record.
        await signInAs(h, caregiver.email, caregiver.password);
        await page.getByRole("heading", { name: `Iris ${family}'s account is locked`, level: 1 }).waitFor();
        const links = await page.getByRole("navigation", { name: "Main" }).getByRole("link").allTextContents();
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
        await h.signIn("frontdesk", `/staff/patients/${patient.patientId}`);
        const again = page.getByRole("region", { name: "Account access" });
        await again.getByText("The portal account is locked.").waitFor();
        await again.getByLabel("Note (optional)").fill("Identity checked at the desk; new password chosen.");
        await again.getByRole("button", { name: "Unlock the account" }).click();
        await again.getByText("The account is unlocked. The account holder can sign in again.").waitFor();
        await h.check("locks-patient-unlocked");
        await h.signOut();
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
];
