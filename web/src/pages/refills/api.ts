import { useQuery, type QueryClient } from "@tanstack/react-query";
import { ApiError, unwrap, type Api, type Schemas } from "../../api/client";
import { useApp } from "../../context";
import type { MessageKey } from "../../i18n/en";
import type { PharmacyInput, QueueState } from "./refills";

// The refills routes through the generated client, and their query keys (one place, so a
// change can refresh every screen that shows it).

export const keys = {
  medications: (patientId: string) => ["refills", "medications", patientId] as const,
  requests: (patientId: string) => ["refills", "requests", patientId] as const,
  request: (patientId: string, refillId: string) => ["refills", "requests", patientId, refillId] as const,
  pharmacies: (q: string) => ["refills", "pharmacies", q] as const,
  queue: (state: QueueState) => ["refills", "staff", "queue", state] as const,
  staffRequest: (refillId: string) => ["refills", "staff", "request", refillId] as const,
};

export function useRefillMedications(patientId: string) {
  const { api } = useApp();
  return useQuery({
    queryKey: keys.medications(patientId),
    queryFn: async () =>
      (await unwrap(api.GET("/patients/{patientId}/refills/medications", { params: { path: { patientId } } }))).data.items,
  });
}

export function useRefillRequests(patientId: string) {
  const { api } = useApp();
  return useQuery({
    queryKey: keys.requests(patientId),
    queryFn: async () => (await unwrap(api.GET("/patients/{patientId}/refills", { params: { path: { patientId } } }))).data.items,
  });
}

export function useRefillRequest(patientId: string, refillId: string) {
  const { api } = useApp();
  return useQuery({
    queryKey: keys.request(patientId, refillId),
    queryFn: async () =>
      (await unwrap(api.GET("/patients/{patientId}/refills/{refillId}", { params: { path: { patientId, refillId } } }))).data,
  });
}

/** The practice's directory, filtered by name (`q` empty: every active pharmacy, up to 50). */
export function usePharmacies(q: string, enabled = true) {
  const { api } = useApp();
  return useQuery({
    queryKey: keys.pharmacies(q),
    enabled,
    queryFn: async () => (await unwrap(api.GET("/pharmacies", { params: { query: q ? { q } : {} } }))).data.items,
  });
}

export function useRefillQueue(state: QueueState) {
  const { api } = useApp();
  return useQuery({
    queryKey: keys.queue(state),
    // The queue moves as the practice works: asked again each time the page opens.
    staleTime: 0,
    queryFn: async () => (await unwrap(api.GET("/staff/refills", { params: { query: { state } } }))).data.items,
  });
}

export function useStaffRefill(refillId: string) {
  const { api } = useApp();
  return useQuery({
    queryKey: keys.staffRequest(refillId),
    staleTime: 0,
    queryFn: async () => (await unwrap(api.GET("/staff/refills/{refillId}", { params: { path: { refillId } } }))).data,
  });
}

export type PharmacyChoice = { pharmacyId: string } | PharmacyInput;

export async function requestRefill(
  api: Api,
  patientId: string,
  body: { recordId: string; pharmacy: PharmacyChoice; note?: string },
  idempotencyKey: string,
): Promise<Schemas["RefillRequest"]> {
  return (
    await unwrap(
      api.POST("/patients/{patientId}/refills", {
        params: { path: { patientId }, header: { "Idempotency-Key": idempotencyKey } },
        body,
      }),
    )
  ).data;
}

/** Every refills screen of a patient shows the change (lists, the request, eligibility). */
export function refreshPatient(queryClient: QueryClient, patientId: string) {
  void queryClient.invalidateQueries({ queryKey: ["refills", "medications", patientId] });
  void queryClient.invalidateQueries({ queryKey: ["refills", "requests", patientId] });
}

/** The staff's lists and the one request. */
export function refreshStaff(queryClient: QueryClient) {
  void queryClient.invalidateQueries({ queryKey: ["refills", "staff"] });
}

const slug = (error: ApiError) => error.problem.type.split("/").pop() ?? "";

/** The catalogue key of a refills problem the person can act on (409s), or null for the generic notice. */
export function conflictKey(error: unknown): MessageKey | null {
  if (!(error instanceof ApiError) || error.status !== 409) return null;
  switch (slug(error)) {
    case "refill-not-eligible":
      return "refills.error.notEligible";
    case "refill-already-open":
      return "refills.error.alreadyOpen";
    case "refill-closed":
      return "refills.error.closed";
    default:
      return "refills.error.conflict";
  }
}
