import { useQuery } from "@tanstack/react-query";
import { unwrap } from "../../api/client";
import type { paths } from "../../api/schema";
import { useApp } from "../../context";

// The training and onboarding routes through the generated client, their types (taken from the
// routes, whatever the schemas are called) and their query keys (one place, so a change can
// refresh every screen that shows it).

type Json<R> = R extends { content: { "application/json": infer B } } ? B : never;
type Ok<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: { 200: infer R } } ? Json<R> : never;

export type PlanView = Ok<"/staff/training", "get">;
export type PlanModule = PlanView["modules"][number];
export type ModuleDetail = Ok<"/staff/training/{moduleId}", "get">;
export type AttemptResult = Ok<"/staff/training/{moduleId}/attempts", "post">;
export type OnboardingList = Ok<"/admin/training", "get">;

export const keys = {
  all: ["training"] as const,
  mine: ["training", "mine"] as const,
  module: (moduleId: string) => ["training", "module", moduleId] as const,
  plans: ["training", "plans"] as const,
};

/** The caller's own plan (every staff role). */
export function useMyTraining() {
  const { api } = useApp();
  return useQuery({
    queryKey: keys.mine,
    staleTime: 0,
    queryFn: async () => (await unwrap(api.GET("/staff/training"))).data,
  });
}

export function useTrainingModule(moduleId: string) {
  const { api } = useApp();
  return useQuery({
    queryKey: keys.module(moduleId),
    queryFn: async () => (await unwrap(api.GET("/staff/training/{moduleId}", { params: { path: { moduleId } } }))).data,
  });
}

/** Every member's plan (admins). */
export function usePlans() {
  const { api } = useApp();
  return useQuery({
    queryKey: keys.plans,
    staleTime: 0,
    queryFn: async () => (await unwrap(api.GET("/admin/training"))).data.items,
  });
}

/** Where the work a capability opens is done (the link after passing a module). */
export function workOf(capability: string | null | undefined): string | null {
  switch (capability) {
    case "message-inbox":
      return "/staff/inbox";
    case "identity-review":
      return "/staff/profile-changes";
    case "rollout":
      return "/rollout/cohorts";
    default:
      return null;
  }
}
