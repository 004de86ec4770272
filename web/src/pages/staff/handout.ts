import { getSession, subscribe } from "../../auth/session";

// The activation code on its way to the printable handout: held in this tab's memory only (never
// in the URL, history state or storage), for the patient it was issued to, and forgotten at
// sign-out. A reload loses it: the front desk issues a new code.

export interface Handout {
  patientId: string;
  code: string;
  expires: string;
}

let current: Handout | null = null;

subscribe(() => {
  if (!getSession()) current = null;
});

export function keepHandout(handout: Handout): void {
  current = handout;
}

/** The handout of this patient, if a code was issued to them in this tab. */
export function handoutFor(patientId: string): Handout | null {
  return current && current.patientId === patientId ? current : null;
}

export function forgetHandout(): void {
  current = null;
}

export const handoutPath = (patientId: string) => `/staff/patients/${patientId}/handout`;
