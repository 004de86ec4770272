import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App, makeQueryClient } from "../../App";
import { getSession, setSession } from "../../auth/session";
import { json, path, stubApi, testConfig, type Call, type Handler } from "../../../test/render";
import { groupKey } from "./Enrol";
import { qrPath } from "./QrCode";

// Account security against a stubbed API: the authenticator app's status, enrolment (QR code,
// key, code, backup codes once, tokens renewed), new codes and removal after a fresh sign-in,
// the backup-code sign-in, and staff sent to enrol before anything else.

const ANA = "01HZZZZZZZZZZZZZZZZZZZZZZA";
const SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const URI = `otpauth://totp/Maple%20Street:ana%40x.test?secret=${SECRET}&issuer=Maple%20Street&algorithm=SHA1&digits=6&period=30`;
const CODES = Array.from({ length: 10 }, (_, i) => `ABCD-${String(2300 + i)}`);

function jwt(payload: object): string {
  const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, "");
  return `${b64({ alg: "RS256" })}.${b64(payload)}.sig`;
}
const patientToken = (extra: object = {}) => jwt({ sub: "s1", email: "ana@x.test", "cognito:groups": ["patients"], "custom:patient_id": ANA, exp: 9e9, ...extra });
const staffToken = (extra: object = {}) => jwt({ sub: "d1", email: "lena@x.test", "cognito:groups": ["clinicians"], exp: 9e9, ...extra });
const tokens = (idToken: string, extra: object = {}) => ({ idToken, accessToken: "access-2", refreshToken: "refresh-2", expiresIn: 300, tokenType: "Bearer", ...extra });
const problem = (status: number, type: string, title: string) =>
  new Response(JSON.stringify({ type: `https://patient-portal.dev/problems/${type}`, title, status }), {
    status,
    headers: { "Content-Type": "application/problem+json" },
  });

let calls: Call[] = [];
let handlers: Handler[] = [];
let mfa = { enabled: false, backupCodesLeft: 0, requiredForRole: false };
const sent = (method: string, p: string) => calls.filter((c) => c.method === method && c.path === p);

beforeEach(() => {
  calls = [];
  mfa = { enabled: false, backupCodesLeft: 0, requiredForRole: false };
  handlers = [
    (r) => (path(r) === "/account/agreements" ? json(200, { items: [] }) : undefined),
    (r) => (/\/patients\/[^/]+\/features$/.test(path(r)) ? json(200, { features: [] }) : undefined),
    (r) => (path(r) === "/public/status" ? json(200, { generatedAt: "2026-12-01T12:00:00.000Z", incidents: [] }) : undefined),
    (r) => (r.method === "GET" && path(r) === "/auth/mfa" ? json(200, mfa) : undefined),
    (r) => (path(r) === "/auth/mfa/totp" && r.method === "POST" ? json(200, { secret: SECRET, otpauthUri: URI }) : undefined),
    (r) => {
      if (path(r) !== "/auth/mfa/totp/verify") return undefined;
      mfa = { ...mfa, enabled: true, backupCodesLeft: 10 };
      return json(200, { backupCodes: CODES });
    },
    (r) => (path(r) === "/auth/sign-out" ? new Response(null, { status: 204 }) : undefined),
    (r) => (path(r) === "/auth/refresh" ? json(200, { idToken: getSession()!.idToken, accessToken: "access-r", expiresIn: 300, tokenType: "Bearer" }) : undefined),
    (r) => (path(r) === "/staff/inbox/counts" ? json(200, { categories: [] }) : undefined),
  ];
  stubApi(handlers, calls);
});

afterEach(() => {
  vi.unstubAllGlobals();
  setSession(null);
});

/** Signs Ana (or a staff member) in with her refresh and access tokens, and opens `at`. */
function open(at: string, idToken = patientToken()) {
  const claims = JSON.parse(atob(idToken.split(".")[1]!)) as { sub: string; "cognito:groups": string[] };
  setSession({
    idToken,
    accessToken: "access-1",
    refreshToken: "refresh-1",
    claims: { sub: claims.sub, email: "ana@x.test", groups: claims["cognito:groups"], ...(claims.sub === "s1" ? { patientId: ANA } : {}), exp: 9e9 },
  });
  history.replaceState(null, "", at);
  render(<App config={testConfig} queryClient={makeQueryClient()} />);
}

