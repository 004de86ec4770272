import { useState, type FormEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap, type Schemas } from "../../api/client";
import { ErrorNotice, Field, Loaded, Page, fieldErrors, TableWrap } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import { Link } from "../../router";
import { StaffMfaReset, type ResetTarget } from "./StaffMfaReset";
import { getSession } from "../../auth/session";

const ROLES: Schemas["StaffRole"][] = ["clinicians", "front-desk", "response-team", "portal-leads", "admins"];

export default function Staff() {
  const { api } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const staff = useQuery({ queryKey: ["admin-staff"], queryFn: async () => (await unwrap(api.GET("/admin/staff"))).data });
  const [form, setForm] = useState({ email: "", givenName: "", familyName: "" });
  const [roles, setRoles] = useState<Schemas["StaffRole"][]>(["clinicians"]);
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  // The member whose authenticator is being reset (issue 21), and the last one reset.
  const [resetting, setResetting] = useState<ResetTarget | null>(null);
  const me = getSession()?.claims.sub;
  const [reset, setReset] = useState<ResetTarget | null>(null);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setCreated(null);
    try {
      const { data } = await unwrap(api.POST("/admin/staff", { body: { ...form, roles } }));
      setCreated(data.email);
      setForm({ email: "", givenName: "", familyName: "" });
      await queryClient.invalidateQueries({ queryKey: ["admin-staff"] });
    } catch (e) {
      setError(e);
    }
  };
  const errors = fieldErrors(error);
  return (
    <Page title={t("admin.staff")}>
      <p>
        <Link to="/admin/onboarding">{t("onboarding.link")}</Link>
      </p>
      <Loaded query={staff}>
        {(page) => (
          <TableWrap label={t("admin.staff")}>
          <table>
            <caption className="visually-hidden">{t("admin.staff")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("admin.name")}</th>
                <th scope="col">{t("signIn.email")}</th>
                <th scope="col">{t("admin.roles")}</th>
                <th scope="col">{t("admin.status")}</th>
                <th scope="col">{t("adminMfa.column")}</th>
                <th scope="col">{t("adminMfa.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((m) => (
                <tr key={m.staffId}>
                  <td>
                    {m.givenName} {m.familyName}
                  </td>
                  <td>{m.email}</td>
                  <td>{m.roles.map((r) => t(`role.${r}` as MessageKey)).join(", ")}</td>
                  <td>
                    {m.enabled ? t("admin.enabled") : t("admin.disabled")} ({m.status})
                  </td>
                  <td>{m.mfaEnrolled ? t("adminMfa.enrolled") : t("adminMfa.notEnrolled")}</td>
                  <td>
                    {/* One's own authenticator is reset by another administrator (the API refuses it). */}
                    {m.mfaEnrolled && m.staffId !== me && (
                      <button type="button" className="danger"
                        onClick={() => {
                          setReset(null);
                          setResetting({ staffId: m.staffId, name: `${m.givenName} ${m.familyName}` });
                        }}>
                        {t("adminMfa.reset")}
                        <span className="visually-hidden">
                          : {m.givenName} {m.familyName}
                        </span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          </TableWrap>
        )}
      </Loaded>
      {resetting && (
        <StaffMfaReset key={resetting.staffId} target={resetting} onClose={(done) => {
          setResetting(null);
          setReset(done);
        }} />
      )}
      {reset && (
        <p role="status" className="notice success">
          {t("adminMfa.done", { name: reset.name })}
        </p>
      )}
      <form onSubmit={create} className="card form" noValidate aria-labelledby="h-new-staff">
        <h2 id="h-new-staff">{t("admin.newStaff")}</h2>
        <Field label={t("signIn.email")} type="email" value={form.email} onChange={set("email")} error={errors.email} />
        <Field label={t("profile.given")} value={form.givenName} onChange={set("givenName")} error={errors.givenName} />
        <Field label={t("profile.family")} value={form.familyName} onChange={set("familyName")} error={errors.familyName} />
        <fieldset>
          <legend>{t("admin.roles")}</legend>
          {ROLES.map((r) => (
            <div key={r} className="field checkbox">
              <input id={`role-${r}`} type="checkbox" checked={roles.includes(r)}
                onChange={(e) => setRoles(e.target.checked ? [...roles, r] : roles.filter((x) => x !== r))} />
              <label htmlFor={`role-${r}`}>{t(`role.${r}` as MessageKey)}</label>
            </div>
          ))}
          {errors.roles && <p className="field-error">{errors.roles}</p>}
        </fieldset>
        {error !== null && Object.keys(errors).length === 0 && <ErrorNotice error={error} />}
        {created && (
          <p role="status" className="notice success">
            {t("admin.created", { email: created })}
          </p>
        )}
        <button type="submit" className="primary">
          {t("admin.create")}
        </button>
      </form>
    </Page>
  );
}
