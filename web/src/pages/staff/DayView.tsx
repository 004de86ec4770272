import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { unwrap } from "../../api/client";
import { Loaded, Page, TableWrap } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { Link } from "../../router";

export default function DayView() {
  const { api } = useApp();
  const { t, dateTime } = useI18n();
  const [date, setDate] = useState("");
  const day = useQuery({
    queryKey: ["day", date],
    queryFn: async () => (await unwrap(api.GET("/staff/appointments", { params: { query: date ? { date } : {} } }))).data,
  });
  return (
    <Page title={t("staff.day")}>
      <div className="field">
        <label htmlFor="day">{t("staff.date")}</label>
        <input id="day" type="date" value={date || day.data?.date || ""} onChange={(e) => setDate(e.target.value)} />
      </div>
      <Loaded query={day}>
        {(view) =>
          view.items.length ? (
            <TableWrap label={t("staff.day")}>
            <table>
              <caption className="visually-hidden">{view.date}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("records.date")}</th>
                  <th scope="col">{t("staff.patient")}</th>
                  <th scope="col">{t("appointments.reason")}</th>
                  <th scope="col">{t("staff.checkedIn")}</th>
                </tr>
              </thead>
              <tbody>
                {view.items.map((a) => (
                  <tr key={a.appointmentId}>
                    <td>{dateTime(a.start)}</td>
                    <td>
                      <Link to={`/staff/patients/${a.patientId}`}>
                        {a.patientName ? `${a.patientName.given} ${a.patientName.family}` : a.patientId}
                      </Link>
                    </td>
                    <td>{a.reason}</td>
                    <td>{a.checkedIn ? t("staff.checkedIn") : t("staff.notCheckedIn")}</td>
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
    </Page>
  );
}
