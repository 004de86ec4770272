import { useQuery } from "@tanstack/react-query";
import { useSyncExternalStore } from "react";
import { unwrap } from "./api/client";
import { getSession, isCaregiver, subscribe } from "./auth/session";
import { useApp } from "./context";

/** The scopes the caller has on this patient: null means all (their own record, or staff). */
export function useScopes(patientId: string): { scopes: string[] | null; pending: boolean } {
  const { api } = useApp();
  const session = useSyncExternalStore(subscribe, getSession);
  const caregiver = session ? isCaregiver(session.claims) && patientId !== "me" : false;
  const query = useQuery({
    queryKey: ["acted-for", session?.claims.sub],
    enabled: caregiver,
    queryFn: async () =>
      (await unwrap(api.GET("/caregivers/me/patients"))).data.items.map((p) => ({
        patientId: p.patientId,
        name: p.name,
        scopes: p.scopes as string[],
        // The same cache entry as App's `useActedFor`: the same shape (a locked patient, issue 21).
        locked: p.locked,
      })),
  });
  if (!caregiver) return { scopes: null, pending: false };
  return { scopes: query.data?.find((p) => p.patientId === patientId)?.scopes ?? [], pending: query.isPending };
}

export function allows(scopes: string[] | null, scope: string): boolean {
  return scopes === null || scopes.includes(scope);
}

export function useSummary(patientId: string, enabled = true) {
  const { api } = useApp();
  return useQuery({
    queryKey: ["summary", patientId],
    enabled,
    queryFn: async () =>
      (await unwrap(api.GET("/patients/{patientId}/summary", { params: { path: { patientId } } }))).data,
  });
}

export function useConversations(patientId: string, enabled = true) {
  const { api } = useApp();
  return useQuery({
    queryKey: ["conversations", patientId],
    enabled,
    queryFn: async () =>
      (await unwrap(api.GET("/patients/{patientId}/conversations", { params: { path: { patientId } } }))).data,
  });
}

export function useAppointments(patientId: string, enabled = true) {
  const { api } = useApp();
  return useQuery({
    queryKey: ["appointments", patientId],
    enabled,
    queryFn: async () =>
      (
        await unwrap(
          api.GET("/patients/{patientId}/appointments", {
            params: { path: { patientId }, query: { when: "upcoming" } },
          }),
        )
      ).data,
  });
}
