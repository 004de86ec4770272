import { useQuery } from "@tanstack/react-query";
import { unwrap } from "../api/client";
import { LineChart } from "../components/LineChart";
import { Loaded, NotFound, Page, isNotFound, TableWrap } from "../components/ui";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import { Link } from "../router";

export default function Series({ patientId, code }: { patientId: string; code: string }) {
  const { api } = useApp();
  const { t, date, number } = useI18n();
  const series = useQuery({
    queryKey: ["series", patientId, code],
    queryFn: async () =>
      (await unwrap(api.GET("/patients/{patientId}/observations/{code}/series", { params: { path: { patientId, code } } }))).data,
  });
  if (isNotFound(series.error)) return <NotFound />;
  const title = series.data?.title ?? code;
  return (
    <Page title={t("series.title", { title })}>
      <p>
        <Link to={`/p/${patientId}/records?category=labs`}>{t("app.back")}</Link>
      </p>
      <Loaded query={series}>
        {(s) => (
          <>
            {s.series.map((one) => {
              const unit = one.unit ?? "";
              const numeric = one.points.filter((p) => p.value !== undefined && p.date);
              const withRange = [...one.points].reverse().find((p) => p.low !== undefined || p.high !== undefined);
              return (
                <section key={unit} className="card" aria-label={t("series.unit", { unit })}>
                  <h2>{t("series.unit", { unit })}</h2>
                  {withRange && (
                    <p className="range">
                      {withRange.low !== undefined && withRange.high !== undefined
                        ? t("series.referenceRange", { low: number(withRange.low), high: number(withRange.high), unit })
                        : withRange.high !== undefined
                          ? t("series.referenceBelow", { high: number(withRange.high), unit })
                          : t("series.referenceAbove", { low: number(withRange.low!), unit })}
                    </p>
                  )}
                  <LineChart
                    label={t("series.chartLabel", { title, unit, count: numeric.length })}
                    low={withRange?.low}
                    high={withRange?.high}
                    format={number}
                    points={numeric.map((p) => ({
                      date: p.date!,
                      value: p.value!,
                      label: `${date(p.date!)}: ${number(p.value!)} ${unit} (${p.source.name})`,
                    }))}
                  />
                  <TableWrap label={t("series.table")}>
                  <table>
                    <caption>{t("series.table")}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t("records.date")}</th>
                        <th scope="col">{t("records.value")}</th>
                        <th scope="col">{t("records.source")}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {one.points.map((p) => (
                        <tr key={p.recordId}>
                          <td>{p.date ? date(p.date) : ""}</td>
                          <td>{p.value !== undefined ? `${number(p.value)} ${unit}` : (p.text ?? "")}</td>
                          <td>{p.source.name}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  </TableWrap>
                </section>
              );
            })}
          </>
        )}
      </Loaded>
    </Page>
  );
}
