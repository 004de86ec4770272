import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/react";
import { ApiError } from "../api/client";
import { I18nProvider } from "../i18n";
import { LoadedList } from "./ui";

// The states every list page shares: loading, an error with nothing to show, empty, and the
// items with a paged list's "more" button and a later page's error beneath them.

const failed = new ApiError(500, { type: "about:blank", title: "Something broke", status: 500 });
const query = (over: Partial<Parameters<typeof LoadedList>[0]["query"]> = {}) => ({
  isPending: false,
  error: null as unknown,
  refetch: vi.fn(),
  ...over,
});

const show = (q: ReturnType<typeof query>, items: string[], more?: string) =>
  render(
    <I18nProvider timeZone="UTC" locale="en">
      <LoadedList query={q} items={items} empty="Nothing yet." {...(more ? { more } : {})}>
        {(rows) => (
          <ul>
            {rows.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        )}
      </LoadedList>
    </I18nProvider>,
  );

describe("LoadedList", () => {
  it("says it is loading", () => {
    show(query({ isPending: true }), []);
    expect(screen.getByRole("status").textContent).toBe("Loading…");
    expect(screen.queryByRole("list")).toBeNull();
  });

  it("shows an error with nothing to show, and retries with a refetch", () => {
    const q = query({ error: failed });
    show(q, []);
    expect(screen.getByRole("alert").textContent).toContain("Something broke");
    fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(q.refetch).toHaveBeenCalledTimes(1);
    expect(screen.queryByText("Nothing yet.")).toBeNull();
  });

  it("says when there are none", () => {
    show(query(), []);
    expect(screen.getByText("Nothing yet.")).toBeTruthy();
    expect(screen.queryByRole("list")).toBeNull();
  });

  it("shows the items, asks for more, and keeps them when a later page fails", () => {
    const fetchNextPage = vi.fn();
    const { unmount } = show(query({ hasNextPage: true, isFetchingNextPage: false, fetchNextPage }), ["a", "b"], "Show more");
    expect(screen.getAllByRole("listitem")).toHaveLength(2);
    fireEvent.click(screen.getByRole("button", { name: "Show more" }));
    expect(fetchNextPage).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole("alert")).toBeNull();
    unmount();

    show(query({ error: failed, hasNextPage: true, isFetchingNextPage: true, fetchNextPage }), ["a", "b"], "Show more");
    expect(screen.getAllByRole("listitem")).toHaveLength(2);
    expect(screen.getByRole("alert").textContent).toContain("Something broke");
    expect((screen.getByRole("button", { name: "Show more" }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.queryByRole("button", { name: "Try again" })).toBeNull();
  });

  it("offers a retry beside the items of an unpaged list whose refresh failed", () => {
    const q = query({ error: failed });
    show(q, ["a"]);
    expect(screen.getAllByRole("listitem")).toHaveLength(1);
    fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(q.refetch).toHaveBeenCalledTimes(1);
  });
});
