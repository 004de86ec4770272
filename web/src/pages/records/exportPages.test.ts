import { describe, expect, it } from "vitest";
import { fetchAllPages, mergePages, nextPage, type BundlePage } from "./exportPages";

const patient = { fullUrl: "urn:uuid:p", resource: { resourceType: "Patient", id: "01P" } };
const org = (id: string) => ({ fullUrl: `urn:uuid:${id}`, resource: { resourceType: "Organization", id } });
const record = (id: string) => ({ fullUrl: `urn:uuid:${id}`, resource: { resourceType: "Observation", id } });
const page = (records: string[], next?: string): BundlePage => ({
  resourceType: "Bundle",
  type: "collection",
  timestamp: "2026-05-01T10:00:00Z",
  entry: [patient, org("maple"), org("lakeside"), ...records.map(record)],
  ...(next ? { link: [{ relation: "next", url: next }] } : {}),
});

describe("the export's pages", () => {
  it("reads the next page's cursor and page size from the next link, and none on the last page", () => {
    expect(nextPage(page(["a"], "/patients/01P/export?cursor=abc.def&_count=5"))).toEqual({ cursor: "abc.def", count: 5 });
    expect(nextPage(page(["a"], "/patients/01P/export?cursor=xyz"))).toEqual({ cursor: "xyz" });
    expect(nextPage(page(["a"], "https://api.example.org/patients/01P/export?cursor=q%2Bw"))).toEqual({ cursor: "q+w" });
    expect(nextPage(page(["a"]))).toBeNull();
    expect(nextPage({ ...page(["a"]), link: [{ relation: "self", url: "/x?cursor=1" }] })).toBeNull();
  });

  it("merges the pages into one collection: each entry once, in page order, without the paging link", () => {
    const merged = mergePages([page(["a", "b"], "/e?cursor=1"), page(["c", "d"], "/e?cursor=2"), page(["e"])]);
    expect(merged.resourceType).toBe("Bundle");
    expect(merged.type).toBe("collection");
    expect(merged.timestamp).toBe("2026-05-01T10:00:00Z");
    expect(merged.link).toBeUndefined();
    expect(merged.entry?.map((e) => e.fullUrl)).toEqual([
      "urn:uuid:p", "urn:uuid:maple", "urn:uuid:lakeside",
      "urn:uuid:a", "urn:uuid:b", "urn:uuid:c", "urn:uuid:d", "urn:uuid:e",
    ]);
    // The bundle's type is whatever the pages say.
    expect(mergePages([{ ...page([]), type: "searchset" }]).type).toBe("searchset");
    // An entry without a fullUrl is kept as it is.
    expect(mergePages([{ ...page([]), entry: [{ resource: { resourceType: "Basic" } }] }]).entry).toHaveLength(1);
  });

  it("a one-page record is that page, without change but the paging link", () => {
    const only = page(["a"]);
    expect(mergePages([only])).toEqual(only);
  });

  it("follows every next link, with progress after each page, and stops at the last", async () => {
    const asked: unknown[] = [];
    const served = [page(["a", "b"], "/e?cursor=1&_count=2"), page(["c", "d"], "/e?cursor=2&_count=2"), page(["e"])];
    const progress: [number, number][] = [];
    const merged = await fetchAllPages(
      async (next) => {
        asked.push(next);
        return served[asked.length - 1]!;
      },
      (pages, entries) => progress.push([pages, entries]),
    );
    expect(asked).toEqual([null, { cursor: "1", count: 2 }, { cursor: "2", count: 2 }]);
    expect(progress).toEqual([[1, 5], [2, 7], [3, 8]]);
    expect(merged.entry).toHaveLength(8);
  });

  it("refuses pages whose next link comes back to a page already read", async () => {
    await expect(fetchAllPages(async () => page(["a"], "/e?cursor=same"))).rejects.toThrow(/do not end/);
  });
});