/** Goes through enrolment from the "Set up" button to the saved backup codes. */
async function enrol(within$ = screen) {
  fireEvent.click(await within$.findByRole("button", { name: "Set up an authenticator app" }));
  expect(await screen.findByRole("img", { name: /QR code for your authenticator app/ })).toBeTruthy();
  fireEvent.change(screen.getByLabelText("Six-digit code"), { target: { value: "123 456" } });
  fireEvent.click(screen.getByRole("button", { name: "Turn on" }));
  const list = await screen.findByRole("list", { name: "Backup codes" });
  expect(within(list).getAllByRole("listitem").map((li) => li.textContent)).toEqual(CODES);
  const done = screen.getByRole("button", { name: "Done" }) as HTMLButtonElement;
  expect(done.disabled).toBe(true);
  fireEvent.click(screen.getByLabelText("I have saved my backup codes"));
  expect(done.disabled).toBe(false);
  fireEvent.click(done);
}

describe("the QR code", () => {
  it("draws the otpauth address's modules with a quiet zone, and the key is grouped for typing", () => {
    const { side, d } = qrPath(URI);
    expect(side).toBeGreaterThan(29 + 8 - 1);
    expect(d.startsWith("M4 4h1v1h-1z")).toBe(true); // the finder pattern's corner, past the quiet zone
    expect(groupKey("JBSWY3DPEHPK3PXP")).toBe("JBSW Y3DP EHPK 3PXP");
  });
});

