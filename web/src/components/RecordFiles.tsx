import { useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError, unwrap, type Schemas } from "../api/client";
import { useApp } from "../context";
import { useI18n } from "../i18n";
import { ErrorNotice } from "./ui";
import { usePatientFeatures } from "../features";

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

  const download = async () => {
    setError(null);
    try {
      const { data } = await unwrap(api.GET("/patients/{patientId}/export", { params: { path: { patientId } }, parseAs: "text" }));
      const url = URL.createObjectURL(new Blob([data as unknown as string], { type: "application/fhir+json" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = "health-record.fhir.json";
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setError(e);
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
      <button type="button" onClick={() => void download()}>
        {t("records.export")}
      </button>
      {importing && (
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
        </div>
      )}
    </section>
  );
}
