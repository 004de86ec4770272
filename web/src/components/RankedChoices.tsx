import { useEffect, useId, useRef, useState } from "react";
import type { PollIdea } from "../feedback";
import { moveChoice } from "../feedback";
import { useI18n } from "../i18n";

// A ballot without dragging: with `rank`, the respondent adds ideas to an ordered list and moves
// them with buttons ("Move up: Pay bills online"); each change is announced in a live region and
// the focus stays on the idea that moved. With `approval`, a checkbox per idea.

type Action = "up" | "down" | "remove" | "add";

export interface RankedChoicesProps {
  ideas: PollIdea[];
  method: "rank" | "approval";
  /** With `rank`, how many ideas a ballot ranks. */
  topK: number;
  /** The idea ids chosen, best first with `rank`. */
  value: string[];
  onChange: (next: string[]) => void;
  disabled?: boolean;
  /** The id of an error message about the whole ballot, if any. */
  errorId?: string;
}

export function RankedChoices(props: RankedChoicesProps) {
  return props.method === "approval" ? <Approval {...props} /> : <Ranking {...props} />;
}

function IdeaText({ idea, idPrefix }: { idea: PollIdea; idPrefix?: string }) {
  const { t } = useI18n();
  return (
    <>
      <p className="idea-description" id={idPrefix ? `${idPrefix}-d` : undefined}>
        {idea.description}
      </p>
      <p className="idea-benefit" id={idPrefix ? `${idPrefix}-b` : undefined}>
        <strong>{t("feedback.rank.benefit")}</strong> {idea.benefit}
      </p>
    </>
  );
}