describe("account security", () => {
  it("is linked from the header of every signed-in page and shows the status", async () => {
    mfa = { enabled: true, backupCodesLeft: 7, requiredForRole: false };
    open("/p/me");
    fireEvent.click(await screen.findByRole("link", { name: "Account security" }));
    expect(await screen.findByRole("heading", { name: "Account security", level: 1 })).toBeTruthy();
    expect(await screen.findByText(/^On: signing in asks/)).toBeTruthy();
    expect(screen.getByText("Backup codes left: 7")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Make new backup codes" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Remove the authenticator app" })).toBeTruthy();
  });

  it("tells staff to ask an administrator instead of offering removal", async () => {
    mfa = { enabled: true, backupCodesLeft: 10, requiredForRole: true };
    open("/account/security", staffToken({ "custom:mfa": "totp" }));
    expect(await screen.findByText(/Staff accounts must keep an authenticator app/)).toBeTruthy();
    expect(screen.getByText("Your role needs an authenticator app.")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Remove the authenticator app" })).toBeNull();
  });

  it("enrols: QR code and key, the app's code, the backup codes once, then renewed tokens", async () => {
    const renewed = patientToken({ "custom:mfa": "totp" });
    handlers.unshift((r) => (path(r) === "/auth/refresh" ? json(200, { idToken: renewed, accessToken: "access-3", expiresIn: 300, tokenType: "Bearer" }) : undefined));
    open("/account/security");
    expect(await screen.findByText(/^Off: signing in asks/)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Set up an authenticator app" }));
    expect(await screen.findByText("JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP")).toBeTruthy();
    expect(sent("POST", "/auth/mfa/totp")[0]?.body).toEqual({ accessToken: "access-1" });
    // The setup step's heading takes focus, so the new step is announced.
    expect(document.activeElement?.textContent).toBe("Set up your authenticator app");
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    await enrol();
    expect(sent("POST", "/auth/mfa/totp/verify")[0]?.body).toEqual({ accessToken: "access-1", code: "123456" });
    // Renewed with the refresh token: the new ID token says MFA, the access token is the new one.
    expect(sent("POST", "/auth/refresh")[0]?.body).toEqual({ refreshToken: "refresh-1" });
    expect(getSession()?.claims.mfa).toBe(true);
    expect(getSession()?.accessToken).toBe("access-3");
    expect(await screen.findByText("Your authenticator app is set up.")).toBeTruthy();
    expect(await screen.findByText("Backup codes left: 10")).toBeTruthy();
    expect(screen.queryByRole("list", { name: "Backup codes" })).toBeNull();
  });

  it("says a wrong code next to the code field", async () => {
    handlers.unshift((r) =>
      path(r) === "/auth/mfa/totp/verify"
        ? json(422, { type: "https://patient-portal.dev/problems/invalid-fields", title: "Invalid fields", status: 422, errors: [{ field: "code", message: "The code is not the app's current code." }] })
        : undefined,
    );
    open("/account/security");
    fireEvent.click(await screen.findByRole("button", { name: "Set up an authenticator app" }));
    fireEvent.change(await screen.findByLabelText("Six-digit code"), { target: { value: "000000" } });
    fireEvent.click(screen.getByRole("button", { name: "Turn on" }));
    expect(await screen.findByText("The code is not the app's current code.")).toBeTruthy();
    expect(screen.getByLabelText("Six-digit code").getAttribute("aria-invalid")).toBe("true");
    expect(screen.queryByRole("list", { name: "Backup codes" })).toBeNull();
  });

  it("asks for the password again when removal needs a fresh sign-in, then removes", async () => {
    mfa = { enabled: true, backupCodesLeft: 9, requiredForRole: false };
    let fresh = false;
    handlers.unshift(
      (r) => {
        if (!(path(r) === "/auth/mfa/totp" && r.method === "DELETE")) return undefined;
        if (!fresh) return problem(403, "fresh-sign-in-required", "Sign in again");
        mfa = { enabled: false, backupCodesLeft: 0, requiredForRole: false };
        return new Response(null, { status: 204 });
      },
      (r) => (path(r) === "/auth/sign-in" ? json(200, { challenge: "SOFTWARE_TOKEN_MFA", session: "sess" }) : undefined),
      (r) => {
        if (!(path(r) === "/auth/mfa" && r.method === "POST")) return undefined;
        fresh = true;
        return json(200, tokens(patientToken({ "custom:mfa": "totp", iat: 2 })));
      },
    );
    open("/account/security");
    fireEvent.click(await screen.findByRole("button", { name: "Remove the authenticator app" }));
    fireEvent.click(screen.getByRole("button", { name: "Yes, remove it" }));
    expect(await screen.findByRole("heading", { name: "Confirm it is you" })).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "pw" } });
    fireEvent.click(screen.getByRole("button", { name: "Confirm" }));
    fireEvent.change(await screen.findByLabelText("Six-digit code from your authenticator app"), { target: { value: "654321" } });
    fireEvent.click(screen.getByRole("button", { name: "Confirm" }));
    expect(await screen.findByText("The authenticator app is removed.")).toBeTruthy();
    expect(sent("POST", "/auth/sign-in")[0]?.body).toEqual({ email: "ana@x.test", password: "pw" });
    expect(sent("POST", "/auth/mfa")[0]?.body).toEqual({ email: "ana@x.test", session: "sess", code: "654321" });
    expect(sent("DELETE", "/auth/mfa/totp")).toHaveLength(2);
    // The new sign-in's tokens are the session's; the old refresh token is revoked (and only it).
    expect(getSession()?.refreshToken).toBe("refresh-2");
    expect(sent("POST", "/auth/sign-out")[0]?.body).toEqual({ refreshToken: "refresh-1" });
    expect(await screen.findByText(/^Off: signing in asks/)).toBeTruthy();
  });

  it("makes new backup codes and shows them once", async () => {
    mfa = { enabled: true, backupCodesLeft: 2, requiredForRole: false };
    handlers.unshift((r) => (path(r) === "/auth/mfa/backup-codes" ? json(200, { backupCodes: CODES }) : undefined));
    open("/account/security");
    fireEvent.click(await screen.findByRole("button", { name: "Make new backup codes" }));
    const list = await screen.findByRole("list", { name: "Backup codes" });
    expect(within(list).getAllByRole("listitem")).toHaveLength(10);
    fireEvent.click(screen.getByLabelText("I have saved my backup codes"));
    fireEvent.click(screen.getByRole("button", { name: "Done" }));
    await waitFor(() => expect(screen.queryByRole("list", { name: "Backup codes" })).toBeNull());
  });

  it("speaks Spanish", async () => {
    open("/account/security");
    fireEvent.change(await screen.findByLabelText("Language"), { target: { value: "es" } });
    expect(await screen.findByRole("heading", { name: "Seguridad de la cuenta", level: 1 })).toBeTruthy();
    expect(await screen.findByRole("button", { name: "Configurar una aplicación de autenticación" })).toBeTruthy();
  });
});

