import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, unwrap, type Schemas } from "../../api/client";
import { ErrorNotice, Field, Loaded, Page, TableWrap, fieldErrors } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import { featureKey } from "../../features";
import { formOf, switchBody, switchState, type Mode, type SwitchForm } from "../../rollout";
import { useCohorts, useWho } from "./Cohorts";

type SwitchView = Schemas["FeatureSwitch"];
type Feature = SwitchView["feature"];
type StaffRole = SwitchView["staffRoles"][number];

const MODES: Mode[] = ["everyone", "off", "rules"];
const STAFF_ROLES: StaffRole[] = ["clinicians", "front-desk", "response-team", "portal-leads", "admins"];

/** Every patient-facing feature's switch: who sees it, the kill switch, its history, and why a patient sees it or not. */
export default function Switches() {
  const { api } = useApp();
  const { t } = useI18n();
  const switches = useQuery({
    queryKey: ["rollout", "features"],
    queryFn: async () => (await unwrap(api.GET("/rollout/features"))).data,
  });
  return (
    <Page title={t("features.title")}>
      <p>{t("features.intro")}</p>
      <Loaded query={switches}>
        {(page) => (
          <>
            {page.items.map((s) => (
              <SwitchCard key={s.feature} current={s} />
            ))}
          </>
        )}
      </Loaded>
    </Page>
  );
}

function SwitchCard({ current }: { current: SwitchView }) {
  const { t } = useI18n();
  const [saved, setSaved] = useState(false);
  const name = t(featureKey(current.feature));
  const headingId = `h-switch-${current.feature}`;
  const state = switchState(current);
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{name}</h2>
      <p>
        <span className={state === "killed" || state === "off" ? "tag off" : state === "everyone" ? "tag on" : "tag"}>
          {t(`features.state.${state}` as MessageKey)}
        </span>{" "}
        <span className="muted">{t("features.version", { version: current.version })}</span>
      </p>
      {current.mode === "rules" && <RulesSummary current={current} />}
      {saved && (
        <p role="status" className="notice success">
          {t("features.saved", { feature: name })}
        </p>
      )}
      {current.killed ? (
        <p role="status" className="notice error">
          {t("features.killed", { feature: name })} {t("features.restoreHint")}
        </p>
      ) : (
        <KillSwitch feature={current.feature} name={name} />
      )}
      <details>
        <summary>{t("rollout.change")}: {name}</summary>
        <SwitchEditor current={current} name={name} onSaved={() => setSaved(true)} />
      </details>
      <details>
        <summary>{t("features.history")}: {name}</summary>
        <SwitchHistory feature={current.feature} />
      </details>
      <details>
        <summary>{t("features.explain")}: {name}</summary>
        <Explain feature={current.feature} />
      </details>
    </section>
  );
}

function RulesSummary({ current }: { current: SwitchView }) {
  const { t } = useI18n();
  return (
    <dl className="facts stacked">
      <dt>{t("features.cohorts")}</dt>
      <dd>{current.cohorts.length ? current.cohorts.join(", ") : "—"}</dd>
      <dt>{t("features.percentage")}</dt>
      <dd>{current.percentage}%</dd>
      <dt>{t("features.staffRoles")}</dt>
      <dd>{current.staffRoles.length ? current.staffRoles.map((r) => t(`role.${r}` as MessageKey)).join(", ") : "—"}</dd>
    </dl>
  );
}

function useRefreshSwitches() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ["rollout", "features"] }),
      queryClient.invalidateQueries({ queryKey: ["rollout", "feature-history"] }),
      // The app's own view of features (the lead may be looking at a patient too).
      queryClient.invalidateQueries({ queryKey: ["features"] }),
    ]);
}

