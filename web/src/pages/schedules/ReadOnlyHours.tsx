import { useI18n } from "../../i18n";
import { DAYS } from "./schedule";
import type { Published } from "./schedule";

// A provider's published schedule to read (clinicians): weekly hours per weekday, closed
// dates, hours for single dates and blocks, with no controls to change them.

export default function ReadOnlyHours({ published }: { published: Published }) {
  const { t, dateTime } = useI18n();
  const closedDates = published.closedDates ?? [];
  const dateHours = published.dateHours ?? [];
  const blocks = published.blocks ?? [];
  const range = (r: { start: string; end: string }) => t("schedules.view.range", { start: r.start, end: r.end });
  return (
    <>
      <section className="card" aria-labelledby="h-weekly">
        <h2 id="h-weekly">{t("schedules.weekly.title")}</h2>
        <dl className="facts">
          {DAYS.map((day) => {
            const ranges = published.weekly.filter((w) => w.day === day);
            return (
              <div key={day}>
                <dt>{t(`schedules.day.${day}`)}</dt>
                <dd>{ranges.length ? ranges.map(range).join(", ") : t("schedules.closedDay")}</dd>
              </div>
            );
          })}
        </dl>
      </section>
      <section className="card" aria-labelledby="h-closed">
        <h2 id="h-closed">{t("schedules.closed.title")}</h2>
        {closedDates.length ? (
          <ul>
            {closedDates.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ul>
        ) : (
          <p className="muted">{t("schedules.closed.none")}</p>
        )}
      </section>
      <section className="card" aria-labelledby="h-dated">
        <h2 id="h-dated">{t("schedules.dateHours.title")}</h2>
        {dateHours.length ? (
          <ul>
            {dateHours.map((d) => (
              <li key={d.date}>
                {d.date}: {d.hours.map(range).join(", ")}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{t("schedules.dateHours.none")}</p>
        )}
      </section>
      <section className="card" aria-labelledby="h-blocks">
        <h2 id="h-blocks">{t("schedules.blocks.title")}</h2>
        {blocks.length ? (
          <ul>
            {blocks.map((b) => (
              <li key={`${b.start}-${b.end}`}>{t("schedules.view.range", { start: dateTime(b.start), end: dateTime(b.end) })}</li>
            ))}
          </ul>
        ) : (
          <p className="muted">{t("schedules.blocks.none")}</p>
        )}
      </section>
    </>
  );
}
