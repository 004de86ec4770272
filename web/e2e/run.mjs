// End-to-end: starts the local stack with the demo practice (API and built web app on free
// ports), drives Debian's Chromium through the patient, clinician, front-desk and caregiver
// journeys at a phone size and a desktop size, runs axe-core on every page visited, saves
// screenshots to e2e/screenshots/ (not committed), and stops the stack.
//
// Needs: ../target/debug/portal-local (cargo build -p portal-local), dist/ (npm run build),
// /usr/bin/chromium. PORTAL_LOCAL overrides the binary's path; E2E_ONLY (a regular expression
// on the journeys' slugs) runs some of them.
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";
import { journeys } from "./journeys.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const web = resolve(here, "..");
const root = resolve(web, "..");
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const screenshots = join(here, "screenshots");
const binary = process.env.PORTAL_LOCAL ?? join(root, "target/debug/portal-local");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
/** Stops the stack when the runner itself is interrupted. */
const stopping = [];

function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

async function waitFor(check, what, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const value = await check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function startStack() {
  for (const [what, path] of [["portal-local", binary], ["the built app", join(web, "dist/index.html")], ["Chromium", CHROMIUM]]) {
    if (!existsSync(path)) throw new Error(`${what} is missing: ${path}`);
  }
  const [apiPort, webPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), "portal-e2e-"));
  const stackFile = join(dir, "stack.json");
  const log = [];
  const child = spawn(
    binary,
    ["up", "--seed", "demo", "--port", String(apiPort), "--web-port", String(webPort), "--web-dir", join(web, "dist"),
      "--stack-file", stackFile, "--prefix", `e2e${Date.now().toString(36)}`,
      // A switch change (the kill switch journey) shows within a second, not a minute.
      "--parameter", "FeatureSwitchRefreshSeconds=1"],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? "warn" } },
  );
  for (const stream of [child.stdout, child.stderr]) stream.on("data", (d) => log.push(String(d)));
  const exited = new Promise((r) => child.once("exit", (code) => r(code)));
  stopping.push(() => child.kill("SIGTERM"));
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`the local stack exited (${child.exitCode}):\n${log.join("")}`);
      return existsSync(stackFile);
    }, "the local stack and its demo data", 8 * 60_000);
  } catch (error) {
    child.kill("SIGTERM");
    throw error;
  }
  const stack = JSON.parse(readFileSync(stackFile, "utf8"));
  return {
    stack,
    webUrl: `http://127.0.0.1:${webPort}`,
    log,
    async stop() {
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const VIEWPORTS = [
  { name: "phone", viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true },
  { name: "desktop", viewport: { width: 1280, height: 800 } },
];

async function main() {
  rmSync(screenshots, { recursive: true, force: true });
  mkdirSync(screenshots, { recursive: true });
  const started = Date.now();
  const local = await startStack();
  console.log(`local stack up in ${Math.round((Date.now() - started) / 1000)} s: ${local.webUrl}`);
  let passed = 0;
  let failed = 0;
  let browser;
  try {
    // Playwright gives the browser a fresh, empty profile directory of its own (--user-data-dir).
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
      ],
    });
    // E2E_ONLY=<regular expression> runs the journeys whose slug it matches (all by default).
    const only = process.env.E2E_ONLY ? new RegExp(process.env.E2E_ONLY) : null;
    const chosen = journeys.filter((j) => !only || only.test(j.slug));
    if (!chosen.length) throw new Error(`no journey matches E2E_ONLY=${process.env.E2E_ONLY}`);
    for (const size of VIEWPORTS) {
      for (const journey of chosen) {
        const context = await browser.newContext({ viewport: size.viewport, isMobile: size.isMobile, hasTouch: size.hasTouch });
        const page = await context.newPage();
        const problems = [];
        page.on("console", (m) => {
          if (m.type() === "error" && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) {
            problems.push(`console: ${m.text()}`);
          }
        });
        page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
        const name = `${size.name}: ${journey.name}`;
        const t0 = Date.now();
        try {
          await journey.run(harness(page, local, size.name, problems));
          if (problems.length) throw new Error(problems.join("\n"));
          passed++;
          console.log(`ok   ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
        } catch (error) {
          failed++;
          console.log(`FAIL ${name}\n  ${String(error?.stack ?? error).split("\n").slice(0, 6).join("\n  ")}`);
          await page.screenshot({ path: join(screenshots, `FAILED-${size.name}-${journey.slug}.png`), fullPage: true }).catch(() => {});
        } finally {
          await context.close();
        }
      }
    }
  } finally {
    await browser?.close();
    await local.stop();
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

/**
 * The code an authenticator app shows now for a base32 secret (RFC 6238: HMAC-SHA1, 30-second
 * steps, 6 digits). Enrolled demo staff have their secret in the stack file (`totpSecret`).
 */
function authenticatorCode(secret, at = Date.now()) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secret.replace(/[\s=]/g, "").toUpperCase()) {
    const v = alphabet.indexOf(c);
    if (v < 0) throw new Error("an authenticator secret is base32");
    bits += v.toString(2).padStart(5, "0");
  }
  const key = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) key.push(parseInt(bits.slice(i, i + 8), 2));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const mac = createHmac("sha1", Buffer.from(key)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

/** What a journey uses: the page, demo users, sign-in, axe and screenshots. */
function harness(page, local, size, problems) {
  const user = (role) => {
    const found = local.stack.users.find((u) => u.role === role);
    if (!found) throw new Error(`no demo user ${role}`);
    return found;
  };
  const h = {
    page,
    size,
    user,
    /**
     * A demo user's ID token from the API's own sign-in, answering the authenticator step with
     * a computed code for enrolled staff: for the journeys that set up or clean up through the API.
     */
    async apiToken(role) {
      const u = user(role);
      const post = async (path, body) => {
        const response = await fetch(`${local.stack.apiUrl}${path}`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(body),
        });
        return response.json();
      };
      let body = await post("/auth/sign-in", { email: u.email, password: u.password });
      if (body?.challenge === "SOFTWARE_TOKEN_MFA") {
        if (!u.totpSecret) throw new Error(`${role} is asked for an authenticator code and has no secret`);
        body = await post("/auth/mfa", { email: u.email, session: body.session, code: authenticatorCode(u.totpSecret) });
      }
      if (!body?.idToken) throw new Error(`no ID token for ${role}`);
      return body.idToken;
    },
    url: (path) => `${local.webUrl}${path}`,
    apiUrl: local.stack.apiUrl,
    /** The local stack's file (emulator endpoint, user pool...), for journeys that stand in for an email. */
    stack: local.stack,
    async signIn(role, path = "/") {
      const u = user(role);
      await page.goto(h.url(path));
      await page.getByLabel("Email").fill(u.email);
      await page.getByLabel("Password").fill(u.password);
      await h.check("sign-in");
      await page.getByRole("button", { name: "Sign in" }).click();
      // Enrolled staff are asked for their authenticator app's code next.
      const signedIn = page.getByRole("button", { name: "Sign out" });
      const codeField = page.getByLabel("Six-digit code");
      await signedIn.or(codeField).first().waitFor();
      if (await codeField.isVisible()) {
        if (!u.totpSecret) throw new Error(`${role} is asked for an authenticator code and has no secret`);
        await codeField.fill(authenticatorCode(u.totpSecret));
        await page.getByRole("button", { name: "Verify" }).click();
        await signedIn.waitFor();
      }
    },
    async signOut() {
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
    },
    /** axe-core on the page as it is now (WCAG 2.x A and AA), and a screenshot. */
    async check(label) {
      await page.evaluate(axeSource);
      const result = await page.evaluate(() =>
        // eslint-disable-next-line no-undef
        axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] } }),
      );
      await page.screenshot({ path: join(screenshots, `${size}-${label}.png`), fullPage: true });
      // Mobile first: nothing may widen the page past the screen (360 px on the phone).
      const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      if (widths[0] > widths[1]) throw new Error(`${label}: the page is ${widths[0]} px wide on a ${widths[1]} px screen`);
      if (result.violations.length) {
        const lines = result.violations.map(
          (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`,
        );
        throw new Error(`axe on ${label}:\n${lines.join("\n")}`);
      }
      if (problems.length) throw new Error(problems.join("\n"));
    },
  };
  return h;
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    for (const stop of stopping) stop();
    process.exit(1);
  });
}

main().catch((error) => {
  console.error(error);
  console.log("0 passed, 1 failed");
  process.exit(1);
});
