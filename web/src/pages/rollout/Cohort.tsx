import { useState, type FormEvent } from "react";
import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, unwrap } from "../../api/client";
import { ErrorNotice, Field, Loaded, LoadedList, NotFound, Page, TableWrap, fieldErrors, isNotFound } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import { Link, navigate } from "../../router";
import { daysBefore, parsePatientIds, type UploadReportLike } from "../../rollout";
import { todayIn } from "../../time";
import { UploadReport } from "./UploadReport";
import { useWho } from "./Cohorts";

const PAGE_SIZE = 50;

/** One cohort: its members (add by id, by a filter, or from the practice's list; remove), history, and a wave. */
export default function Cohort({ name }: { name: string }) {
  const { api } = useApp();
  const { t } = useI18n();
  const cohort = useQuery({
    queryKey: ["rollout", "cohort", name],
    queryFn: async () => (await unwrap(api.GET("/rollout/cohorts/{cohort}", { params: { path: { cohort: name } } }))).data,
  });
  if (isNotFound(cohort.error)) return <NotFound />;
  return (
    <Page title={t("cohort.title", { name })} actions={<Link to="/rollout/cohorts">{t("cohort.back")}</Link>}>
      <Loaded query={cohort}>
        {(c) => (
          <>
            <p>
              {c.beta && <span className="tag">{t("cohorts.betaBadge")}</span>} {c.description}
            </p>
            <p className="muted">{t("cohort.memberCount", { count: c.memberCount })}</p>
          </>
        )}
      </Loaded>
      <Members name={name} />
      <div className="grid">
        <AddById name={name} />
        <AddByFilter name={name} />
      </div>
      <Upload name={name} />
      <StartWave name={name} />
      <History name={name} />
    </Page>
  );
}

/** After a membership change: the cohort's count, its members and its history are stale. */
function useRefresh(name: string) {
  const queryClient = useQueryClient();
  return async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: ["rollout", "cohort", name] }),
      queryClient.invalidateQueries({ queryKey: ["rollout", "members", name] }),
      queryClient.invalidateQueries({ queryKey: ["rollout", "cohort-history", name] }),
      queryClient.invalidateQueries({ queryKey: ["rollout", "cohorts"] }),
    ]);
  };
}

