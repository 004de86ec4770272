// The record's export comes in pages (`GET /patients/{patientId}/export`): each page is a FHIR
// `collection` Bundle with the Patient, every source's Organization and the next records, and a
// `link` with `relation: next` to the page after it (the last page has none). These put the
// pages together into the one bundle the patient saves: the first page's Bundle with every
// page's entries, each `fullUrl` once (the Patient and the Organizations repeat on every page;
// an entry keeps its fullUrl on whichever page it comes, so references resolve), and no
// paging link.

/** The parts of a FHIR Bundle the merge reads; the rest is kept as sent. */
export type BundlePage = {
  resourceType?: string;
  type?: string;
  link?: { relation?: string; url?: string }[];
  entry?: { fullUrl?: string; resource?: unknown; [key: string]: unknown }[];
  [key: string]: unknown;
};

/** Where the page after this one is: its `cursor` and `_count` (from the `next` link's URL), or null on the last page. */
export function nextPage(page: BundlePage): { cursor: string; count?: number } | null {
  const url = page.link?.find((l) => l.relation === "next")?.url;
  if (!url) return null;
  const query = new URL(url, "https://portal.invalid").searchParams;
  const cursor = query.get("cursor");
  if (!cursor) return null;
  const count = Number(query.get("_count"));
  return Number.isInteger(count) && count > 0 ? { cursor, count } : { cursor };
}

/** The pages as one bundle (see the module's comment). */
export function mergePages(pages: BundlePage[]): BundlePage {
  if (!pages.length) throw new Error("no page to merge");
  const { link: _link, entry: _entry, ...first } = pages[0]!;
  const seen = new Set<string>();
  const entry: NonNullable<BundlePage["entry"]> = [];
  for (const page of pages) {
    for (const e of page.entry ?? []) {
      if (e.fullUrl) {
        if (seen.has(e.fullUrl)) continue;
        seen.add(e.fullUrl);
      }
      entry.push(e);
    }
  }
  return { ...first, entry };
}

/** The most pages one download follows: a guard against a `next` link that never ends. */
export const MAX_PAGES = 10_000;

/**
 * Fetches every page, from the first to the one without `next`, telling `progress` after each
 * (pages so far, distinct entries so far), and answers them merged.
 */
export async function fetchAllPages(
  fetchPage: (next: { cursor: string; count?: number } | null) => Promise<BundlePage>,
  progress?: (pages: number, entries: number) => void,
): Promise<BundlePage> {
  const pages: BundlePage[] = [];
  const seenCursors = new Set<string>();
  const urls = new Set<string>();
  let next: { cursor: string; count?: number } | null = null;
  do {
    const page = await fetchPage(next);
    pages.push(page);
    for (const e of page.entry ?? []) if (e.fullUrl) urls.add(e.fullUrl);
    progress?.(pages.length, urls.size);
    next = nextPage(page);
    if (next) {
      if (seenCursors.has(next.cursor) || pages.length >= MAX_PAGES) throw new Error("the export's pages do not end");
      seenCursors.add(next.cursor);
    }
  } while (next);
  return mergePages(pages);
}
