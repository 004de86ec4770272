// The rollout screens' logic, apart from the components so it is unit-tested on its own: reading
// patient ids, the CSV upload report, a wave's progress, the switch form and the body it sends,
// and the adoption figures as a table and a chart series.

/** Patient ids typed or pasted one per line, or separated by commas, spaces or semicolons; each once. */
export function parsePatientIds(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean))];
}

export type Outcome = "created" | "matched" | "refused";

export interface ReportRow {
  row: number;
  outcome: Outcome;
  patientId?: string | null;
  reason?: string | null;
}

export interface UploadReportLike {
  rows: ReportRow[];
  created: number;
  matched: number;
  refused: number;
}

/** The report's rows to show: refused rows first (they are what the lead must fix), then by row number. */
export function reportRows(report: UploadReportLike): ReportRow[] {
  const rank = (r: ReportRow) => (r.outcome === "refused" ? 0 : 1);
  return [...report.rows].sort((a, b) => rank(a) - rank(b) || a.row - b.row);
}

/** Whether every row was done (created or matched): otherwise the refused ones need fixing. */
export function reportComplete(report: UploadReportLike): boolean {
  return report.refused === 0;
}

export const WAVE_STATUSES = ["queued", "invited", "delivered", "activated", "expired", "refused"] as const;
export type WaveStatus = (typeof WAVE_STATUSES)[number];

export type WaveCounts = Partial<Record<WaveStatus, number>>;

/**
 * A wave's progress. Every member is queued, refused or invited (`invited` counts everyone sent
 * a code, also those who then activated or whose code expired), so the total is the wave's
 * `members`, or those three added up.
 */
export function waveProgress(counts: WaveCounts, members?: number): { total: number; activated: number; sending: number; percent: number } {
  const n = (s: WaveStatus) => Math.max(0, counts[s] ?? 0);
  const total = members ?? n("queued") + n("refused") + n("invited");
  const activated = n("activated");
  return { total, activated, sending: n("queued"), percent: total ? Math.min(100, Math.round((activated / total) * 100)) : 0 };
}

/** Whether a re-send reaches anyone: someone was sent a code and has not activated. */
export function canResend(counts: WaveCounts): boolean {
  return (counts.invited ?? 0) - (counts.activated ?? 0) > 0;
}

export type Mode = "everyone" | "off" | "rules";

export interface SwitchLike<F extends string = string, R extends string = string> {
  feature: F;
  mode: Mode;
  cohorts: string[];
  percentage: number;
  staffRoles: R[];
  killed: boolean;
  version: number;
}

export interface SwitchForm<R extends string = string> {
  mode: Mode;
  cohorts: string[];
  percentage: string;
  staffRoles: R[];
  /** The kill switch stays on until the lead turns it off here (a change never clears it silently). */
  killed: boolean;
  reason: string;
}

export function formOf<R extends string>(s: SwitchLike<string, R>): SwitchForm<R> {
  return { mode: s.mode, cohorts: [...s.cohorts], percentage: String(s.percentage), staffRoles: [...s.staffRoles], killed: s.killed, reason: "" };
}

/**
 * The body of `PUT /rollout/features/{feature}`, or the field errors that keep it from being
 * sent. In modes other than `rules` the rules are cleared, so a switch never keeps a forgotten
 * cohort that would open the feature when someone later picks `rules` again.
 */
export function switchBody<R extends string>(
  form: SwitchForm<R>,
): { body: { mode: Mode; cohorts: string[]; percentage: number; staffRoles: R[]; killed: boolean; reason: string } } | { errors: Record<string, "reason" | "percentage"> } {
  const errors: Record<string, "reason" | "percentage"> = {};
  const reason = form.reason.trim();
  if (reason.length < 3) errors.reason = "reason";
  const text = form.percentage.trim();
  const percentage = text === "" ? 0 : Number(text);
  if (form.mode === "rules" && !(Number.isInteger(percentage) && percentage >= 0 && percentage <= 100)) errors.percentage = "percentage";
  if (Object.keys(errors).length) return { errors };
  const rules = form.mode === "rules";
  return {
    body: {
      mode: form.mode,
      cohorts: rules ? [...form.cohorts].sort() : [],
      percentage: rules ? percentage : 0,
      staffRoles: rules ? [...form.staffRoles].sort() : [],
      killed: form.killed,
      reason,
    },
  };
}

/** How a switch stands, in one word for its heading. */
export function switchState(s: Pick<SwitchLike, "mode" | "killed">): "killed" | Mode {
  return s.killed ? "killed" : s.mode;
}

export interface AdoptionRowLike {
  day: string;
  cohort: string;
  metric: string;
  value: number;
}

/** The metrics in the order the table shows them: the fixed ones, then feature uses by name. */
export const BASE_METRICS = ["invited", "delivered", "activated", "signedIn7d", "signedIn30d"] as const;

export function metricsOf(rows: readonly AdoptionRowLike[]): string[] {
  const seen = new Set(rows.map((r) => r.metric));
  const uses = [...seen].filter((m) => !(BASE_METRICS as readonly string[]).includes(m)).sort();
  return [...BASE_METRICS, ...uses];
}

export interface AdoptionLine {
  day: string;
  cohort: string;
  values: Record<string, number>;
}

/** One line per day and cohort (newest day first, "all" before named cohorts), a value per metric. */
export function adoptionTable(rows: readonly AdoptionRowLike[]): AdoptionLine[] {
  const lines = new Map<string, AdoptionLine>();
  for (const r of rows) {
    const key = `${r.day}\u0000${r.cohort}`;
    let line = lines.get(key);
    if (!line) {
      line = { day: r.day, cohort: r.cohort, values: {} };
      lines.set(key, line);
    }
    line.values[r.metric] = (line.values[r.metric] ?? 0) + r.value;
  }
  const cohortRank = (c: string) => (c === "all" ? "" : c);
  return [...lines.values()].sort((a, b) => (a.day === b.day ? cohortRank(a.cohort).localeCompare(cohortRank(b.cohort)) : b.day.localeCompare(a.day)));
}

/** One cohort's metric per day, oldest first (for the chart); a day without a figure counts 0. */
export function adoptionSeries(rows: readonly AdoptionRowLike[], cohort: string, metric: string): { day: string; value: number }[] {
  const days = [...new Set(rows.map((r) => r.day))].sort();
  const byDay = new Map<string, number>();
  for (const r of rows) if (r.cohort === cohort && r.metric === metric) byDay.set(r.day, (byDay.get(r.day) ?? 0) + r.value);
  return days.map((day) => ({ day, value: byDay.get(day) ?? 0 }));
}

/** A date `days` before `today` (both `YYYY-MM-DD`, calendar arithmetic in UTC). */
export function daysBefore(today: string, days: number): string {
  return new Date(Date.parse(`${today}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}