function Ranking({ ideas, topK, value, onChange, disabled, errorId }: RankedChoicesProps) {
  const { t } = useI18n();
  const base = useId();
  const root = useRef<HTMLDivElement>(null);
  const [said, setSaid] = useState("");
  // Where the focus goes once the list has re-rendered: the first of `targets` that can take it
  // (the idea that moved keeps it), else the ranking's heading.
  const [focus, setFocus] = useState<{ targets: [string, Action][]; n: number } | null>(null);
  const byId = new Map(ideas.map((i) => [i.ideaId, i]));
  const chosen = value.filter((id) => byId.has(id));
  const rest = ideas.filter((i) => !chosen.includes(i.ideaId));
  const full = chosen.length >= topK;
  const title = (id: string) => byId.get(id)?.title ?? id;

  useEffect(() => {
    const here = root.current;
    if (!focus || !here) return;
    const buttons = [...here.querySelectorAll<HTMLButtonElement>("button[data-action]")].filter((b) => !b.disabled);
    let target: HTMLElement | undefined;
    for (const [ideaId, action] of focus.targets) {
      target ??= buttons.find((b) => b.dataset.idea === ideaId && b.dataset.action === action);
    }
    (target ?? here.querySelector<HTMLElement>(".ranking-heading"))?.focus();
  }, [focus]);

  const change = (next: string[], targets: [string, Action][], message: string) => {
    onChange(next);
    setSaid(message);
    setFocus({ targets, n: Date.now() });
  };
  const move = (index: number, delta: -1 | 1) => {
    const id = chosen[index]!;
    const order: [string, Action][] = delta < 0 ? [[id, "up"], [id, "down"], [id, "remove"]] : [[id, "down"], [id, "up"], [id, "remove"]];
    change(moveChoice(chosen, index, delta), order, t("feedback.rank.moved", { title: title(id), position: index + delta + 1 }));
  };
  const remove = (index: number) => {
    const id = chosen[index]!;
    change(chosen.filter((c) => c !== id), [[id, "add"]], t("feedback.rank.removed", { title: title(id) }));
  };
  const add = (id: string, next: string | undefined) => {
    if (full) return;
    // The next idea to choose keeps the focus; once the ranking is full, the idea just added.
    const targets: [string, Action][] = [...(next ? ([[next, "add"]] as [string, Action][]) : []), [id, "up"], [id, "remove"]];
    change([...chosen, id], targets, t("feedback.rank.added", { title: title(id), position: chosen.length + 1 }));
  };

  return (
    <div className="ranked-choices" ref={root}>
      <p id={`${base}-how`} className="hint">
        {t("feedback.rank.how", { k: topK })}
      </p>
      <section aria-labelledby={`${base}-mine`} className="ranking">
        <h2 id={`${base}-mine`} className="ranking-heading" tabIndex={-1}>
          {t("feedback.rank.mine")}
        </h2>
        <p className="muted">{t("feedback.rank.count", { n: chosen.length, k: topK })}</p>
        {chosen.length === 0 ? (
          <p className="muted">{t("feedback.rank.empty")}</p>
        ) : (
          <ol className="ranking-list" aria-labelledby={`${base}-mine`} aria-describedby={errorId}>
            {chosen.map((id, index) => {
              const idea = byId.get(id)!;
              return (
                <li key={id} className="ranking-item">
                  <h3 className="idea-title">
                    <span className="position" aria-hidden="true">
                      {index + 1}.{" "}
                    </span>
                    {idea.title}
                  </h3>
                  <IdeaText idea={idea} />
                  <div className="actions">
                    <button
                      type="button"
                      data-idea={id}
                      data-action="up"
                      aria-label={`${t("feedback.rank.moveUp")}: ${idea.title}`}
                      disabled={disabled || index === 0}
                      onClick={() => move(index, -1)}
                    >
                      {t("feedback.rank.moveUp")}
                    </button>
                    <button
                      type="button"
                      data-idea={id}
                      data-action="down"
                      aria-label={`${t("feedback.rank.moveDown")}: ${idea.title}`}
                      disabled={disabled || index === chosen.length - 1}
                      onClick={() => move(index, 1)}
                    >
                      {t("feedback.rank.moveDown")}
                    </button>
                    <button
                      type="button"
                      data-idea={id}
                      data-action="remove"
                      aria-label={`${t("feedback.rank.remove")}: ${idea.title}`}
                      disabled={disabled}
                      onClick={() => remove(index)}
                    >
                      {t("feedback.rank.remove")}
                    </button>
                  </div>
                </li>
              );
            })}
          </ol>
        )}
      </section>
      <section aria-labelledby={`${base}-rest`} className="ideas-to-choose">
        <h2 id={`${base}-rest`}>{t("feedback.rank.rest")}</h2>
        {full && rest.length > 0 && (
          <p id={`${base}-full`} className="hint">
            {t("feedback.rank.full", { k: topK })}
          </p>
        )}
        {rest.length === 0 ? (
          <p className="muted">{t("feedback.rank.allChosen")}</p>
        ) : (
          <ul className="plain idea-list">
            {rest.map((idea, index) => (
              <li key={idea.ideaId} className="idea">
                <h3 className="idea-title">{idea.title}</h3>
                <IdeaText idea={idea} />
                <button
                  type="button"
                  data-idea={idea.ideaId}
                  data-action="add"
                  aria-label={`${t("feedback.rank.add")}: ${idea.title}`}
                  disabled={disabled || full}
                  aria-describedby={full ? `${base}-full` : undefined}
                  onClick={() => add(idea.ideaId, (rest[index + 1] ?? rest[index - 1])?.ideaId)}
                >
                  {t("feedback.rank.add")}
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <p role="status" className="visually-hidden">
        {said}
      </p>
    </div>
  );
}

function Approval({ ideas, value, onChange, disabled, errorId }: RankedChoicesProps) {
  const { t } = useI18n();
  const base = useId();
  return (
    <fieldset className="approval" aria-describedby={[`${base}-how`, errorId].filter(Boolean).join(" ")}>
      <legend>{t("feedback.approve.legend")}</legend>
      <p id={`${base}-how`} className="hint">
        {t("feedback.approve.how")}
      </p>
      <ul className="plain idea-list">
        {ideas.map((idea) => {
          const id = `${base}-${idea.ideaId}`;
          return (
            <li key={idea.ideaId} className="idea">
              <div className="field checkbox">
                <input
                  id={id}
                  type="checkbox"
                  checked={value.includes(idea.ideaId)}
                  disabled={disabled}
                  aria-describedby={`${id}-d ${id}-b`}
                  onChange={(e) =>
                    onChange(e.target.checked ? [...value, idea.ideaId] : value.filter((v) => v !== idea.ideaId))
                  }
                />
                <label htmlFor={id}>{idea.title}</label>
              </div>
              <IdeaText idea={idea} idPrefix={id} />
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}
