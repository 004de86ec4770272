import { useId, useState, type FormEvent, type KeyboardEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError } from "../../api/client";
import { ErrorNotice, Field, fieldErrors } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { conflictKey, refreshPatient, requestRefill, usePharmacies, type PharmacyChoice } from "./api";
import { ErrorSummary, PharmacyFields, PharmacyText, pharmacyIds, pharmacyLabels } from "./parts";
import { checkPharmacy, emptyPharmacyForm, NOTE_MAX, REQUEST_NEEDS_PHARMACY_ID, type PharmacyForm, type RefillMedication, type RefillRequest } from "./refills";

type Mode = "directory" | "entered";

/**
 * Asking for one medication's renewal: a pharmacy of the practice's list (searched by name) or
 * one typed in, and an optional note. Sent with an Idempotency-Key, kept across retries of the
 * same request and renewed once the API has answered it (so a corrected request is a new one).
 */
export function RequestForm({
  patientId,
  medication,
  onSent,
  onCancel,
}: {
  patientId: string;
  medication: RefillMedication;
  onSent: (request: RefillRequest) => void;
  onCancel: () => void;
}) {
  const { api } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const base = useId();
  const [mode, setMode] = useState<Mode>("directory");
  const [search, setSearch] = useState("");
  const [query, setQuery] = useState("");
  const [pharmacyId, setPharmacyId] = useState("");
  const [pharmacy, setPharmacy] = useState<PharmacyForm>(emptyPharmacyForm);
  const [note, setNote] = useState("");
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [local, setLocal] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const directory = usePharmacies(query, mode === "directory");

  const ids: Record<string, string> = { pharmacy: `${base}-search`, note: `${base}-note`, ...pharmacyIds(base, "pharmacy.") };
  const labels: Record<string, string> = { pharmacy: t("refills.form.pharmacy"), note: t("refills.form.note"), ...pharmacyLabels(t, "pharmacy.") };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const problems: Record<string, string> = {};
    let choice: PharmacyChoice | null = null;
    if (mode === "directory") {
      if (pharmacyId) choice = { pharmacyId };
      else problems.pharmacy = t("refills.error.pharmacyChoice");
    } else {
      const checked = checkPharmacy(pharmacy, { requireId: REQUEST_NEEDS_PHARMACY_ID });
      if ("problems" in checked) for (const [field, k] of Object.entries(checked.problems)) problems[`pharmacy.${field}`] = t(k);
      else choice = checked.body;
    }
    if (note.trim().length > NOTE_MAX) problems.note = t("refills.error.tooLong");
    setLocal(problems);
    if (Object.keys(problems).length || !choice) return;
    setBusy(true);
    try {
      const request = await requestRefill(api, patientId, { recordId: medication.recordId, pharmacy: choice, ...(note.trim() ? { note: note.trim() } : {}) }, key);
      refreshPatient(queryClient, patientId);
      onSent(request);
    } catch (e) {
      // Answered (not lost on the way): the next attempt is a new request with a key of its own.
      if (e instanceof ApiError && e.status >= 400 && e.status < 500) setKey(crypto.randomUUID());
      // The medication's state changed under us (already open, no longer eligible): show it.
      if (conflictKey(e)) refreshPatient(queryClient, patientId);
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const apiErrors = fieldErrors(error);
  if (apiErrors["pharmacy.pharmacyId"]) apiErrors.pharmacy = apiErrors["pharmacy.pharmacyId"];
  const errors = { ...apiErrors, ...local };
  const conflict = conflictKey(error);
  const placed = Object.keys(apiErrors).some((f) => ids[f]);
  const searchNow = () => setQuery(search.trim());
  const onSearchKey = (event: KeyboardEvent<HTMLInputElement>) => {
    // Enter searches (it would otherwise send the whole request).
    if (event.key === "Enter") {
      event.preventDefault();
      searchNow();
    }
  };
  const title = t("refills.form.title", { medication: medication.title });

  return (
    <form onSubmit={submit} className="card form" noValidate aria-label={title}>
      <h4>{title}</h4>
      <p className="hint">{t("refills.form.intro")}</p>
      <ErrorSummary errors={errors} fieldIds={ids} labels={labels} />
      <fieldset>
        <legend>{t("refills.form.pharmacy")}</legend>
        <div className="field radio">
          <input id={`${base}-mode-dir`} type="radio" name={`${base}-mode`} checked={mode === "directory"} onChange={() => setMode("directory")} />
          <label htmlFor={`${base}-mode-dir`}>{t("refills.form.fromDirectory")}</label>
        </div>
        <div className="field radio">
          <input id={`${base}-mode-new`} type="radio" name={`${base}-mode`} checked={mode === "entered"} onChange={() => setMode("entered")} />
          <label htmlFor={`${base}-mode-new`}>{t("refills.form.enterOne")}</label>
        </div>
      </fieldset>
      {mode === "directory" ? (
        <>
          <div className="field">
            <label htmlFor={ids.pharmacy}>{t("refills.form.search")}</label>
            <p id={`${base}-search-hint`} className="hint">
              {t("refills.form.searchHint")}
            </p>
            <div className="refill-actions">
              <input
                id={ids.pharmacy}
                type="search"
                value={search}
                maxLength={100}
                aria-describedby={`${base}-search-hint${errors.pharmacy ? ` ${base}-pharmacy-error` : ""}`}
                aria-invalid={errors.pharmacy ? true : undefined}
                onChange={(e) => setSearch(e.target.value)}
                onKeyDown={onSearchKey}
              />
              <button type="button" onClick={searchNow}>
                {t("refills.form.searchButton")}
              </button>
            </div>
            {errors.pharmacy && (
              <p id={`${base}-pharmacy-error`} className="field-error">
                {errors.pharmacy}
              </p>
            )}
          </div>
          {directory.isPending ? (
            <p role="status" className="muted">
              {t("app.loading")}
            </p>
          ) : directory.error ? (
            <ErrorNotice error={directory.error} retry={() => void directory.refetch()} />
          ) : directory.data?.length ? (
            <fieldset className="refill-pharmacy-choices">
              <legend>{t("refills.form.results")}</legend>
              {directory.data.map((p) => (
                <div key={p.pharmacyId} className="field radio">
                  <input
                    id={`${base}-ph-${p.pharmacyId}`}
                    type="radio"
                    name={`${base}-pharmacy`}
                    value={p.pharmacyId}
                    checked={pharmacyId === p.pharmacyId}
                    onChange={() => setPharmacyId(p.pharmacyId)}
                  />
                  <label htmlFor={`${base}-ph-${p.pharmacyId}`}>
                    <PharmacyText pharmacy={p} />
                  </label>
                </div>
              ))}
            </fieldset>
          ) : (
            <p className="muted" role="status">
              {t("refills.form.noResults")}
            </p>
          )}
        </>
      ) : (
        <PharmacyFields form={pharmacy} onChange={setPharmacy} errors={errors} prefix="pharmacy." base={base} idsRequired={REQUEST_NEEDS_PHARMACY_ID} />
      )}
      <Field
        id={ids.note}
        label={t("refills.form.note")}
        hint={t("refills.form.noteHint")}
        multiline
        maxLength={NOTE_MAX}
        value={note}
        onChange={(e) => setNote(e.target.value)}
        error={errors.note}
      />
      {conflict ? (
        <p role="alert" className="notice error">
          {t(conflict)}
        </p>
      ) : (
        error !== null && !placed && <ErrorNotice error={error} />
      )}
      <div className="refill-actions">
        <button type="submit" className="primary" disabled={busy}>
          {t("refills.form.send")}
        </button>
        <button type="button" onClick={onCancel}>
          {t("refills.form.cancel")}
        </button>
      </div>
    </form>
  );
}
