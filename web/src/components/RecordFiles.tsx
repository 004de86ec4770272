import { useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError, unwrap, type Schemas } from "../api/client";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import { ErrorNotice } from "./ui";
import { usePatientFeatures } from "../features";
import { Link } from "../router";
import { fetchAllPages, type BundlePage } from "../pages/records/exportPages";

/** Download the whole record as a FHIR bundle; import a bundle from another provider and read its report. */
export function RecordFiles({ patientId }: { patientId: string }) {
  const { api } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<Schemas["ImportReport"] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const importing = usePatientFeatures(patientId).on("record-import");
  const [progress, setProgress] = useState<{ pages: number; entries: number } | null>(null);
  const [exported, setExported] = useState<number | null>(null);

  // The export comes in pages for a large record: every page is fetched, and saved as one bundle.
  const download = async () => {
    setError(null);
    setExported(null);
    setProgress({ pages: 0, entries: 0 });
    try {
      const bundle = await fetchAllPages(
        async (next) =>
          (
            await unwrap(
              api.GET("/patients/{patientId}/export", {
                params: { path: { patientId }, query: next ? { cursor: next.cursor, ...(next.count ? { _count: next.count } : {}) } : {} },
              }),
            )
          ).data as BundlePage,
        (pages, entries) => setProgress({ pages, entries }),
      );
      const url = URL.createObjectURL(new Blob([JSON.stringify(bundle)], { type: "application/fhir+json" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = "health-record.fhir.json";
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setExported(bundle.entry?.length ?? 0);
    } catch (e) {
      setError(e);
    } finally {
      setProgress(null);
    }
  };
  const upload = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setError(null);
    setReport(null);
    setBusy(true);
    try {
      let bundle: Schemas["FhirBundle"];
      try {
        bundle = JSON.parse(await file.text()) as Schemas["FhirBundle"];
      } catch {
        throw new ApiError(400, { type: "about:blank", title: t("records.import"), detail: "JSON" });
      }
      const { data } = await unwrap(
        api.POST("/patients/{patientId}/imports", {
          params: { path: { patientId } },
          body: bundle,
          headers: { "Content-Type": "application/fhir+json" },
        }),
      );
      setReport(data);
      await queryClient.invalidateQueries({ queryKey: ["records", patientId] });
      await queryClient.invalidateQueries({ queryKey: ["sources", patientId] });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="h-files">
      <h2 id="h-files" className="visually-hidden">
        FHIR
      </h2>
      <button type="button" onClick={() => void download()} disabled={progress !== null}>
        {t("records.export")}
      </button>
      <p role="status" className="muted">
        {progress && progress.pages > 0
          ? t("export.progress", { page: progress.pages, count: progress.entries })
          : exported !== null
            ? t("export.done", { count: exported })
            : ""}
      </p>
      {importing && (
      <>
      <p>
        <Link to={`/p/${patientId}/records/imports`}>{t("imports.link")}</Link>
      </p>
      <form onSubmit={upload} className="form" noValidate>
        <div className="field">
          <label htmlFor="import-file">{t("records.import")}</label>
          <input id="import-file" type="file" accept=".json,application/json,application/fhir+json"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </div>
        <button type="submit" disabled={!file || busy}>
          {t("records.importButton")}
        </button>
      </form>
      </>
      )}
      {error !== null && <ErrorNotice error={error} />}
      {report && (
        <div role="status" className="notice success">
          <p>{t("records.imported", { imported: report.importedTotal, skipped: report.skippedTotal })}</p>
          <ul>
            {report.sources.map((s) => (
              <li key={s.sourceId}>
                {s.name}: {s.imported}
              </li>
            ))}
          </ul>
          <Link to={`/p/${patientId}/records/imports/${report.importId}`}>{t("imports.fullReport")}</Link>
        </div>
      )}
    </section>
  );
}
