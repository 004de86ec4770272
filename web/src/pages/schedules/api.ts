import { useQuery } from "@tanstack/react-query";
import { unwrap, type Schemas } from "../../api/client";
import { useApp } from "../../context";

// The schedule editor's routes through the generated client, and their query keys.

export type Provider = Schemas["Provider"];

export const keys = {
  providers: ["schedules", "providers"] as const,
  provider: (providerId: string) => ["schedules", "provider", providerId] as const,
  schedule: (providerId: string) => ["schedules", "schedule", providerId] as const,
  visitTypes: ["visit-types"] as const,
};

/** The whole directory (a practice's is small): page after page until the cursor ends. */
export function useProviders() {
  const { api } = useApp();
  return useQuery({
    queryKey: keys.providers,
    queryFn: async () => {
      const all: Provider[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 20; pages++) {
        const { data } = await unwrap(api.GET("/providers", { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } }));
        all.push(...data.items);
        if (!data.nextCursor) break;
        cursor = data.nextCursor;
      }
      return all;
    },
  });
}

export function useProvider(providerId: string) {
  const { api } = useApp();
  return useQuery({
    queryKey: keys.provider(providerId),
    queryFn: async () => (await unwrap(api.GET("/providers/{providerId}", { params: { path: { providerId } } }))).data,
  });
}

export function useSchedule(providerId: string) {
  const { api } = useApp();
  return useQuery({
    queryKey: keys.schedule(providerId),
    // Always the latest when the editor opens: an edit starts from what is published now.
    staleTime: 0,
    queryFn: async () => (await unwrap(api.GET("/providers/{providerId}/schedule", { params: { path: { providerId } } }))).data,
  });
}

/** Same key as the booking page's, so the catalogue is fetched once. */
export function useVisitTypes() {
  const { api } = useApp();
  return useQuery({ queryKey: keys.visitTypes, queryFn: async () => (await unwrap(api.GET("/visit-types"))).data });
}
