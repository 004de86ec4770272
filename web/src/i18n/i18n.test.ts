import { describe, expect, it } from "vitest";
import { en } from "./en";
import { es } from "./es";
import { format, initialLocale, loadCatalogue, translate } from "./index";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("message catalogues", () => {
  it("Spanish fills every English key with the same placeholders", () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(es[key], key).toBeTruthy();
      expect(placeholders(es[key]), key).toEqual(placeholders(en[key]));
    }
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
  });

  it("formats placeholders and keeps unknown ones visible", async () => {
    expect(format("{count} unread", { count: 3 })).toBe("3 unread");
    expect(format("Due {date}", {})).toBe("Due {date}");
    expect(await loadCatalogue("es")).toBe(es);
    expect(translate("es", "home.unreadCount", { count: 2 })).toBe("2 sin leer");
  });

  it("picks Spanish for Spanish-speaking browsers only", () => {
    expect(initialLocale(["es-MX", "en"])).toBe("es");
    expect(initialLocale(["en-US"])).toBe("en");
    expect(initialLocale([])).toBe("en");
  });
});
