import type { ReactNode } from "react";
import { useI18n } from "../../../i18n";
import { ARROWS, change, signedChange } from "./digest";
import "./digests.css";

/** A week's range as read: "Nov 30, 2026 – Dec 6, 2026" in the reader's locale. */
export function useWeek(): (from: string, to: string) => string {
  const { t, date } = useI18n();
  return (from, to) => t("digests.week", { from: date(from), to: date(to) });
}

/** The change from the week before: an arrow (decoration) and the signed number (the words). */
export function ChangeCell({ week, previous }: { week: number; previous: number }) {
  const { number } = useI18n();
  const c = change(week, previous);
  return (
    <td className={`dg-change dg-${c.direction}`}>
      <span aria-hidden="true" className="dg-arrow">
        {ARROWS[c.direction]}
      </span>{" "}
      {signedChange(c.delta, number)}
    </td>
  );
}

/** A digest's section: a card with its heading, named by it (a landmark region). */
export function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/** Headline figures of a section, as a list of terms and counts. */
export function Figures({ items }: { items: { label: string; value: number; extra?: ReactNode }[] }) {
  const { number } = useI18n();
  return (
    <dl className="facts dg-figures">
      {items.map((f) => (
        <div key={f.label} className="dg-figure">
          <dt>{f.label}</dt>
          <dd>
            {number(f.value)}
            {f.extra}
          </dd>
        </div>
      ))}
    </dl>
  );
}