function Members({ name }: { name: string }) {
  const { api } = useApp();
  const { t, date } = useI18n();
  const refresh = useRefresh(name);
  const [removed, setRemoved] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const members = useInfiniteQuery({
    queryKey: ["rollout", "members", name],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      (
        await unwrap(
          api.GET("/rollout/cohorts/{cohort}/members", {
            params: { path: { cohort: name }, query: { limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } },
          }),
        )
      ).data,
    getNextPageParam: (last) => last.nextCursor || undefined,
  });
  const remove = async (patientId: string, who: string) => {
    setError(null);
    setRemoved(null);
    try {
      await unwrap(api.DELETE("/rollout/cohorts/{cohort}/members/{patientId}", { params: { path: { cohort: name, patientId } } }));
      setRemoved(who);
      await refresh();
    } catch (e) {
      setError(e);
    }
  };
  const items = members.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="card" aria-labelledby="h-members">
      <h2 id="h-members">{t("cohorts.members")}</h2>
      {removed && (
        <p role="status" className="notice success">
          {t("cohort.removed", { name: removed })}
        </p>
      )}
      {error !== null && <ErrorNotice error={error} />}
      <LoadedList query={members} items={items} empty={t("app.none")} more={t("rollout.more")}>
        {(rows) => (
          <TableWrap label={`${t("cohorts.members")}: ${name}`}>
            <table>
              <caption className="visually-hidden">{`${t("cohorts.members")}: ${name}`}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("cohort.patient")}</th>
                  <th scope="col">{t("cohort.birthDate")}</th>
                  <th scope="col">{t("cohort.addedAt")}</th>
                  <th scope="col">{t("cohort.patientId")}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t("cohort.remove")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((m) => {
                  const who = `${m.name.given} ${m.name.family}`;
                  return (
                    <tr key={m.patientId}>
                      <th scope="row">{who}</th>
                      <td>{date(m.birthDate)}</td>
                      <td>{date(m.addedAt)}</td>
                      <td className="id">{m.patientId}</td>
                      <td>
                        <button type="button" className="link-button danger" aria-label={t("cohort.removeLabel", { name: who })}
                          onClick={() => void remove(m.patientId, who)}>
                          {t("cohort.remove")}
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableWrap>
        )}
      </LoadedList>
    </section>
  );
}

type AddResult = { added: string[]; alreadyIn: string[]; refused: { patientId: string; reason: string }[] };

/** What an addition did: how many joined, were members already, or were refused (each with why). */
function AddedNotice({ result }: { result: AddResult }) {
  const { t } = useI18n();
  return (
    <div role="status" className={result.refused.length ? "notice error" : "notice success"}>
      <p>{t("cohort.added", { added: result.added.length, alreadyIn: result.alreadyIn.length, refused: result.refused.length })}</p>
      {result.refused.length > 0 && (
        <ul>
          {result.refused.map((r) => (
            <li key={r.patientId}>
              <span className="id">{r.patientId}</span>: {r.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function AddById({ name }: { name: string }) {
  const { api } = useApp();
  const { t } = useI18n();
  const refresh = useRefresh(name);
  const [text, setText] = useState("");
  const [result, setResult] = useState<AddResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [missing, setMissing] = useState(false);
  const add = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setResult(null);
    const patientIds = parsePatientIds(text);
    setMissing(patientIds.length === 0);
    if (!patientIds.length) return;
    try {
      const { data } = await unwrap(
        api.POST("/rollout/cohorts/{cohort}/members", { params: { path: { cohort: name } }, body: { patientIds } }),
      );
      setResult(data);
      setText("");
      await refresh();
    } catch (e) {
      setError(e);
    }
  };
  const errors = fieldErrors(error);
  const fieldError = missing ? t("cohort.noIds") : (errors.patientIds ?? Object.entries(errors).find(([k]) => k.startsWith("patientIds"))?.[1]);
  return (
    <form onSubmit={add} className="card form" noValidate aria-labelledby="h-add-id">
      <h2 id="h-add-id">{t("cohort.addById")}</h2>
      <Field label={t("cohort.patientIds")} multiline value={text} autoComplete="off" spellCheck={false}
        onChange={(e) => setText(e.target.value)} error={fieldError} />
      {error !== null && !fieldError && <ErrorNotice error={error} />}
      {result && <AddedNotice result={result} />}
      <button type="submit" className="primary">
        {t("cohort.add")}
      </button>
    </form>
  );
}

function AddByFilter({ name }: { name: string }) {
  const { api, config } = useApp();
  const { t } = useI18n();
  const refresh = useRefresh(name);
  const providers = useQuery({
    queryKey: ["providers"],
    queryFn: async () => (await unwrap(api.GET("/providers"))).data,
  });
  const [form, setForm] = useState(() => {
    const today = todayIn(config.practiceTimeZone);
    return { providerId: "", from: today, to: daysBefore(today, -14) };
  });
  const [result, setResult] = useState<AddResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const add = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setResult(null);
    try {
      const { data } = await unwrap(
        api.POST("/rollout/cohorts/{cohort}/members", {
          params: { path: { cohort: name } },
          body: { filter: { providerId: form.providerId, from: form.from, to: form.to } },
        }),
      );
      setResult(data);
      await refresh();
    } catch (e) {
      setError(e);
    }
  };
  const errors = fieldErrors(error);
  const err = (f: string) => errors[`filter.${f}`] ?? errors[f];
  return (
    <form onSubmit={add} className="card form" noValidate aria-labelledby="h-add-filter">
      <h2 id="h-add-filter">{t("cohort.addByFilter")}</h2>
      <div className="field">
        <label htmlFor="filter-provider">{t("cohort.provider")}</label>
        <select id="filter-provider" value={form.providerId} onChange={(e) => setForm({ ...form, providerId: e.target.value })}
          aria-invalid={err("providerId") ? true : undefined} aria-describedby={err("providerId") ? "filter-provider-error" : undefined}>
          <option value="">{t("cohort.chooseProvider")}</option>
          {providers.data?.items.map((p) => (
            <option key={p.providerId} value={p.providerId}>
              {p.name}
            </option>
          ))}
        </select>
        {err("providerId") && (
          <p id="filter-provider-error" className="field-error">
            {err("providerId")}
          </p>
        )}
      </div>
      <Field label={t("cohort.from")} type="date" value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} error={err("from")} />
      <Field label={t("cohort.to")} type="date" value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} error={err("to")} />
      {error !== null && !err("providerId") && !err("from") && !err("to") && <ErrorNotice error={error} />}
      {result && <AddedNotice result={result} />}
      <button type="submit" className="primary">
        {t("cohort.addFiltered")}
      </button>
    </form>
  );
}

function Upload({ name }: { name: string }) {
  const { api } = useApp();
  const { t } = useI18n();
  const refresh = useRefresh(name);
  const [file, setFile] = useState<File | null>(null);
  const [missing, setMissing] = useState(false);
  const [report, setReport] = useState<UploadReportLike | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const upload = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setReport(null);
    setMissing(!file);
    if (!file) return;
    setBusy(true);
    try {
      const csv = await readText(file);
      const result = await api.POST("/rollout/cohorts/{cohort}/uploads", {
        params: { path: { cohort: name } },
        body: csv,
        bodySerializer: (body: string) => body,
        headers: { "Content-Type": "text/csv" },
      });
      // A refused row is a report too (the file changed nothing): show it, whatever the status.
      const body = (result.data ?? result.error) as unknown;
      if (isReport(body)) setReport(body);
      else await unwrap(Promise.resolve(result));
      if (result.response.ok) await refresh();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="h-upload">
      <form onSubmit={upload} className="form" noValidate>
        <h2 id="h-upload">{t("cohort.upload")}</h2>
        <p className="hint" id="upload-hint">
          {t("cohort.uploadHint")}
        </p>
        <div className="field">
          <label htmlFor="upload-file">{t("cohort.file")}</label>
          <input id="upload-file" type="file" accept=".csv,text/csv" aria-describedby={missing ? "upload-hint upload-error" : "upload-hint"}
            aria-invalid={missing ? true : undefined}
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setMissing(false);
            }} />
          {missing && (
            <p id="upload-error" className="field-error">
              {t("cohort.noFile")}
            </p>
          )}
        </div>
        {error !== null && <ErrorNotice error={error} />}
        <button type="submit" className="primary" disabled={busy}>
          {t("cohort.uploadButton")}
        </button>
      </form>
      {report && <UploadReport report={report} />}
    </section>
  );
}

/** A chosen file's text (FileReader: every browser, and the tests' DOM too). */
function readText(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error("unreadable file"));
    reader.readAsText(file);
  });
}

