import { useQuery } from "@tanstack/react-query";
import { unwrap } from "../../api/client";
import type { paths } from "../../api/schema";
import { useApp } from "../../context";

// The education library's routes for staff through the generated client, and its query keys.

type Json<R> = R extends { content: { "application/json": infer B } } ? B : never;
export type Topic = Json<paths["/staff/education/topics"]["get"]["responses"][200]>["items"][number];

export const libraryKeys = {
  topics: ["education", "library"] as const,
  assigned: (patientId: string) => ["education", "patient", patientId] as const,
};

/** Every topic (starter and the practice's, retired included, with the helpful tallies). */
export function useLibrary(enabled = true) {
  const { api } = useApp();
  return useQuery({
    queryKey: libraryKeys.topics,
    enabled,
    // Several clinicians edit the library: asked again each time a page opens.
    staleTime: 0,
    queryFn: async () => (await unwrap(api.GET("/staff/education/topics"))).data.items,
  });
}
