import { describe, expect, it } from "vitest";
import { layout } from "./LineChart";

describe("chart layout", () => {
  const points = [
    { date: "2023-01-10", value: 7.9, label: "" },
    { date: "2023-06-10", value: 7.2, label: "" },
    { date: "2024-01-10", value: 6.8, label: "" },
  ];

  it("puts later dates to the right and higher values higher", () => {
    const g = layout(points, 4, 5.6);
    expect(g.xs[0]!).toBeLessThan(g.xs[1]!);
    expect(g.xs[1]!).toBeLessThan(g.xs[2]!);
    expect(g.ys[0]!).toBeLessThan(g.ys[2]!); // SVG y grows downwards
  });

  it("draws the reference range below values above it", () => {
    const g = layout(points, 4, 5.6);
    expect(g.band).not.toBeNull();
    // The band's top (5.6) lies below the lowest point (6.8).
    expect(g.band!.y).toBeGreaterThan(Math.max(...g.ys));
    expect(g.band!.height).toBeGreaterThan(0);
  });

  it("copes with one point and no range", () => {
    const g = layout([points[0]!]);
    expect(g.band).toBeNull();
    expect(Number.isFinite(g.xs[0]!)).toBe(true);
    expect(Number.isFinite(g.ys[0]!)).toBe(true);
  });
});
