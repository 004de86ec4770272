import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap } from "../../api/client";
import { ErrorNotice, Loaded, Page, TableWrap } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/en";
import { keys, usePlans, type PlanModule, type PlanView } from "./api";
import { ModuleStatus } from "./parts";
import { WaiveDialog } from "./WaiveDialog";
import "./training.css";

// "Staff onboarding" (admins): every member's plan and how far they are, a waiver with a reason
// for a module someone need not take, and a plan for a member who has none (accounts older than
// onboarding are not gated until they are given one).

interface Waiving {
  plan: PlanView;
  module: PlanModule;
}

export default function Onboarding() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const plans = usePlans();
  const [waiving, setWaiving] = useState<Waiving | null>(null);
  const [said, setSaid] = useState<string | null>(null);
  const caption = t("onboarding.caption");
  const refresh = () => queryClient.invalidateQueries({ queryKey: keys.plans });
  return (
    <Page title={t("onboarding.title")}>
      <p>{t("onboarding.intro")}</p>
      {said && (
        <p role="status" className="notice success">
          {said}
        </p>
      )}
      <Loaded query={plans}>
        {(items) =>
          items.length ? (
            <TableWrap label={caption}>
              <table className="onboarding">
                <caption>{caption}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("onboarding.col.name")}</th>
                    <th scope="col">{t("onboarding.col.roles")}</th>
                    <th scope="col">{t("onboarding.col.modules")}</th>
                    <th scope="col">{t("onboarding.col.cleared")}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((plan) => (
                    <PlanRow key={plan.staffId} plan={plan} onWaive={(module) => setWaiving({ plan, module })} />
                  ))}
                </tbody>
              </table>
            </TableWrap>
          ) : (
            <p className="muted">{t("onboarding.none")}</p>
          )
        }
      </Loaded>
      {plans.data && <WithoutPlan planned={new Set(plans.data.map((p) => p.staffId))} onAssigned={(name) => setSaid(t("onboarding.assigned", { name }))} />}
      {waiving && (
        <WaiveDialog
          staffId={waiving.plan.staffId}
          staffName={waiving.plan.name}
          moduleId={waiving.module.moduleId}
          moduleTitle={waiving.module.title}
          onCancel={() => {
            setWaiving(null);
            void refresh();
          }}
          onDone={() => {
            setSaid(t("onboarding.waived", { module: waiving.module.title, name: waiving.plan.name }));
            setWaiving(null);
            void refresh();
          }}
        />
      )}
    </Page>
  );
}

function PlanRow({ plan, onWaive }: { plan: PlanView; onWaive: (module: PlanModule) => void }) {
  const { t, date } = useI18n();
  return (
    <tr>
      <th scope="row">{plan.name}</th>
      <td>{plan.roles.map((r) => t(`role.${r}` as MessageKey)).join(", ")}</td>
      <td>
        <ul className="plain onboarding-modules">
          {plan.modules.map((m) => (
            <li key={m.moduleId}>
              <span>{m.title}</span> <ModuleStatus status={m.status} />
              {m.score !== undefined && m.score !== null && <span className="muted"> {t("training.percent", { score: m.score })}</span>}
              {m.completedAt && <span className="muted"> {t("training.on", { date: date(m.completedAt) })}</span>}
              {m.waiver && <span className="muted"> {t("training.waivedBecause", { name: m.waiver.byName, reason: m.waiver.reason })}</span>}
              {m.status === "assigned" && (
                <>
                  {" "}
                  <button type="button" className="link-button" onClick={() => onWaive(m)}>
                    {t("onboarding.waive")}
                    <span className="visually-hidden"> {t("onboarding.waiveFor", { module: m.title, name: plan.name })}</span>
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      </td>
      <td>{plan.cleared ? t("onboarding.cleared.yes") : t("onboarding.cleared.no")}</td>
    </tr>
  );
}

/** The members with no plan (their accounts predate onboarding): an admin may give them one. */
function WithoutPlan({ planned, onAssigned }: { planned: Set<string>; onAssigned: (name: string) => void }) {
  const { api } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const staff = useQuery({ queryKey: ["admin-staff"], queryFn: async () => (await unwrap(api.GET("/admin/staff"))).data });
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const assign = async (staffId: string, name: string) => {
    setBusy(staffId);
    setError(null);
    try {
      await unwrap(api.POST("/admin/staff/{staffId}/onboarding", { params: { path: { staffId } } }));
      onAssigned(name);
      await queryClient.invalidateQueries({ queryKey: keys.plans });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  return (
    <section className="card" aria-labelledby="h-without-plan">
      <h2 id="h-without-plan">{t("onboarding.withoutPlan")}</h2>
      <p className="hint">{t("onboarding.withoutPlanHint")}</p>
      {error !== null && <ErrorNotice error={error} />}
      <Loaded query={staff}>
        {(page) => {
          const members = page.items.filter((m) => m.enabled && !planned.has(m.staffId));
          return members.length ? (
            <ul className="plain">
              {members.map((m) => {
                const name = `${m.givenName} ${m.familyName}`;
                return (
                  <li key={m.staffId} id={`staff-${m.staffId}`}>
                    {name} ({m.roles.map((r) => t(`role.${r}` as MessageKey)).join(", ")}){" "}
                    <button type="button" disabled={busy === m.staffId} onClick={() => void assign(m.staffId, name)}>
                      {t("onboarding.assign")}
                      <span className="visually-hidden"> {t("onboarding.assignFor", { name })}</span>
                    </button>
                  </li>
                );
              })}
            </ul>
          ) : (
            <p className="muted">{t("onboarding.everyonePlanned")}</p>
          );
        }}
      </Loaded>
    </section>
  );
}
