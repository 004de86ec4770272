// The signed-in session lives in this module's memory only: never in localStorage,
// sessionStorage or a cookie the page can read. A reload or a new tab signs in again; see the
// README ("Where the tokens live").

export interface Claims {
  sub: string;
  email?: string;
  groups: string[];
  patientId?: string;
  givenName?: string;
  /** The account has an authenticator app (`custom:mfa` = "totp"); the API decides, this only displays. */
  mfa?: boolean;
  exp: number;
}

export interface Session {
  idToken: string;
  refreshToken?: string;
  /** Cognito's access token: only the authenticator-app enrolment sends it (`/auth/mfa/totp`). */
  accessToken?: string;
  claims: Claims;
  /** A staff account without an authenticator app: the enrolment screen comes before anything else. */
  mfaSetupRequired?: boolean;
}

type Listener = () => void;

let current: Session | null = null;
const listeners = new Set<Listener>();

export function getSession(): Session | null {
  return current;
}

export function setSession(next: Session | null): void {
  current = next;
  for (const listener of listeners) listener();
}

export function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** A session from a sign-in's tokens (`/auth/sign-in`, `/auth/mfa`, `/auth/new-password`, a backup code). */
export function sessionFrom(tokens: { idToken: string; accessToken?: string; refreshToken?: string; mfaSetupRequired?: boolean }): Session {
  return {
    idToken: tokens.idToken,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    claims: decodeClaims(tokens.idToken),
    ...(tokens.mfaSetupRequired ? { mfaSetupRequired: true } : {}),
  };
}

/** The API answered `mfa-required` (403): a staff member must enrol before anything else. */
export function requireMfaSetup(): void {
  if (current && !current.mfaSetupRequired) setSession({ ...current, mfaSetupRequired: true });
}

/** Enrolment is done (and the tokens renewed): back to where the member was going. */
export function mfaSetupDone(): void {
  if (current?.mfaSetupRequired) setSession({ ...current, mfaSetupRequired: false });
}

/** Reads the claims of a Cognito ID token (the API verifies it; this only displays and routes). */
export function decodeClaims(idToken: string): Claims {
  const payload = idToken.split(".")[1];
  if (!payload) throw new Error("not a JWT");
  const json = JSON.parse(
    new TextDecoder().decode(
      Uint8Array.from(atob(payload.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)),
    ),
  ) as Record<string, unknown>;
  return {
    sub: String(json.sub ?? ""),
    email: typeof json.email === "string" ? json.email : undefined,
    groups: parseGroups(json["cognito:groups"]),
    patientId: typeof json["custom:patient_id"] === "string" ? json["custom:patient_id"] : undefined,
    givenName: typeof json.given_name === "string" ? json.given_name : undefined,
    ...(json["custom:mfa"] === "totp" ? { mfa: true } : {}),
    exp: typeof json.exp === "number" ? json.exp : 0,
  };
}

/** Cognito puts groups in an array; accept "a,b" and "[a b]" too, as the API does. */
export function parseGroups(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== "string") return [];
  return value
    .replace(/^\[|\]$/g, "")
    .split(/[\s,]+/)
    .filter(Boolean);
}

export const STAFF_GROUPS = ["clinicians", "front-desk", "response-team", "portal-leads", "admins"] as const;

export function isStaff(claims: Claims): boolean {
  return claims.groups.some((g) => (STAFF_GROUPS as readonly string[]).includes(g));
}

/** Runs the rollout: cohorts, waves, feature switches, agreements and adoption. */
export function isPortalLead(claims: Claims): boolean {
  return claims.groups.includes("portal-leads");
}

export function isPatient(claims: Claims): boolean {
  return claims.groups.includes("patients") && Boolean(claims.patientId);
}

export function isCaregiver(claims: Claims): boolean {
  return claims.groups.includes("caregivers");
}
