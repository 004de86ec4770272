import type { Schemas } from "../../api/client";

/** Which team works which category (the API decides; this only picks the tabs to show). */
export const TEAM_OF: Record<Schemas["MessageCategory"], string> = {
  "medical-question": "clinicians",
  prescription: "clinicians",
  appointment: "front-desk",
  billing: "front-desk",
  "portal-help": "response-team",
};

export function categoriesFor(groups: string[]): Schemas["MessageCategory"][] {
  return (Object.keys(TEAM_OF) as Schemas["MessageCategory"][]).filter((c) => groups.includes(TEAM_OF[c]));
}
