// Account journeys (issue 13): a patient who forgot her password resets it with the emailed
// code; a new staff member signs in for the first time with the temporary password of the
// invitation and chooses their own; a patient on the waitlist accepts the earlier time a
// cancellation freed.
//
// Two emails stand in: Cognito sends the reset code and the invitation's temporary password
// itself, and the local stack's Cognito (moto) sends no email at all. So, as the API tests do
// (tests/tests/api/auth/sign_in.rs, tests/tests/api/staff/accounts.rs), the journeys take them
// from the emulator: the reset code moto generated and keeps on the account (moto checks a code
// of its own format, so a wrong one is refused), and a temporary password set on the account
// (moto's AdminCreateUser without one leaves the account with none). Everything else is the
// browser.

import { daysAhead, nav, navLink } from "./journeys.mjs";
import { atSetUpGate, enrolAuthenticator, signInWithCode } from "./journeys-security.mjs";

/** The emulator's account for `email` in the stack's user pool (moto's own view of it). */
async function emulatorAccount(h, email) {
  const response = await fetch(`${h.stack.awsEndpoint}/moto-api/data.json`);
  if (!response.ok) throw new Error(`the emulator's data: ${response.status}`);
  const data = await response.json();
  const users = data.cognitoidp?.CognitoIdpUser ?? [];
  return users.find(
    (u) =>
      u.user_pool_id === h.stack.userPoolId &&
      (u.attributes ?? []).some((a) => a.Name === "email" && String(a.Value).toLowerCase() === email.toLowerCase()),
  );
}

