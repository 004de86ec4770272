import type { MessageKey } from "../../i18n/en";

// The "Learn the portal" guides: catalogue text (English and Spanish), a few steps each.

export const GUIDES = ["activate", "results", "message", "book", "caregiver"] as const;
export type GuideId = (typeof GUIDES)[number];

const STEPS: Record<GuideId, number> = { activate: 4, results: 4, message: 4, book: 4, caregiver: 4 };

export const isGuide = (value: string): value is GuideId => (GUIDES as readonly string[]).includes(value);

export const guideTitle = (id: GuideId) => `guides.${id}.title` as MessageKey;
export const guideSummary = (id: GuideId) => `guides.${id}.summary` as MessageKey;
export const guideSteps = (id: GuideId): MessageKey[] =>
  Array.from({ length: STEPS[id] }, (_, i) => `guides.${id}.step${i + 1}` as MessageKey);

export const guidesPath = (patientId: string) => `/p/${patientId}/guides`;