function SwitchEditor({ current, name, onSaved }: { current: SwitchView; name: string; onSaved: () => void }) {
  const { api } = useApp();
  const { t } = useI18n();
  const id = useId();
  const refresh = useRefreshSwitches();
  const cohorts = useCohorts();
  const [form, setForm] = useState<SwitchForm<StaffRole>>(() => formOf(current));
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  // A new version (this form's change, a kill, or someone else's change): start from it.
  useEffect(() => {
    setForm(formOf(current));
  }, [current.version]);
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const checked = switchBody(form);
    if ("errors" in checked) {
      setLocal(
        Object.fromEntries(
          Object.keys(checked.errors).map((k) => [k, k === "reason" ? t("features.reasonRequired") : "0–100"]),
        ),
      );
      return;
    }
    setLocal({});
    setBusy(true);
    try {
      await unwrap(
        api.PUT("/rollout/features/{feature}", {
          params: { path: { feature: current.feature }, header: { "If-Match": `"${current.version}"` } },
          body: checked.body,
        }),
      );
      await refresh();
      onSaved();
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) await refresh();
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const errors = { ...fieldErrors(error), ...local };
  const stale = error instanceof ApiError && error.status === 412;
  const toggle = <T extends string>(list: T[], value: T, on: boolean) => (on ? [...list, value] : list.filter((x) => x !== value));
  return (
    <form onSubmit={save} className="form" noValidate aria-label={`${t("rollout.change")}: ${name}`}>
      <fieldset>
        <legend>{t("features.mode")}</legend>
        {MODES.map((m) => (
          <div key={m} className="field radio">
            <input id={`${id}-mode-${m}`} type="radio" name={`${id}-mode`} value={m} checked={form.mode === m}
              onChange={() => setForm({ ...form, mode: m })} />
            <label htmlFor={`${id}-mode-${m}`}>{t(`mode.${m}` as MessageKey)}</label>
          </div>
        ))}
        {errors.mode && <p className="field-error">{errors.mode}</p>}
      </fieldset>
      {form.mode === "rules" && (
        <>
          <fieldset>
            <legend>{t("features.cohorts")}</legend>
            {cohorts.data?.items.length ? (
              cohorts.data.items.map((c) => (
                <div key={c.name} className="field checkbox">
                  <input id={`${id}-cohort-${c.name}`} type="checkbox" checked={form.cohorts.includes(c.name)}
                    onChange={(e) => setForm({ ...form, cohorts: toggle(form.cohorts, c.name, e.target.checked) })} />
                  <label htmlFor={`${id}-cohort-${c.name}`}>{c.name}</label>
                </div>
              ))
            ) : (
              <p className="muted">{cohorts.isPending ? t("app.loading") : t("features.noCohorts")}</p>
            )}
            {errors.cohorts && <p className="field-error">{errors.cohorts}</p>}
          </fieldset>
          <Field label={t("features.percentage")} hint={t("features.percentageHint")} type="number" inputMode="numeric" min={0} max={100}
            value={form.percentage} onChange={(e) => setForm({ ...form, percentage: e.target.value })} error={errors.percentage} />
          <fieldset>
            <legend>{t("features.staffRoles")}</legend>
            {STAFF_ROLES.map((r) => (
              <div key={r} className="field checkbox">
                <input id={`${id}-role-${r}`} type="checkbox" checked={form.staffRoles.includes(r)}
                  onChange={(e) => setForm({ ...form, staffRoles: toggle(form.staffRoles, r, e.target.checked) })} />
                <label htmlFor={`${id}-role-${r}`}>{t(`role.${r}` as MessageKey)}</label>
              </div>
            ))}
            {errors.staffRoles && <p className="field-error">{errors.staffRoles}</p>}
          </fieldset>
        </>
      )}
      {current.killed && (
        <div className="field checkbox">
          <input id={`${id}-killed`} type="checkbox" checked={form.killed} onChange={(e) => setForm({ ...form, killed: e.target.checked })} />
          <label htmlFor={`${id}-killed`}>{t("features.keepKilled")}</label>
        </div>
      )}
      <Field label={t("features.reason")} multiline value={form.reason} onChange={(e) => setForm({ ...form, reason: e.target.value })}
        error={errors.reason} />
      {stale && (
        <p role="alert" className="notice error">
          {t("features.stale")}
        </p>
      )}
      {error !== null && !stale && Object.keys(fieldErrors(error)).length === 0 && <ErrorNotice error={error} />}
      <button type="submit" className="primary" disabled={busy}>
        {t("features.save")}
      </button>
    </form>
  );
}

function KillSwitch({ feature, name }: { feature: Feature; name: string }) {
  const { api } = useApp();
  const { t } = useI18n();
  const refresh = useRefreshSwitches();
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (confirming) panel.current?.querySelector("textarea")?.focus();
  }, [confirming]);
  const kill = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const why = reason.trim();
    setMissing(why.length < 3);
    if (why.length < 3) return;
    setBusy(true);
    try {
      await unwrap(api.POST("/rollout/features/{feature}/kill", { params: { path: { feature } }, body: { reason: why } }));
      await refresh();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  if (!confirming) {
    return (
      <button type="button" className="danger" aria-label={`${t("features.kill")}: ${name}`} onClick={() => setConfirming(true)}>
        {t("features.kill")}
      </button>
    );
  }
  const errors = fieldErrors(error);
  return (
    <div ref={panel} className="confirm">
      <form onSubmit={kill} className="form" noValidate aria-label={t("features.kill")}>
        <p className="notice-title">{t("features.killConfirm", { feature: name })}</p>
        <Field label={t("features.reason")} multiline value={reason} onChange={(e) => setReason(e.target.value)}
          error={missing ? t("features.reasonRequired") : errors.reason} />
        {error !== null && !errors.reason && <ErrorNotice error={error} />}
        <div className="actions">
          <button type="submit" className="primary danger-fill" disabled={busy}>
            {t("features.killDo")}
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            {t("rollout.cancel")}
          </button>
        </div>
      </form>
    </div>
  );
}