/** The reset code "emailed" to `email`: the one moto generated for its last ForgotPassword. */
async function resetCode(h, email) {
  const until = Date.now() + 15_000;
  for (;;) {
    const code = (await emulatorAccount(h, email))?.confirmation_code;
    if (code) return code;
    if (Date.now() > until) throw new Error(`no reset code for ${email} on the emulator`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** One Cognito call on the emulator (moto checks no signature). */
export async function cognito(h, action, body) {
  const response = await fetch(h.stack.awsEndpoint, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": `AWSCognitoIdentityProviderService.${action}`,
      Authorization: `AWS4-HMAC-SHA256 Credential=e2e/20260101/${h.stack.region}/cognito-idp/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${action}: ${response.status} ${await response.text()}`);
}

/**
 * The front desk registers a patient and issues her code; she activates with her own email and
 * password, and the page is left on the sign-in form. Returns her patient id, email and password.
 */
export async function newActivatedPatient(h, given, family, birthDate) {
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
  const password = "First-Portal-2026!";
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
export async function signInAs(h, email, password) {
  const { page } = h;
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

/**
 * The account signed in on a device of its own (a second browser context at the same screen
 * size), on its home page; returns { device, page }. Close the device when done.
 */
export async function otherDevice(h, account) {
  const device = await h.page.context().browser().newContext({ viewport: h.page.viewportSize() });
  const page = await device.newPage();
  await page.goto(h.url("/"));
  await signInAs({ page }, account.email, account.password);
  await page.getByRole("heading", { name: "Welcome", level: 1 }).waitFor();
  return { device, page };
}

/**
 * The patient invites a caregiver from her care circle; he accepts with a new account, and the
 * page is left on the sign-in form. Returns his email and password.
 */
export async function newCaregiver(h, patient, given, family) {
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

  const password = "Caregiver-Portal-2026!";
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

/** The field's error, shown next to it (named by its aria-describedby). */
async function fieldError(page, label, expected) {
  const field = page.getByLabel(label, { exact: true });
  await page.locator(".field-error").filter({ hasText: expected }).waitFor();
  if ((await field.getAttribute("aria-invalid")) !== "true") throw new Error(`${label} is not marked invalid`);
  const described = await field.getAttribute("aria-describedby");
  const text = described ? await page.locator(`[id="${described.split(" ").pop()}"]`).textContent() : "";
  if (!expected.test(text ?? "")) throw new Error(`${label}: the error next to it reads "${text}"`);
}

export const journeys = [
  {
    slug: "account-forgot-password",
    name: "a patient who forgot her password resets it with the emailed code and signs in with the new one",
    async run(h) {
      const { page } = h;
      const { email, password } = await newActivatedPatient(h, "Lena", "Morales", "1988-02-14");
      await page.getByRole("link", { name: "Forgot your password?" }).click();
      await page.getByRole("heading", { name: "Reset your password" }).waitFor();
      await page.getByLabel("Email").fill(email);
      await h.check("forgot-email");
      await page.getByRole("button", { name: "Send the code" }).click();
      await page.getByLabel("Code from the email").waitFor();

      // A code that is not the one sent is refused, next to the code.
      const newPassword = "Remembered-Now-2026!";
      await page.getByLabel("Code from the email").fill("moto-confirmation-code:000000");
      await page.getByLabel("New password").fill(newPassword);
      await page.getByRole("button", { name: "Set the new password" }).click();
      await fieldError(page, "Code from the email", /wrong or has expired/);
      await h.check("forgot-wrong-code");

      await page.getByLabel("Code from the email").fill(await resetCode(h, email));
      await page.getByRole("button", { name: "Set the new password" }).click();
      await page.getByText("Your password is changed. You can sign in now.").waitFor();
      await h.check("forgot-done");
      await page.getByRole("link", { name: "Sign in" }).click();

      // The old password no longer signs her in; the new one does.
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("alert").waitFor();
      await signInAs(h, email, newPassword);
      await page.getByRole("heading", { name: "Welcome" }).waitFor();
    },
  },
  {
    slug: "account-staff-first-sign-in",
    name: "a new staff member signs in with the invitation's temporary password and chooses their own",
    async run(h) {
      const { page } = h;
      await h.signIn("admin");
      await page.getByRole("heading", { name: "Staff accounts" }).waitFor();
      const email = `malik.${h.size}.${Date.now()}@example.org`;
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Given name").fill("Malik");
      await page.getByLabel("Family name").fill("Osei");
      await page.getByRole("checkbox", { name: "Clinician" }).uncheck();
      await page.getByRole("checkbox", { name: "Front desk" }).check();
      await page.getByRole("button", { name: "Create account" }).click();
      await page.getByText(`Invitation sent to ${email}.`).waitFor();
      await h.signOut();

      // The invitation's temporary password (Cognito emails it; see the comment at the top).
      const temporary = "Temporary-Pass-2026!";
      await cognito(h, "AdminSetUserPassword", { UserPoolId: h.stack.userPoolId, Username: email, Password: temporary, Permanent: false });

      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(temporary);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { name: "Choose a new password" }).waitFor();
      // Below the policy: said next to the field, and the challenge can still be answered.
      await page.getByLabel("New password").fill("short");
      await page.getByRole("button", { name: "Save password" }).click();
      await page.locator(".field-error").first().waitFor();
      if ((await page.getByLabel("New password").getAttribute("aria-invalid")) !== "true") {
        throw new Error("the weak password's error is not on the field");
      }
      await h.check("staff-new-password");
      const chosen = "Chosen-By-Malik-2026!";
      await page.getByLabel("New password").fill(chosen);
      await page.getByRole("button", { name: "Save password" }).click();
      // Staff set up an authenticator app before anything else (issue 21).
      await atSetUpGate(page);
      const { secret } = await enrolAuthenticator(h, "staff-first");
      await page.getByRole("button", { name: "Sign out" }).waitFor();
      await navLink(page, "Day view").waitFor();
      await h.check("staff-first-home");
      await h.signOut();

      // From now on the chosen password and the app's code sign them in.
      await signInWithCode(h, email, chosen, secret);
      await navLink(page, "Day view").waitFor();
    },
  },
  {
    slug: "account-waitlist-offer",
    name: "a patient on the waitlist takes the earlier time another patient's cancellation freed",
    async run(h) {
      const { page } = h;
      // Telehealth visits with Dr. Adeyemi: no other journey books them, so the line for them
      // holds only this journey's patients (the patient journey waits for a follow-up).
      const provider = "Dr. Grace Adeyemi";
      const book = async (fromDay, reason) => {
        await nav(h, "Appointments");
        await page.getByRole("link", { name: "Book a visit" }).click();
        await page.getByRole("radio", { name: new RegExp(provider.replace(".", "\\.")) }).check();
        await page.getByLabel("Type of visit").selectOption("telehealth");
        await page.getByLabel("Show open times from").fill(fromDay);
        const slot = page.locator(".slot").first();
        await slot.locator('input[name="slot"]').check();
        const when = (await slot.locator("label").textContent())?.trim();
        await page.getByLabel("Reason for the visit").fill(reason);
        await page.getByRole("button", { name: "Book this time" }).click();
        await page.getByRole("heading", { name: "Appointments", level: 1 }).waitFor();
        const card = page.locator("li.card", { hasText: `${when} with ${provider}` });
        await card.waitFor();
        return { when, card };
      };

      // Mei books a telehealth visit a week out and asks for an earlier time.
      await h.signIn("patient3");
      const later = await book(daysAhead(7), "Questions about my results");
      await later.card.getByRole("button", { name: "Ask for an earlier time" }).click();
      await later.card.getByText("On the waitlist for an earlier time").waitFor();
      await h.signOut();

      // Samuel books an earlier one (online changes stop 24 hours before a visit: two days out),
      // then cancels it: the freed time is offered to the first patient waiting for it.
      await h.signIn("patient2");
      const earlier = await book(daysAhead(2), "Follow-up call");
      await earlier.card.getByRole("button", { name: "Cancel visit" }).click();
      await earlier.card.waitFor({ state: "detached" });
      await h.signOut();

      await h.signIn("patient3");
      await nav(h, "Appointments");
      const offered = page.locator("li.card", { hasText: `${later.when} with ${provider}` });
      const offer = offered.getByText(`An earlier time is held for you: ${earlier.when}`, { exact: false });
      await offer.waitFor();
      await h.check("waitlist-offer");
      await offered.getByRole("button", { name: "Take the earlier time" }).click();
      const moved = page.locator("li.card", { hasText: `${earlier.when} with ${provider}` });
      await moved.waitFor();
      if (await page.locator("li.card", { hasText: `${later.when} with ${provider}` }).count()) {
        throw new Error(`the visit at ${later.when} is still listed after taking the earlier time`);
      }
      await h.check("waitlist-accepted");
    },
  },
];
