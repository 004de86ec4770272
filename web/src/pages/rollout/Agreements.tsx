import { useEffect, useState, type FormEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap, type Schemas } from "../../api/client";
import { ErrorNotice, Field, Loaded, Page, fieldErrors } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";

type Kind = Schemas["AgreementKind"];
const KINDS: Kind[] = ["terms-of-use", "beta-terms"];

/** The terms of use and the beta terms: the current versions, and publishing a new one. */
export default function Agreements() {
  const { api } = useApp();
  const { t } = useI18n();
  const agreements = useQuery({
    queryKey: ["rollout", "agreements"],
    queryFn: async () => (await unwrap(api.GET("/rollout/agreements"))).data,
  });
  return (
    <Page title={t("agreements.title")}>
      <p>{t("agreements.intro")}</p>
      <Loaded query={agreements}>
        {(page) => (
          <>
            {KINDS.map((kind) => {
              const current = page.items.find((a) => a.kind === kind)?.current ?? undefined;
              return <Publish key={kind} kind={kind} current={current} />;
            })}
          </>
        )}
      </Loaded>
    </Page>
  );
}

function Publish({
  kind,
  current,
}: {
  kind: Kind;
  current: Schemas["Agreement"] | undefined;
}) {
  const { api } = useApp();
  const { t, dateTime } = useI18n();
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ title: current?.title ?? "", body: current?.body ?? "" });
  const [error, setError] = useState<unknown>(null);
  const [published, setPublished] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  // A new current version (this form's, or someone else's): the form starts from it.
  const version = current?.version ?? 0;
  useEffect(() => {
    if (current) setForm({ title: current.title, body: current.body });
  }, [version]);
  const publish = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const { data } = await unwrap(
        api.PUT("/rollout/agreements/{kind}", { params: { path: { kind } }, body: { title: form.title, body: form.body, version: version + 1 } }),
      );
      setPublished(data.version);
      await queryClient.invalidateQueries({ queryKey: ["rollout", "agreements"] });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const errors = fieldErrors(error);
  const headingId = `h-agreement-${kind}`;
  return (
    <form onSubmit={publish} className="card form agreement" noValidate aria-labelledby={headingId}>
      <h2 id={headingId}>{t(`agreements.kind.${kind}` as MessageKey)}</h2>
      <p className="muted">
        {current ? t("agreements.current", { version: current.version, date: dateTime(current.publishedAt) }) : t("agreements.none")}
      </p>
      {published !== null && (
        <p role="status" className="notice success">
          {t("agreements.published", { version: published })}
        </p>
      )}
      <Field label={t("agreements.titleField")} value={form.title} onChange={(e) => setForm({ ...form, title: e.target.value })}
        error={errors.title} />
      <Field label={t("agreements.body")} multiline value={form.body} onChange={(e) => setForm({ ...form, body: e.target.value })}
        error={errors.body} />
      {error !== null && !errors.title && !errors.body && <ErrorNotice error={error} />}
      <button type="submit" className="primary" disabled={busy}>
        {t("agreements.publish")}
      </button>
    </form>
  );
}