function rulesText(r: { mode: Mode; cohorts: string[]; percentage: number; staffRoles: string[]; killed: boolean }, t: (k: MessageKey) => string) {
  if (r.killed) return t("features.state.killed");
  if (r.mode !== "rules") return t(`features.state.${r.mode}` as MessageKey);
  const parts = [
    ...(r.cohorts.length ? [`${t("features.cohorts")}: ${r.cohorts.join(", ")}`] : []),
    ...(r.percentage ? [`${r.percentage}%`] : []),
    ...(r.staffRoles.length ? [`${t("features.staffRoles")}: ${r.staffRoles.map((x) => t(`role.${x}` as MessageKey)).join(", ")}`] : []),
  ];
  return parts.length ? parts.join("; ") : t("features.state.rules");
}

function SwitchHistory({ feature }: { feature: Feature }) {
  const { api } = useApp();
  const { t, dateTime } = useI18n();
  const who = useWho();
  const history = useQuery({
    queryKey: ["rollout", "feature-history", feature],
    queryFn: async () =>
      (await unwrap(api.GET("/rollout/features/{feature}/history", { params: { path: { feature }, query: { limit: 50 } } }))).data,
  });
  return (
    <Loaded query={history}>
      {(page) =>
        page.items.length ? (
          <TableWrap label={`${t("features.history")}: ${t(featureKey(feature))}`}>
            <table>
              <caption className="visually-hidden">{`${t("features.history")}: ${t(featureKey(feature))}`}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("rollout.when")}</th>
                  <th scope="col">{t("rollout.change")}</th>
                  <th scope="col">{t("rollout.reason")}</th>
                  <th scope="col">{t("rollout.by")}</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((h) => (
                  <tr key={`${h.at}-${h.version}`}>
                    <td>{dateTime(h.at)}</td>
                    <td>
                      {rulesText(h.before, t)} → {rulesText(h.after, t)}
                    </td>
                    <td>{h.reason}</td>
                    <td className="id">{who(h.by)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        ) : (
          <p className="muted">{t("app.none")}</p>
        )
      }
    </Loaded>
  );
}

function Explain({ feature }: { feature: Feature }) {
  const { api } = useApp();
  const { t, number } = useI18n();
  const [patientId, setPatientId] = useState("");
  // Each press asks again (a switch may have changed since), hence the count in the key.
  const [asked, setAsked] = useState<{ id: string; n: number } | null>(null);
  const explain = useQuery({
    queryKey: ["rollout", "explain", feature, asked],
    enabled: asked !== null,
    staleTime: 0,
    queryFn: async () =>
      (
        await unwrap(
          api.GET("/rollout/features/{feature}/explain", { params: { path: { feature }, query: { patientId: asked!.id } } }),
        )
      ).data,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const id = patientId.trim();
    if (id) setAsked({ id, n: (asked?.n ?? 0) + 1 });
  };
  const errors = fieldErrors(explain.error);
  return (
    <form onSubmit={submit} className="form" noValidate aria-label={`${t("features.explain")}: ${t(featureKey(feature))}`}>
      <Field label={t("cohort.patientId")} value={patientId} autoComplete="off" spellCheck={false}
        onChange={(e) => setPatientId(e.target.value)} error={errors.patientId} />
      <button type="submit">{t("features.explainDo")}</button>
      {asked !== null &&
        (explain.isFetching ? (
          <p role="status" className="muted">
            {t("app.loading")}
          </p>
        ) : explain.error ? (
          !errors.patientId && <ErrorNotice error={explain.error} />
        ) : explain.data ? (
          <div role="status" className={explain.data.on ? "notice success" : "notice"} data-asked={asked.n}>
            <p className="notice-title">
              {t(explain.data.on ? "explain.on" : "explain.off", {
                why: t(`explain.reason.${explain.data.reason}` as MessageKey, { cohort: explain.data.cohort ?? "" }),
              })}
            </p>
            {explain.data.bucket !== undefined && explain.data.bucket !== null && (
              <p>{t("explain.bucket", { bucket: number(explain.data.bucket) })}</p>
            )}
          </div>
        ) : null)}
    </form>
  );
}
