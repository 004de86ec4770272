import { useState, type FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { unwrap, type Schemas } from "../../api/client";
import { ErrorNotice, fieldErrors } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";

// "Assign to a colleague" on the staff thread: the enabled members of the team that works the
// conversation's category (`GET /staff/colleagues`), and the PATCH that assigns. The API still
// decides: a colleague who has not finished the message-inbox training is refused (422 on
// `assignee`), said next to the picker.

export default function AssignColleague({
  patientId,
  conversationId,
  category,
  etag,
  assignee,
  me,
  onChanged,
}: {
  patientId: string;
  conversationId: string;
  category: Schemas["MessageCategory"];
  etag: string;
  assignee: string | undefined;
  me: string | undefined;
  onChanged: () => Promise<unknown>;
}) {
  const { api } = useApp();
  const { t } = useI18n();
  const colleagues = useQuery({
    queryKey: ["colleagues", category],
    staleTime: 60_000,
    queryFn: async () => (await unwrap(api.GET("/staff/colleagues", { params: { query: { category } } }))).data,
  });
  const [chosen, setChosen] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const options = (colleagues.data?.items ?? []).filter((c) => c.sub !== me && c.sub !== assignee);
  const name = (sub: string) => colleagues.data?.items.find((c) => c.sub === sub)?.name ?? sub;

  const assign = async (event: FormEvent) => {
    event.preventDefault();
    if (!chosen) return;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await unwrap(
        api.PATCH("/patients/{patientId}/conversations/{conversationId}", {
          params: { path: { patientId, conversationId }, header: { "If-Match": etag } },
          body: { assignee: chosen },
        }),
      );
      setDone(t("assign.done", { name: name(chosen) }));
      setChosen("");
      await onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const errors = fieldErrors(error);
  const refused = errors.assignee;
  const refusal = refused && /training/i.test(refused) ? t("assign.needsTraining", { name: name(chosen) }) : refused;
  const team = colleagues.data?.team;
  return (
    <form className="assign-colleague" noValidate onSubmit={assign} aria-label={t("assign.title")}>
      <div className="field inline">
        <label htmlFor="assign-colleague">
          {team ? t("assign.colleague", { team: t(`assign.team.${team}` as MessageKey) }) : t("assign.title")}
        </label>
        <select id="assign-colleague" value={chosen} disabled={colleagues.isPending}
          aria-invalid={refusal ? true : undefined} aria-describedby={refusal ? "assign-colleague-error" : undefined}
          onChange={(e) => {
            setChosen(e.target.value);
            setError(null);
            setDone(null);
          }}>
          <option value="">{colleagues.isPending ? t("app.loading") : t("assign.choose")}</option>
          {options.map((c) => (
            <option key={c.sub} value={c.sub}>
              {c.name}
            </option>
          ))}
        </select>
        <button type="submit" disabled={!chosen || busy}>
          {t("assign.submit")}
        </button>
      </div>
      {refusal && (
        <p id="assign-colleague-error" className="field-error">
          {refusal}
        </p>
      )}
      {colleagues.error ? <ErrorNotice error={colleagues.error} retry={() => void colleagues.refetch()} /> : null}
      {error !== null && !refusal && <ErrorNotice error={error} />}
      {done && (
        <p role="status" className="notice success">
          {done}
        </p>
      )}
    </form>
  );
}
