import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, screen, within } from "@testing-library/react";
import { json, renderApp } from "../../../test/render";
import { setSession } from "../../auth/session";

// Past imports against a stubbed API: the list a page at a time, and one import's whole report.

const ID = (n: number) => `01JIMPORT0000000000000000${n}`;

const line = (n: number, over: Record<string, unknown> = {}) => ({
  importId: ID(n),
  importedAt: `2026-0${n}-02T15:00:00Z`,
  importedBy: { relationship: "staff", name: "Grace Adeyemi" },
  bundleType: "collection",
  entries: 40 + n,
  importedTotal: 30,
  mergedTotal: 2,
  skippedTotal: 9,
  errorCount: 1,
  warningCount: 3,
  sources: [{ sourceId: "maple", name: "Maple Street Family Practice", imported: 30 }],
  ...over,
});

const report = {
  importId: ID(1), bundleType: "collection", entries: 4, imported: { Condition: 2 }, importedTotal: 2,
  skipped: [{ resourceType: "Claim", count: 1, reason: "financial data is not part of the health record" }], skippedTotal: 1,
  sources: [{ sourceId: "maple", name: "Maple Street Family Practice", imported: 2 }],
  errors: [{ entry: 3, resourceType: "Observation", message: "too large to store" }], errorCount: 1,
  warnings: [{ entry: 0, resourceType: "Condition", message: "entry[0].resource.code.coding[0].colour is not an R4 element: dropped" }], warningCount: 1,
  patientCheck: "matched", importedAt: "2026-01-02T15:00:00Z",
  perType: { Condition: { sent: 2, imported: 1, merged: 1, skipped: 0, refused: 0 }, Claim: { sent: 1, imported: 0, merged: 0, skipped: 1, refused: 0 }, Observation: { sent: 1, imported: 0, merged: 0, skipped: 0, refused: 1 } },
  entryOutcomes: [
    { entry: 0, resourceType: "Condition", outcome: "imported" },
    { entry: 1, resourceType: "Condition", outcome: "merged", reason: "the same thing as entry 0: one item lists every source" },
    { entry: 2, resourceType: "Claim", outcome: "skipped", reason: "financial data is not part of the health record" },
    { entry: 3, resourceType: "Observation", outcome: "refused", reason: "too large to store" },
  ],
  entryOutcomeCount: 4,
};

let asked: string[] = [];
beforeEach(() => {
  asked = [];
  vi.stubGlobal("fetch", async (r: Request) => {
    const url = new URL(r.url);
    if (url.pathname === "/patients/me/imports") {
      asked.push(url.search);
      return url.searchParams.get("cursor") === "next"
        ? json(200, { items: [line(1, { importedBy: { relationship: "own" } })], nextCursor: null })
        : json(200, { items: [line(3), line(2, { importedBy: { relationship: "caregiver", name: "Luis Lopez" } })], nextCursor: "next" });
    }
    if (url.pathname === `/patients/me/imports/${ID(1)}`) {
      return json(200, { importId: ID(1), importedAt: "2026-01-02T15:00:00Z", importedBy: { relationship: "own" }, report });
    }
    if (url.pathname === `/patients/me/imports/${ID(9)}`) return json(404, { type: "about:blank", title: "Not found", status: 404 });
    return json(200, { items: [], features: [], incidents: [], nextCursor: null });
  });
  setSession({ idToken: "t", claims: { sub: "u1", groups: ["patients"], patientId: "01P", exp: 9e9 } });
});

afterEach(() => {
  vi.unstubAllGlobals();
  setSession(null);
});

describe("past imports", () => {
  it("lists imports newest first with who and the counts, and shows more with the cursor", async () => {
    renderApp("/p/me/records/imports");
    const table = await screen.findByRole("table", { name: "Past imports, newest first" });
    const rows = () => within(table).getAllByRole("row").slice(1);
    expect(rows()).toHaveLength(2);
    expect(rows()[0]!.textContent).toContain("Practice staff (Grace Adeyemi)");
    expect(rows()[1]!.textContent).toContain("A caregiver (Luis Lopez)");
    const cells = within(rows()[0]!).getAllByRole("cell").map((c) => c.textContent);
    expect(cells).toEqual(["Practice staff (Grace Adeyemi)", "Maple Street Family Practice", "43", "30", "2", "9", "1", "3"]);
    fireEvent.click(screen.getByRole("button", { name: "Show more" }));
    await within(table).findByText("The patient");
    expect(rows()).toHaveLength(3);
    expect(screen.queryByRole("button", { name: "Show more" })).toBeNull();
    expect(asked).toEqual(["?limit=20", "?limit=20&cursor=next"]);
    expect(within(rows()[2]!).getByRole("link").getAttribute("href")).toBe(`/p/me/records/imports/${ID(1)}`);
  });

  it("shows one import's whole report: totals, per type, problems naming entry and path, every entry; in Spanish too", async () => {
    renderApp(`/p/me/records/imports/${ID(1)}`);
    await screen.findByText("4 entries: 2 imported (of them 1 merged with an earlier entry), 1 skipped, 1 refused.");
    const perType = screen.getAllByRole("region", { name: "By type of record" })[0]!;
    expect(within(perType).getByRole("row", { name: /Condition/ }).textContent).toBe("Condition21100");
    const warnings = screen.getByRole("region", { name: "Warnings (1)" });
    expect(warnings.textContent).toContain("Entry 0 (Condition): entry[0].resource.code.coding[0].colour is not an R4 element: dropped");
    expect(screen.getByRole("region", { name: "Refused entries (1)" }).textContent).toContain("Entry 3 (Observation): too large to store");
    const entries = screen.getAllByRole("region", { name: "What became of each entry (4)" })[0]!;
    expect(within(entries).getAllByRole("row").map((r) => r.textContent)).toContain(
      "1ConditionMergedthe same thing as entry 0: one item lists every source",
    );
    fireEvent.change(screen.getByLabelText("Language"), { target: { value: "es" } });
    await screen.findByText("4 entradas: 2 importadas (de ellas 1 combinadas con una entrada anterior), 1 omitidas, 1 rechazadas.");
  });

  it("another patient's import, or none, is not found", async () => {
    renderApp(`/p/me/records/imports/${ID(9)}`);
    expect(await screen.findByRole("heading", { name: "Not found" })).toBeTruthy();
  });
});
