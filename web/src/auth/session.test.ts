import { describe, expect, it } from "vitest";
import { decodeClaims, isCaregiver, isPatient, isPortalLead, isStaff, parseGroups } from "./session";

function jwt(payload: object): string {
  const b64 = (o: object) => btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(o)))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return `${b64({ alg: "RS256" })}.${b64(payload)}.sig`;
}

describe("session claims", () => {
  it("reads a Cognito ID token's claims", () => {
    const claims = decodeClaims(
      jwt({ sub: "s1", email: "ana@x.test", "cognito:groups": ["patients"], "custom:patient_id": "01ABC", exp: 10, given_name: "Ána" }),
    );
    expect(claims).toEqual({ sub: "s1", email: "ana@x.test", groups: ["patients"], patientId: "01ABC", givenName: "Ána", exp: 10 });
    expect(isPatient(claims)).toBe(true);
    expect(isStaff(claims)).toBe(false);
  });

  it("reads whether the account has an authenticator app (custom:mfa)", () => {
    expect(decodeClaims(jwt({ sub: "s1", "custom:mfa": "totp", exp: 10 })).mfa).toBe(true);
    expect(decodeClaims(jwt({ sub: "s1", exp: 10 })).mfa).toBeUndefined();
  });

  it("accepts every shape of groups the API accepts", () => {
    expect(parseGroups(["a", "b"])).toEqual(["a", "b"]);
    expect(parseGroups("[clinicians admins]")).toEqual(["clinicians", "admins"]);
    expect(parseGroups("front-desk,caregivers")).toEqual(["front-desk", "caregivers"]);
    expect(parseGroups(undefined)).toEqual([]);
  });

  it("a patient without a patient id is not a patient; staff and caregivers are told apart", () => {
    expect(isPatient({ sub: "x", groups: ["patients"], exp: 0 })).toBe(false);
    expect(isStaff({ sub: "x", groups: ["front-desk"], exp: 0 })).toBe(true);
    expect(isCaregiver({ sub: "x", groups: ["caregivers"], exp: 0 })).toBe(true);
  });

  it("a portal lead is staff, and only portal leads are portal leads", () => {
    expect(isStaff({ sub: "x", groups: ["portal-leads"], exp: 0 })).toBe(true);
    expect(isPortalLead({ sub: "x", groups: ["portal-leads"], exp: 0 })).toBe(true);
    expect(isPortalLead({ sub: "x", groups: ["admins"], exp: 0 })).toBe(false);
  });

  it("refuses something that is not a JWT", () => {
    expect(() => decodeClaims("nonsense")).toThrow();
  });
});
