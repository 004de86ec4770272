// Whether an account has seen the first-sign-in tour: a flag per account (the user's `sub`) in
// this browser's localStorage. Nothing else is stored: no name, no token, nothing clinical.

const KEY = (sub: string) => `portal.tour.v1.${sub}`;

let enabled = true;
/** Unit tests of other screens start with the tour out of the way (test/setup.ts); the tour's own tests turn it on. */
export function setTourEnabled(on: boolean): void {
  enabled = on;
}

export function tourSeen(sub: string): boolean {
  if (!enabled) return true;
  try {
    return localStorage.getItem(KEY(sub)) === "done";
  } catch {
    // Storage refused (a private window's quota, a policy): no tour rather than one on every page.
    return true;
  }
}

export function markTourSeen(sub: string): void {
  try {
    localStorage.setItem(KEY(sub), "done");
  } catch {
    // Nothing to remember it in: the tour simply closes.
  }
}

export const TOUR_STEPS = 5;
