import { useQuery, type QueryClient } from "@tanstack/react-query";
import { unwrap, type Api, type Schemas } from "../../api/client";
import { useApp } from "../../context";
import type { Locale } from "../../i18n";

// The patient education routes through the generated client, and their query keys. The topics
// are asked for in the app's language (`lang`), so switching language asks again.

export type PatientTopic = Schemas["PatientTopic"];
export type TopicReason = Schemas["TopicReason"];

export const keys = {
  all: (patientId: string) => ["education", patientId] as const,
  list: (patientId: string, lang: Locale) => ["education", patientId, "list", lang] as const,
  topic: (patientId: string, topicId: string, lang: Locale) => ["education", patientId, "topic", topicId, lang] as const,
};

export function useTopics(patientId: string, lang: Locale) {
  const { api } = useApp();
  return useQuery({
    queryKey: keys.list(patientId, lang),
    queryFn: async () =>
      (await unwrap(api.GET("/patients/{patientId}/education", { params: { path: { patientId }, query: { lang } } }))).data,
  });
}

export function useTopic(patientId: string, topicId: string, lang: Locale) {
  const { api } = useApp();
  return useQuery({
    queryKey: keys.topic(patientId, topicId, lang),
    queryFn: async () =>
      (
        await unwrap(
          api.GET("/patients/{patientId}/education/{topicId}", { params: { path: { patientId, topicId }, query: { lang } } }),
        )
      ).data,
  });
}

export async function voteHelpful(api: Api, patientId: string, topicId: string, helpful: boolean) {
  return (
    await unwrap(
      api.PUT("/patients/{patientId}/education/{topicId}/helpful", { params: { path: { patientId, topicId } }, body: { helpful } }),
    )
  ).data;
}

/** The vote shows at once in every cached list and topic of the patient (in both languages). */
export function recordVote(queryClient: QueryClient, patientId: string, topicId: string, helpful: boolean) {
  queryClient.setQueriesData<Schemas["PatientTopics"] | PatientTopic>({ queryKey: keys.all(patientId) }, (old) => {
    if (!old) return old;
    if ("items" in old) return { ...old, items: old.items.map((i) => (i.topicId === topicId ? { ...i, helpful } : i)) };
    return old.topicId === topicId ? { ...old, helpful } : old;
  });
}

/** Assigned topics name the clinician; record reasons name the record. */
export function isAssigned(reason: TopicReason): boolean {
  return reason.kind === "assigned";
}
