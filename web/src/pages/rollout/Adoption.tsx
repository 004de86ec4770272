import { useMemo, useState, type FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { unwrap } from "../../api/client";
import { LineChart } from "../../components/LineChart";
import { ErrorNotice, Field, Loaded, Page, TableWrap, fieldErrors } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import { adoptionSeries, adoptionTable, daysBefore, metricsOf, type AdoptionRowLike } from "../../rollout";
import { featureKey } from "../../features";
import { todayIn } from "../../time";

type Range = { from: string; to: string };

/** Per day and cohort: invited, delivered, activated, signed in (7 and 30 days), uses per feature; a chart and a CSV. */
export default function Adoption() {
  const { api, config } = useApp();
  const { t } = useI18n();
  // The practice's days: the API refuses a day after its today.
  const [form, setForm] = useState<Range>(() => {
    const today = todayIn(config.practiceTimeZone);
    return { from: daysBefore(today, 29), to: today };
  });
  const [range, setRange] = useState<Range>(form);
  const [error, setError] = useState<unknown>(null);
  const adoption = useQuery({
    queryKey: ["rollout", "adoption", range],
    queryFn: async () => {
      const { data } = await unwrap(api.GET("/rollout/adoption", { params: { query: { ...range, format: "json" } } }));
      if (typeof data === "string") throw new Error("adoption: CSV where JSON was asked for");
      return data;
    },
  });
  const rangeErrors = fieldErrors(adoption.error ?? error);
  const show = (event: FormEvent) => {
    event.preventDefault();
    setRange({ ...form });
  };
  const download = async () => {
    setError(null);
    try {
      const { data } = await unwrap(
        api.GET("/rollout/adoption", { params: { query: { ...range, format: "csv" } }, parseAs: "text" }),
      );
      const url = URL.createObjectURL(new Blob([data as unknown as string], { type: "text/csv" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = `adoption-${range.from}-${range.to}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Page title={t("adoption.title")}>
      <p>{t("adoption.intro")}</p>
      <form onSubmit={show} className="card form" noValidate aria-label={t("adoption.show")}>
        <Field label={t("adoption.from")} type="date" value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })}
          error={rangeErrors.from} />
        <Field label={t("adoption.to")} type="date" value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })}
          error={rangeErrors.to} />
        <div className="actions">
          <button type="submit" className="primary">
            {t("adoption.show")}
          </button>
          <button type="button" onClick={() => void download()}>
            {t("adoption.download")}
          </button>
        </div>
        {error !== null && !rangeErrors.from && !rangeErrors.to && <ErrorNotice error={error} />}
      </form>
      {adoption.error && (rangeErrors.from || rangeErrors.to) ? null : (
        <Loaded query={adoption}>{(data) => <Figures rows={data.rows} />}</Loaded>
      )}
    </Page>
  );
}

export function metricLabel(metric: string, t: (k: MessageKey, v?: Record<string, string>) => string): string {
  if (metric.startsWith("use:")) return t("adoption.uses", { feature: t(featureKey(metric.slice(4))) });
  return t(`adoption.metric.${metric}` as MessageKey);
}

function Figures({ rows }: { rows: AdoptionRowLike[] }) {
  const { t, date, number } = useI18n();
  const metrics = useMemo(() => metricsOf(rows), [rows]);
  const lines = useMemo(() => adoptionTable(rows), [rows]);
  const cohorts = useMemo(() => [...new Set(["all", ...rows.map((r) => r.cohort)])], [rows]);
  const [cohort, setCohort] = useState("all");
  const [metric, setMetric] = useState("activated");
  const cohortName = (c: string) => (c === "all" ? t("adoption.all") : c);
  if (!rows.length) return <p className="muted">{t("app.none")}</p>;
  const series = adoptionSeries(rows, cohort, metric);
  const label = t("adoption.chartLabel", { metric: metricLabel(metric, t), cohort: cohortName(cohort), count: series.length });
  return (
    <>
      <section className="card" aria-labelledby="h-adoption-chart">
        <h2 id="h-adoption-chart">{label}</h2>
        <div className="grid">
          <div className="field">
            <label htmlFor="chart-cohort">{t("adoption.chartCohort")}</label>
            <select id="chart-cohort" value={cohort} onChange={(e) => setCohort(e.target.value)}>
              {cohorts.map((c) => (
                <option key={c} value={c}>
                  {cohortName(c)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="chart-metric">{t("adoption.chartMetric")}</label>
            <select id="chart-metric" value={metric} onChange={(e) => setMetric(e.target.value)}>
              {metrics.map((m) => (
                <option key={m} value={m}>
                  {metricLabel(m, t)}
                </option>
              ))}
            </select>
          </div>
        </div>
        <LineChart
          label={label}
          format={number}
          points={series.map((p) => ({ date: p.day, value: p.value, label: `${date(p.day)}: ${number(p.value)}` }))}
        />
      </section>
      <TableWrap label={t("adoption.table")}>
        <table>
          <caption>{t("adoption.table")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("adoption.day")}</th>
              <th scope="col">{t("adoption.cohort")}</th>
              {metrics.map((m) => (
                <th key={m} scope="col">
                  {metricLabel(m, t)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {lines.map((l) => (
              <tr key={`${l.day}-${l.cohort}`}>
                <th scope="row">{date(l.day)}</th>
                <td>{cohortName(l.cohort)}</td>
                {metrics.map((m) => (
                  <td key={m}>{number(l.values[m] ?? 0)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </>
  );
}
