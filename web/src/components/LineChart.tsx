export interface Point {
  date: string;
  value: number;
  label: string;
}

export interface ChartGeometry {
  xs: number[];
  ys: number[];
  band: { y: number; height: number } | null;
  yTicks: { y: number; value: number }[];
}

const W = 320;
const H = 180;
const PAD = { left: 40, right: 12, top: 12, bottom: 24 };

/** Positions of the points and of the reference band in a W×H box (pure, for tests). */
export function layout(points: Point[], low?: number, high?: number): ChartGeometry {
  const times = points.map((p) => Date.parse(p.date.length === 10 ? `${p.date}T00:00:00Z` : p.date));
  const values = points.map((p) => p.value);
  const all = [...values, ...(low !== undefined ? [low] : []), ...(high !== undefined ? [high] : [])];
  let min = Math.min(...all);
  let max = Math.max(...all);
  if (min === max) {
    min -= 1;
    max += 1;
  }
  const margin = (max - min) * 0.1;
  min -= margin;
  max += margin;
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const x = (t: number) => (t1 === t0 ? (PAD.left + W - PAD.right) / 2 : PAD.left + ((t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right));
  const y = (v: number) => PAD.top + (1 - (v - min) / (max - min)) * (H - PAD.top - PAD.bottom);
  const band =
    low !== undefined || high !== undefined
      ? { y: y(high ?? max), height: y(low ?? min) - y(high ?? max) }
      : null;
  const yTicks = [0, 0.5, 1].map((f) => {
    const value = min + margin + f * (max - min - 2 * margin);
    return { y: y(value), value };
  });
  return { xs: times.map(x), ys: values.map(y), band, yTicks };
}

/** A small SVG line chart: the points, the reference range as a band. A table beside it carries the same data. */
export function LineChart({
  points,
  low,
  high,
  label,
  format,
}: {
  points: Point[];
  low?: number;
  high?: number;
  label: string;
  format: (n: number) => string;
}) {
  if (!points.length) return null;
  const g = layout(points, low, high);
  const path = g.xs.map((x, i) => `${i ? "L" : "M"}${x.toFixed(1)},${g.ys[i]!.toFixed(1)}`).join(" ");
  return (
    <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} className="chart">
      {g.band && <rect x={PAD.left} width={W - PAD.left - PAD.right} y={g.band.y} height={Math.max(g.band.height, 0)} className="band" />}
      {g.yTicks.map((tick) => (
        <g key={tick.y}>
          <line x1={PAD.left} x2={W - PAD.right} y1={tick.y} y2={tick.y} className="grid-line" />
          <text x={PAD.left - 4} y={tick.y + 4} textAnchor="end" className="tick">
            {format(tick.value)}
          </text>
        </g>
      ))}
      <path d={path} className="line" />
      {g.xs.map((x, i) => (
        <circle key={i} cx={x} cy={g.ys[i]} r={4} className="point">
          <title>{points[i]!.label}</title>
        </circle>
      ))}
    </svg>
  );
}
