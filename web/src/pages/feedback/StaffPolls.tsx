import { useQuery } from "@tanstack/react-query";
import { unwrap } from "../../api/client";
import { Loaded, Page } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { PollList } from "./Ballot";

export function useStaffPolls() {
  const { api } = useApp();
  return useQuery({
    queryKey: ["staff-polls"],
    queryFn: async () => (await unwrap(api.GET("/account/polls"))).data,
  });
}

/** The polls addressed to the staff member's roles: open ones to vote in, closed ones with their outcome. */
export default function StaffPolls() {
  const { t } = useI18n();
  const polls = useStaffPolls();
  return (
    <Page title={t("feedback.staff.title")}>
      <p>{t("feedback.staff.intro")}</p>
      <section className="card" aria-labelledby="h-staff-polls">
        <h2 id="h-staff-polls">{t("feedback.polls.title")}</h2>
        <Loaded query={polls}>{(page) => <PollList polls={page.items} href={(id) => `/staff/polls/${id}`} />}</Loaded>
      </section>
    </Page>
  );
}
