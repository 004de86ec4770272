import { describe, expect, it } from "vitest";
import { en } from "./i18n/en";
import { es } from "./i18n/es";
import { translate } from "./i18n";
import {
  KINDS,
  contactKey,
  deliverable,
  formFromPreferences,
  kindError,
  kindKey,
  preferencesChange,
  reasonKey,
  smsSelectable,
  statusKey,
  timeOfDay,
} from "./notifications";
import { deliveryWords } from "./pages/staff/PatientNotifications";

const saved = formFromPreferences({
  channels: {
    "new-portal-message": "email",
    "appointment-booked": "email",
    "appointment-moved": "email",
    "appointment-cancelled": "email",
    "appointment-reminder": "email",
    "waitlist-offer": "sms",
  },
});

describe("the preferences form", () => {
  it("has every kind, by email when the answer leaves one out", () => {
    const form = formFromPreferences({ channels: { "waitlist-offer": "sms" } });
    expect(Object.keys(form)).toEqual(KINDS);
    expect(form["waitlist-offer"]).toBe("sms");
    expect(form["appointment-reminder"]).toBe("email");
  });

  it("sends only the kinds changed, or all of them when nothing changed", () => {
    expect(preferencesChange(saved, { ...saved, "appointment-reminder": "none" })).toEqual({
      channels: { "appointment-reminder": "none" },
    });
    expect(preferencesChange(saved, { ...saved })).toEqual({ channels: saved });
  });

  it("finds the API's error for a kind however the field is named", () => {
    expect(kindError({ "channels.waitlist-offer": "needs a mobile number" }, "waitlist-offer")).toBe("needs a mobile number");
    expect(kindError({ "waitlist-offer": "x" }, "waitlist-offer")).toBe("x");
    expect(kindError({ "channels.waitlist-offer": "x" }, "appointment-booked")).toBeUndefined();
  });

  it("offers texts only with a mobile number on file, but keeps a text already chosen", () => {
    expect(smsSelectable({ status: "missing" }, "email")).toBe(false);
    expect(smsSelectable({ status: "missing" }, "sms")).toBe(true);
    expect(smsSelectable({ status: "ok" }, "email")).toBe(true);
    expect(smsSelectable({ status: "undeliverable", since: "2026-01-01T00:00:00Z" }, "none")).toBe(true);
  });

  it("writes quiet hours as the reader's locale does", () => {
    expect(timeOfDay("21:00", "en")).toMatch(/^9:00\sPM$/);
    expect(timeOfDay("08:30", "es")).toBe("8:30");
    expect(timeOfDay("nonsense", "en")).toBe("nonsense");
  });
});

describe("delivery and contact wording", () => {
  const t = (k: keyof typeof en) => translate("en", k);

  it("names every kind, status and reason in both languages, and shows unknown ones as they are", () => {
    for (const kind of [...KINDS, "care-circle-invitation", "activation-invitation", "staff-invitation", "password-reset"]) {
      const key = kindKey(kind);
      expect(key && en[key], kind).toBeTruthy();
      expect(key && es[key], kind).toBeTruthy();
    }
    expect(kindKey("something-new")).toBeNull();
    for (const status of ["pending", "deferred", "sent", "failed", "suppressed"] as const) expect(en[statusKey(status)]).toBeTruthy();
    for (const reason of ["preference", "no-contact", "undeliverable", "reminders-off", "expired", "rejected", "error"]) {
      expect(en[reasonKey(reason) as keyof typeof en], reason).toBeTruthy();
    }
    expect(reasonKey(undefined)).toBeNull();
    expect(reasonKey("gremlins")).toBe("gremlins");
  });

  it("puts a delivery in words", () => {
    expect(
      deliveryWords(
        { notificationId: "n", kind: "appointment-reminder", recipient: "caregiver", channel: "sms", status: "suppressed", reason: "preference", attempts: 0, createdAt: "2026-01-01T00:00:00Z" },
        t,
      ),
    ).toEqual({
      kind: "Appointment reminders",
      recipient: "Caregiver",
      channel: "Text message",
      status: "Not sent",
      reason: "turned off in the person's settings",
    });
    const w = deliveryWords({ notificationId: "n", kind: "brand-new", recipient: "invitee", status: "pending", attempts: 1, createdAt: "x" }, t);
    expect(w).toMatchObject({ kind: "brand-new", channel: "", reason: "", status: "Waiting to be sent" });
  });

  it("says when a contact is missing or undeliverable, and since when", () => {
    expect(t(contactKey("email", { status: "ok" }))).toBe("Email: can be reached.");
    expect(t(contactKey("phone", { status: "missing" }))).toBe("Mobile number: none on file.");
    expect(contactKey("email", { status: "undeliverable", since: "2026-03-01T10:00:00Z" })).toBe(
      "notifications.contact.email.undeliverableSince",
    );
    expect(contactKey("email", { status: "undeliverable" })).toBe("notifications.contact.email.undeliverable");
  });

  it("lets the front desk send a code only to a reachable contact on file", () => {
    expect(deliverable(undefined, undefined)).toEqual({ ok: false, why: "missing" });
    expect(deliverable("a@b.test", undefined)).toEqual({ ok: true });
    expect(deliverable("a@b.test", { status: "undeliverable" })).toEqual({ ok: false, why: "undeliverable" });
    expect(deliverable("a@b.test", { status: "ok" })).toEqual({ ok: true });
  });
});
