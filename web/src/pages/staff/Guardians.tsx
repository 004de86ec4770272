import { useState, type FormEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap, type Schemas } from "../../api/client";
import { ErrorNotice, Field, LoadedList, fieldErrors } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import { RevokeMember } from "../../components/RevokeMember";
import { CaregiverLock } from "./CaregiverLock";

// "Parents and guardians" on the staff patient page (front desk): who may act for the patient
// (guardians marked), and, for a patient under 18, registering a parent or legal guardian once
// their identity and authority were checked in person (`POST /staff/patients/{id}/guardians`).
// The invitation code is shown once here and emailed to them.

const SCOPES: Schemas["Scope"][] = ["records", "messages", "appointments", "billing", "profile"];

/** Whether someone born on `born` (YYYY-MM-DD) is under 18 on the browser's today. The API decides. */
export function isMinor(born: string, today = new Date().toLocaleDateString("en-CA")): boolean {
  const [year, rest] = [Number(born.slice(0, 4)), born.slice(4)];
  return today < `${String(year + 18).padStart(4, "0")}${rest}`;
}

export default function Guardians({ patientId, dateOfBirth }: { patientId: string; dateOfBirth: string }) {
  const { t } = useI18n();
  const minor = isMinor(dateOfBirth);
  return (
    <section className="card" aria-labelledby="h-guardians">
      <h2 id="h-guardians">{t("guardians.title")}</h2>
      <p className="hint">{minor ? t("guardians.intro") : t("guardians.adult")}</p>
      <Circle patientId={patientId} />
      {minor && <GuardianForm patientId={patientId} />}
    </section>
  );
}

function Circle({ patientId }: { patientId: string }) {
  const { api } = useApp();
  const { t, date } = useI18n();
  const members = useQuery({
    queryKey: ["care-circle", patientId],
    queryFn: async () => (await unwrap(api.GET("/patients/{patientId}/care-circle", { params: { path: { patientId } } }))).data,
  });
  return (
    <>
      <h3 id="h-guardians-circle">{t("guardians.circle")}</h3>
      <LoadedList query={members} items={members.data?.items ?? []} empty={t("guardians.none")}>
        {(rows) => (
          <ul className="plain" aria-labelledby="h-guardians-circle">
            {rows.map((m) => (
              <li key={m.invitationId} className="record">
                <p className="record-title">
                  {m.name} <span className="muted">({m.relationship})</span> {m.guardian && <span className="tag">{t("guardians.tag")}</span>}
                </p>
                <p className="record-meta">
                  <span>{t(`guardians.status.${m.status}` as MessageKey)}</span>
                  <span>{m.scopes.map((s) => t(`scope.${s}` as MessageKey)).join(", ")}</span>
                  {m.endsOn && <span>{t("guardians.until", { date: date(m.endsOn) })}</span>}
                </p>
                {/* An accepted invitation names the caregiver's account: the front desk may lock it (issue 21). */}
                {m.caregiverSub && m.status === "active" && <CaregiverLock sub={m.caregiverSub} name={m.name} />}
                {/* The front desk may end anyone's access, a guardian's too (a patient cannot end their guardian's). */}
                {(m.status === "active" || m.status === "invited") && <RevokeMember patientId={patientId} invitationId={m.invitationId} name={m.name} />}
              </li>
            ))}
          </ul>
        )}
      </LoadedList>
    </>
  );
}

