import { useId, useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError, unwrap } from "../../../api/client";
import { ErrorNotice, LoadedList, Page, TableWrap, fieldErrors } from "../../../components/ui";
import { useApp } from "../../../context";
import { useI18n } from "../../../i18n";
import { usePharmacies } from "../api";
import { ErrorSummary, PharmacyFields, pharmacyIds, pharmacyLabels } from "../parts";
import { checkPharmacy, emptyPharmacyForm, type Pharmacy, type PharmacyForm } from "../refills";
import "../refills.css";

// "Pharmacies" (admins, front desk): the directory patients choose from; add one, retire one.

export default function Pharmacies() {
  const { t } = useI18n();
  const [filter, setFilter] = useState("");
  const [said, setSaid] = useState<string | null>(null);
  const list = usePharmacies(filter.trim());
  const caption = t("pharmacies.caption");
  return (
    <Page title={t("pharmacies.title")}>
      <p>{t("pharmacies.intro")}</p>
      {said && (
        <p role="status" className="notice success">
          {said}
        </p>
      )}
      <section className="card" aria-labelledby="h-directory">
        <h2 id="h-directory">{caption}</h2>
        <div className="field">
          <label htmlFor="pharmacy-filter">{t("pharmacies.filter")}</label>
          <input id="pharmacy-filter" type="search" maxLength={100} value={filter} onChange={(e) => setFilter(e.target.value)} />
        </div>
        <LoadedList query={list} items={list.data ?? []} empty={t("pharmacies.none")}>
          {(rows) => (
            <TableWrap label={caption}>
              <table>
                <caption>{caption}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("pharmacies.col.name")}</th>
                    <th scope="col">{t("pharmacies.col.address")}</th>
                    <th scope="col">{t("pharmacies.col.phone")}</th>
                    <th scope="col">{t("pharmacies.col.ids")}</th>
                    <th scope="col">{t("pharmacies.col.actions")}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((p) => (
                    <Row key={p.pharmacyId} pharmacy={p} onRetired={() => setSaid(t("pharmacies.retired", { name: p.name }))} />
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        </LoadedList>
      </section>
      <AddPharmacy onAdded={(p) => setSaid(t("pharmacies.added", { name: p.name }))} />
    </Page>
  );
}

function Row({ pharmacy: p, onRetired }: { pharmacy: Pharmacy; onRetired: () => void }) {
  const { api } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const retire = async () => {
    setBusy(true);
    setError(null);
    try {
      await unwrap(api.DELETE("/staff/pharmacies/{pharmacyId}", { params: { path: { pharmacyId: p.pharmacyId } } }));
      await queryClient.invalidateQueries({ queryKey: ["refills", "pharmacies"] });
      onRetired();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const a = p.address;
  return (
    <tr>
      <th scope="row">{p.name}</th>
      <td>
        {a.line}, {a.city}, {a.state} {a.postalCode}
      </td>
      <td>{p.phone}</td>
      <td>
        {[p.ncpdpId && t("refills.pharmacy.ncpdpShort", { id: p.ncpdpId }), p.npi && t("refills.pharmacy.npiShort", { id: p.npi })].filter(Boolean).join(" · ")}
      </td>
      <td>
        {/* Named in full by aria-label: a hidden span in a scrolled table would widen the page. */}
        <button type="button" className="danger" disabled={busy} aria-label={t("pharmacies.retireName", { name: p.name })} onClick={() => void retire()}>
          {t("pharmacies.retire")}
        </button>
        {error !== null && <ErrorNotice error={error} />}
      </td>
    </tr>
  );
}

function AddPharmacy({ onAdded }: { onAdded: (pharmacy: Pharmacy) => void }) {
  const { api } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const base = useId();
  const [form, setForm] = useState<PharmacyForm>(emptyPharmacyForm);
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [local, setLocal] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const ids = pharmacyIds(base, "");
  const labels = pharmacyLabels(t, "");

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const checked = checkPharmacy(form, { requireId: true });
    if ("problems" in checked) {
      setLocal(Object.fromEntries(Object.entries(checked.problems).map(([f, k]) => [f, t(k)])));
      return;
    }
    setLocal({});
    setBusy(true);
    try {
      const { data } = await unwrap(api.POST("/staff/pharmacies", { params: { header: { "Idempotency-Key": key } }, body: checked.body }));
      await queryClient.invalidateQueries({ queryKey: ["refills", "pharmacies"] });
      setForm(emptyPharmacyForm);
      setKey(crypto.randomUUID());
      onAdded(data);
    } catch (e) {
      if (e instanceof ApiError && e.status >= 400 && e.status < 500) setKey(crypto.randomUUID());
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const apiErrors = fieldErrors(error);
  const errors = { ...apiErrors, ...local };
  const placed = Object.keys(apiErrors).some((f) => ids[f]);
  return (
    <form onSubmit={submit} className="card form" noValidate aria-labelledby={`${base}-h`}>
      <h2 id={`${base}-h`}>{t("pharmacies.add")}</h2>
      <ErrorSummary errors={errors} fieldIds={ids} labels={labels} />
      <PharmacyFields form={form} onChange={setForm} errors={errors} prefix="" base={base} idsRequired />
      {error !== null && !placed && <ErrorNotice error={error} />}
      <button type="submit" className="primary" disabled={busy}>
        {t("pharmacies.addButton")}
      </button>
    </form>
  );
}
