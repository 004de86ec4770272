// Account security journeys (issue 21): a patient sets up an authenticator app from the page,
// reading the setup key off the screen and computing the codes as the app would (RFC 6238),
// signs in with a code, then once with a backup code (which turns the app off); a new staff
// member must set one up before reaching the inbox.
//
// The patient is a new one (newActivatedPatient), so the demo's patients keep signing in with
// a password only (journeys-security-demo.mjs walks the demo on them, and undoes it). The staff member's invitation password is set on the emulator, as the
// account journeys do (journeys-account.mjs explains why).

import { createHmac } from "node:crypto";
import { cognito, newActivatedPatient, signInAs } from "./journeys-account.mjs";
import { mainNav } from "./journeys.mjs";

/** RFC 4648 base32 (the setup key) to bytes. */
function base32Bytes(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of text.replace(/=+$/, "").toUpperCase()) {
    const v = alphabet.indexOf(c);
    if (v < 0) throw new Error(`not base32: ${c}`);
    bits += v.toString(2).padStart(5, "0");
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** The authenticator app's code now (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits). */
export function totp(secret, at = Date.now()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const mac = createHmac("sha1", base32Bytes(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

/**
 * Sets up an authenticator app from the screen showing the "Set up" button (the account
 * security page, or the staff enrolment screen): the key read off the page, a computed code,
 * the ten backup codes saved. Returns the key and the codes.
 */
export async function enrolAuthenticator(h, label) {
  const { page } = h;
  await page.getByRole("button", { name: "Set up an authenticator app" }).click();
  await page.getByRole("img", { name: /QR code for your authenticator app/ }).waitFor();
  const secret = (await page.locator("code.setup-key").textContent())?.replace(/\s/g, "");
  if (!secret) throw new Error("no setup key on the page");
  await h.check(`${label}-scan`);
  await page.getByLabel("Six-digit code").fill(totp(secret));
  await page.getByRole("button", { name: "Turn on" }).click();
  const list = page.getByRole("list", { name: "Backup codes" });
  await list.waitFor();
  const codes = (await list.getByRole("listitem").allTextContents()).map((c) => c.trim());
  if (codes.length !== 10 || codes.some((c) => !/^[A-Z0-9]{4}-[A-Z0-9]{4}$/.test(c))) throw new Error(`backup codes: ${codes}`);
  await h.check(`${label}-codes`);
  await page.getByLabel("I have saved my backup codes").check();
  await page.getByRole("button", { name: "Done" }).click();
  return { secret, codes };
}

/** The staff set-up screen after signing in without an app: none of the staff work is offered yet. */
export async function atSetUpGate(page) {
  await page.getByRole("heading", { name: "Set up an authenticator app to continue", level: 1 }).waitFor();
  if (await mainNav(page).count()) throw new Error("the navigation shows before enrolment");
}

/** Signs in with the password and then the authenticator app's code. */
export async function signInWithCode(h, email, password, secret) {
  const { page } = h;
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Enter the code from your authenticator app" }).waitFor();
  await page.getByLabel("Six-digit code").fill(totp(secret));
  await page.getByRole("button", { name: "Verify" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

export const journeys = [
  {
    slug: "security-patient-authenticator",
    name: "a patient sets up an authenticator app, signs in with its code, then once with a backup code",
    async run(h) {
      const { page } = h;
      const { email, password } = await newActivatedPatient(h, "Iris", "Navarro", "1990-06-21");
      await signInAs(h, email, password);
      await page.getByRole("heading", { name: "Welcome" }).waitFor();

      await page.getByRole("link", { name: "Account security" }).click();
      await page.getByRole("heading", { name: "Account security", level: 1 }).waitFor();
      await page.getByText("Off: signing in asks for your password only.").waitFor();
      await h.check("security-off");
      const { secret, codes } = await enrolAuthenticator(h, "security-patient");
      await page.getByText("Your authenticator app is set up.").waitFor();
      await page.getByText("Backup codes left: 10").waitFor();
      await h.check("security-on");
      await h.signOut();

      // The password alone no longer signs her in: the app's code is asked for, and answers.
      await signInWithCode(h, email, password, secret);
      await page.getByRole("heading", { name: "Welcome" }).waitFor();
      await h.signOut();

      // Lost phone: a backup code signs her in once, and turns the app off.
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("button", { name: "Use a backup code instead" }).click();
      await page.getByRole("heading", { name: "Sign in with a backup code" }).waitFor();
      await page.getByLabel("Password").fill(password);
      await page.getByLabel("Backup code").fill(codes[0]);
      await h.check("security-backup-code");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { name: "Your authenticator app is turned off" }).waitFor();
      await h.check("security-backup-done");
      await page.getByRole("link", { name: "Set up an authenticator app again" }).click();
      await page.getByRole("heading", { name: "Account security", level: 1 }).waitFor();
      await page.getByText("Off: signing in asks for your password only.").waitFor();
      await h.signOut();

      // The password alone signs her in again.
      await signInAs(h, email, password);
      await page.getByRole("heading", { name: "Welcome" }).waitFor();
    },
  },
  {
    slug: "security-staff-enrol-first",
    name: "a new clinician sets up an authenticator app before reaching the inbox",
    async run(h) {
      const { page } = h;
      await h.signIn("admin");
      await page.getByRole("heading", { name: "Staff accounts" }).waitFor();
      const email = `lena.park.${h.size}.${Date.now()}@example.org`;
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Given name").fill("Lena");
      await page.getByLabel("Family name").fill("Park");
      await page.getByRole("button", { name: "Create account" }).click();
      await page.getByText(`Invitation sent to ${email}.`).waitFor();
      await h.signOut();

      const password = "Lena-Park-Portal-2026!";
      await cognito(h, "AdminSetUserPassword", { UserPoolId: h.stack.userPoolId, Username: email, Password: password, Permanent: true });
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await atSetUpGate(page);
      await h.check("security-staff-gate");
      const { secret } = await enrolAuthenticator(h, "security-staff");
      await page.getByRole("heading", { name: "Inbox", level: 1 }).waitFor();
      await h.check("security-staff-inbox");
      await h.signOut();

      // From now on her sign-in asks for the app's code, and goes straight to the inbox.
      await signInWithCode(h, email, password, secret);
      await page.getByRole("heading", { name: "Inbox", level: 1 }).waitFor();
    },
  },
];