function GuardianForm({ patientId }: { patientId: string }) {
  const { api } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const empty = { email: "", name: "", endsOn: "" };
  const [form, setForm] = useState(empty);
  const [relationship, setRelationship] = useState<"parent" | "legal-guardian" | "">("");
  const [scopes, setScopes] = useState<Schemas["Scope"][]>(SCOPES);
  const [checked, setChecked] = useState(false);
  const [missing, setMissing] = useState<{ identity: boolean; relationship: boolean }>({ identity: false, relationship: false });
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [invited, setInvited] = useState<{ name: string; email: string; code: string } | null>(null);
  const set = (name: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [name]: e.target.value });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setInvited(null);
    const now = { identity: !checked, relationship: !relationship };
    setMissing(now);
    if (now.identity || !relationship) return;
    setBusy(true);
    setError(null);
    try {
      const { data } = await unwrap(
        api.POST("/staff/patients/{patientId}/guardians", {
          params: { path: { patientId }, header: { "Idempotency-Key": key } },
          body: {
            email: form.email.trim(),
            name: form.name.trim(),
            relationship,
            ...(scopes.length === SCOPES.length ? {} : { scopes }),
            ...(form.endsOn ? { endsOn: form.endsOn } : {}),
          },
        }),
      );
      setInvited({ name: data.name, email: data.email, code: data.code ?? "" });
      setForm(empty);
      setRelationship("");
      setScopes(SCOPES);
      setChecked(false);
      setKey(crypto.randomUUID());
      await queryClient.invalidateQueries({ queryKey: ["care-circle", patientId] });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const errors = fieldErrors(error);
  const relationshipError = missing.relationship ? t("guardians.chooseRelationship") : errors.relationship;
  // Errors the form has no field for (an adult patient: `patientId`) show as a notice.
  const known = ["email", "name", "relationship", "scopes", "endsOn"];
  const other = Object.entries(errors).filter(([field]) => !known.includes(field));
  return (
    <form className="form" noValidate onSubmit={submit} aria-labelledby="h-guardian-form">
      <h3 id="h-guardian-form">{t("guardians.form")}</h3>
      <fieldset aria-describedby={relationshipError ? "guardian-relationship-error" : undefined}>
        <legend>{t("guardians.relationship")}</legend>
        {(["parent", "legal-guardian"] as const).map((r) => (
          <div key={r} className="field radio">
            <input id={`guardian-${r}`} type="radio" name="guardian-relationship" value={r} checked={relationship === r}
              aria-invalid={relationshipError ? true : undefined} onChange={() => setRelationship(r)} />
            <label htmlFor={`guardian-${r}`}>{r === "parent" ? t("guardians.parent") : t("guardians.legalGuardian")}</label>
          </div>
        ))}
        {relationshipError && (
          <p id="guardian-relationship-error" className="field-error">
            {relationshipError}
          </p>
        )}
      </fieldset>
      <Field label={t("guardians.name")} autoComplete="off" value={form.name} onChange={set("name")} error={errors.name} />
      <Field label={t("guardians.email")} hint={t("guardians.emailHint")} type="email" autoComplete="off" value={form.email}
        onChange={set("email")} error={errors.email} />
      <fieldset aria-describedby={["guardian-scopes-hint", errors.scopes ? "guardian-scopes-error" : ""].join(" ").trim()}>
        <legend>{t("guardians.scopes")}</legend>
        <p id="guardian-scopes-hint" className="hint">
          {t("guardians.scopesHint")}
        </p>
        {SCOPES.map((s) => (
          <div key={s} className="field checkbox">
            <input id={`guardian-scope-${s}`} type="checkbox" checked={scopes.includes(s)}
              onChange={(e) => setScopes(e.target.checked ? SCOPES.filter((x) => x === s || scopes.includes(x)) : scopes.filter((x) => x !== s))} />
            <label htmlFor={`guardian-scope-${s}`}>{t(`scope.${s}` as MessageKey)}</label>
          </div>
        ))}
        {errors.scopes && (
          <p id="guardian-scopes-error" className="field-error">
            {errors.scopes}
          </p>
        )}
      </fieldset>
      <Field label={t("guardians.endsOn")} hint={t("guardians.endsOnHint")} type="date" value={form.endsOn} onChange={set("endsOn")}
        error={errors.endsOn} />
      <div className="field checkbox">
        <input id="guardian-identity" type="checkbox" checked={checked} required
          aria-invalid={missing.identity ? true : undefined} aria-describedby={missing.identity ? "guardian-identity-error" : undefined}
          onChange={(e) => setChecked(e.target.checked)} />
        <label htmlFor="guardian-identity">{t("guardians.identity")}</label>
      </div>
      {missing.identity && (
        <p id="guardian-identity-error" className="field-error">
          {t("guardians.identityMissing")}
        </p>
      )}
      {other.length > 0 && (
        <div role="alert" className="notice error">
          {other.map(([field, message]) => (
            <p key={field}>{field === "patientId" ? t("guardians.adult") : message}</p>
          ))}
        </div>
      )}
      {error !== null && Object.keys(errors).length === 0 && <ErrorNotice error={error} />}
      {invited && (
        <div role="status" className="notice success">
          {invited.code && <p>{t("guardians.code", { name: invited.name, code: invited.code })}</p>}
          <p>{t("guardians.codeHint", { email: invited.email })}</p>
        </div>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {t("guardians.submit")}
        </button>
      </div>
    </form>
  );
}