describe("signing in with a backup code", () => {
  it("offers it at the authenticator step, says the app is now off, and links to set it up again", async () => {
    handlers.unshift(
      (r) => (path(r) === "/auth/sign-in" ? json(200, { challenge: "SOFTWARE_TOKEN_MFA", session: "sess" }) : undefined),
      (r) => (path(r) === "/auth/sign-in/backup-code" ? json(200, { ...tokens(patientToken()), mfaTurnedOff: true }) : undefined),
    );
    history.replaceState(null, "", "/sign-in");
    render(<App config={testConfig} queryClient={makeQueryClient()} />);
    fireEvent.change(await screen.findByLabelText("Email"), { target: { value: "ana@x.test" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "pw" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    fireEvent.click(await screen.findByRole("button", { name: "Use a backup code instead" }));
    expect(await screen.findByRole("heading", { name: "Sign in with a backup code", level: 1 })).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "pw" } });
    fireEvent.change(screen.getByLabelText(/^Backup code/), { target: { value: " ABCD-2345 " } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("heading", { name: "Your authenticator app is turned off", level: 1 })).toBeTruthy();
    expect(sent("POST", "/auth/sign-in/backup-code")[0]?.body).toEqual({ email: "ana@x.test", password: "pw", backupCode: "ABCD-2345" });
    expect(getSession()?.refreshToken).toBe("refresh-2");
    fireEvent.click(screen.getByRole("link", { name: "Set up an authenticator app again" }));
    expect(await screen.findByRole("heading", { name: "Account security", level: 1 })).toBeTruthy();
  });

  it("goes back to the authenticator step with the same sign-in", async () => {
    handlers.unshift((r) => (path(r) === "/auth/sign-in" ? json(200, { challenge: "SOFTWARE_TOKEN_MFA", session: "sess" }) : undefined));
    history.replaceState(null, "", "/sign-in");
    render(<App config={testConfig} queryClient={makeQueryClient()} />);
    fireEvent.change(await screen.findByLabelText("Email"), { target: { value: "ana@x.test" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "pw" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    fireEvent.click(await screen.findByRole("button", { name: "Use a backup code instead" }));
    fireEvent.click(await screen.findByRole("button", { name: "Use the authenticator app instead" }));
    expect(await screen.findByLabelText("Six-digit code")).toBeTruthy();
  });
});

describe("staff without an authenticator app", () => {
  const renewedStaff = () =>
    handlers.unshift((r) =>
      path(r) === "/auth/refresh" ? json(200, { idToken: staffToken({ "custom:mfa": "totp" }), accessToken: "access-3", expiresIn: 300, tokenType: "Bearer" }) : undefined,
    );

  it("enrol first when sign-in says so, then reach the page they were going to", async () => {
    renewedStaff();
    handlers.unshift((r) => (path(r) === "/auth/sign-in" ? json(200, tokens(staffToken(), { mfaSetupRequired: true })) : undefined));
    history.replaceState(null, "", "/sign-in?next=%2Fstaff%2Finbox");
    render(<App config={testConfig} queryClient={makeQueryClient()} />);
    fireEvent.change(await screen.findByLabelText("Email"), { target: { value: "lena@x.test" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "pw" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("heading", { name: "Set up an authenticator app to continue", level: 1 })).toBeTruthy();
    expect(location.pathname).toBe("/staff/inbox");
    // Nothing else first: no navigation, no inbox call.
    expect(screen.queryByRole("navigation", { name: "Main" })).toBeNull();
    expect(calls.some((c) => c.path.startsWith("/staff/"))).toBe(false);
    await enrol();
    expect(await screen.findByRole("heading", { name: "Inbox", level: 1 })).toBeTruthy();
    expect(getSession()?.mfaSetupRequired).toBe(false);
    expect(getSession()?.claims.mfa).toBe(true);
  });

  it("enrol when a call is refused mfa-required, then the page loads again", async () => {
    renewedStaff();
    let enrolled = false;
    handlers.unshift((r) => {
      if (path(r) === "/auth/mfa/totp/verify") enrolled = true;
      return path(r).startsWith("/staff/inbox") && !enrolled ? problem(403, "mfa-required", "Authenticator app required") : undefined;
    });
    open("/staff/inbox", staffToken());
    expect(await screen.findByRole("heading", { name: "Set up an authenticator app to continue", level: 1 })).toBeTruthy();
    await enrol();
    expect(await screen.findByRole("heading", { name: "Inbox", level: 1 })).toBeTruthy();
    await waitFor(() => expect(calls.filter((c) => c.path === "/staff/inbox/counts").length).toBeGreaterThan(1));
    expect(screen.queryByRole("heading", { name: "Set up an authenticator app to continue" })).toBeNull();
  });
});
