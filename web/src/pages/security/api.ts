import { useQuery } from "@tanstack/react-query";
import { renewSession, unwrap } from "../../api/client";
import { getSession } from "../../auth/session";
import { useApp } from "../../context";

// The account-security screens' calls (issue 21): the authenticator app's status, and the
// session's access token that enrolment sends to Cognito through the API.

export const mfaStatusKey = (sub: string) => ["mfa-status", sub] as const;

/** `GET /auth/mfa`: whether an authenticator app is on, backup codes left, and whether the role needs one. */
export function useMfaStatus(sub: string) {
  const { api } = useApp();
  return useQuery({ queryKey: mfaStatusKey(sub), queryFn: async () => (await unwrap(api.GET("/auth/mfa"))).data });
}

/** The session's access token; a session that has none (from before it was kept) renews to get one. */
export async function currentAccessToken(): Promise<string> {
  const held = getSession()?.accessToken;
  if (held) return held;
  await renewTokens();
  // None still: the API answers 422 `accessToken`, shown like any refusal.
  return getSession()?.accessToken ?? "";
}

/** Renews the tokens (the ID token's `custom:mfa` changed); a failure leaves the current ones, which still work. */
export async function renewTokens(): Promise<void> {
  await renewSession().catch(() => false);
}

/** What a person types as a code: spaces and dashes the app shows between digits are not part of it. */
export const cleanCode = (code: string) => code.replace(/[\s-]/g, "");