function isReport(body: unknown): body is UploadReportLike {
  return Boolean(body && typeof body === "object" && "rows" in body && Array.isArray((body as { rows: unknown }).rows));
}

function StartWave({ name }: { name: string }) {
  const { api } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [rate, setRate] = useState("60");
  const [deliverBy, setDeliverBy] = useState<"email" | "sms">("email");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const start = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const ratePerHour = Number(rate);
    if (!Number.isInteger(ratePerHour) || ratePerHour < 1) {
      setError(new ApiError(422, { type: "about:blank", title: t("wave.ratePerHour"), status: 422, errors: [{ field: "ratePerHour", message: "1+" }] }));
      return;
    }
    setBusy(true);
    try {
      const { data } = await unwrap(
        api.POST("/rollout/cohorts/{cohort}/waves", { params: { path: { cohort: name } }, body: { ratePerHour, deliverBy } }),
      );
      await queryClient.invalidateQueries({ queryKey: ["rollout", "waves"] });
      navigate(`/rollout/waves/${encodeURIComponent(data.waveId)}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const errors = fieldErrors(error);
  return (
    <form onSubmit={start} className="card form" noValidate aria-labelledby="h-wave">
      <h2 id="h-wave">{t("cohort.startWave")}</h2>
      <p className="hint">{t("cohort.startWaveHint")}</p>
      <Field label={t("wave.ratePerHour")} type="number" inputMode="numeric" min={1} value={rate}
        onChange={(e) => setRate(e.target.value)} error={errors.ratePerHour} />
      <fieldset>
        <legend>{t("wave.deliverBy")}</legend>
        {(["email", "sms"] as const).map((d) => (
          <div key={d} className="field radio">
            <input id={`deliver-${d}`} type="radio" name="deliverBy" value={d} checked={deliverBy === d} onChange={() => setDeliverBy(d)} />
            <label htmlFor={`deliver-${d}`}>{t(`deliver.${d}` as MessageKey)}</label>
          </div>
        ))}
        {errors.deliverBy && <p className="field-error">{errors.deliverBy}</p>}
      </fieldset>
      {error !== null && !errors.ratePerHour && !errors.deliverBy && <ErrorNotice error={error} />}
      <button type="submit" className="primary" disabled={busy}>
        {t("wave.start")}
      </button>
    </form>
  );
}

function History({ name }: { name: string }) {
  const { api } = useApp();
  const { t, dateTime } = useI18n();
  const who = useWho();
  const history = useQuery({
    queryKey: ["rollout", "cohort-history", name],
    queryFn: async () => (await unwrap(api.GET("/rollout/cohorts/{cohort}/history", { params: { path: { cohort: name }, query: { limit: 100 } } }))).data,
  });
  return (
    <section className="card" aria-labelledby="h-history">
      <h2 id="h-history">{t("cohort.history")}</h2>
      <Loaded query={history}>
        {(page) =>
          page.items.length ? (
            <TableWrap label={`${t("cohort.history")}: ${name}`}>
              <table>
                <caption className="visually-hidden">{`${t("cohort.history")}: ${name}`}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("rollout.when")}</th>
                    <th scope="col">{t("rollout.change")}</th>
                    <th scope="col">{t("rollout.by")}</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((h, i) => (
                    <tr key={`${h.at}-${i}`}>
                      <td>{dateTime(h.at)}</td>
                      <td>
                        {t(`cohortChange.${h.change}` as MessageKey, { count: h.count ?? 0 })}
                        {h.patientId && <span className="id"> {h.patientId}</span>}
                      </td>
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
    </section>
  );
}
