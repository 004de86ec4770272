import { useQuery } from "@tanstack/react-query";
import { unwrap } from "./api/client";
import { useApp } from "./context";

// The agreements gate: after sign-in, an account with a pending agreement (a terms-of-use version
// it has not accepted; the beta terms for a patient in a beta cohort) sees the acceptance screen
// before anything else. The API records each acceptance (version, time).

export interface AgreementLike {
  kind: string;
  version: number;
  pending: boolean;
}

/** What is still to accept, in the order the API lists it (terms of use first). */
export function pendingAgreements<T extends AgreementLike>(items: readonly T[] | undefined): T[] {
  return (items ?? []).filter((a) => a.pending);
}

export type Gate<T> =
  | { state: "checking" }
  | { state: "open" }
  | { state: "pending"; agreements: T[] };

/**
 * The gate's state from the query: closed while checking, so the app never flashes; open when
 * nothing is pending, or when the check failed (the screen is a courtesy: what the person
 * accepts is recorded by the API, and a failure must not lock anyone out of their record).
 */
export function gateState<T extends AgreementLike>(
  query: { data?: readonly T[] | undefined; isPending: boolean; isError: boolean },
): Gate<T> {
  if (query.isError) return { state: "open" };
  if (query.isPending) return { state: "checking" };
  const pending = pendingAgreements(query.data);
  return pending.length ? { state: "pending", agreements: pending } : { state: "open" };
}

export const agreementsKey = (sub: string) => ["my-agreements", sub] as const;

/** `GET /account/agreements` for the signed-in account, asked once per sign-in. */
export function useMyAgreements(sub: string) {
  const { api } = useApp();
  return useQuery({
    queryKey: agreementsKey(sub),
    staleTime: Infinity,
    retry: 1,
    queryFn: async () => (await unwrap(api.GET("/account/agreements"))).data.items,
  });
}
