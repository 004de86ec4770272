import { describe, expect, it } from "vitest";
import { aboutPath, categoryFor, newMessageAbout, parseAbout } from "./about";

const RECORD = "0123456789abcdef0123456789abcdef";
const APPOINTMENT = "01JABCDEFGHJKMNPQRSTVWXYZ0";

describe("what a new message is about", () => {
  it("reads a record's or an appointment's id as the API takes it", () => {
    expect(parseAbout(`record:${RECORD}`)).toEqual({ kind: "record", id: RECORD });
    expect(parseAbout(`appointment:${APPOINTMENT}`)).toEqual({ kind: "appointment", id: APPOINTMENT });
  });

  it("ignores anything else rather than sending it", () => {
    for (const bad of [null, "", "record", `record:${RECORD.toUpperCase()}`, `appointment:${RECORD}`, `record:${RECORD}:x`, `bill:${RECORD}`]) {
      expect(parseAbout(bad)).toBeNull();
    }
  });

  it("links both ways: to a new message about the item, and from a thread to the item", () => {
    const about = { kind: "record" as const, id: RECORD };
    expect(newMessageAbout("01P", about)).toBe(`/p/01P/messages/new?about=record:${RECORD}`);
    expect(parseAbout(new URL(`http://x${newMessageAbout("01P", about)}`).searchParams.get("about"))).toEqual(about);
    expect(aboutPath("01P", about)).toBe(`/p/01P/records/item/${RECORD}`);
    expect(aboutPath("01P", { kind: "appointment", id: APPOINTMENT })).toBe(`/p/01P/appointments#appt-${APPOINTMENT}`);
  });

  it("starts an appointment's message in the appointment category", () => {
    expect(categoryFor({ kind: "appointment", id: APPOINTMENT })).toBe("appointment");
    expect(categoryFor({ kind: "record", id: RECORD })).toBe("medical-question");
    expect(categoryFor(null)).toBe("medical-question");
  });
});
