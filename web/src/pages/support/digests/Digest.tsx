import { useQuery } from "@tanstack/react-query";
import { ApiError, unwrap } from "../../../api/client";
import { Loaded, NotFound, Page } from "../../../components/ui";
import { useApp } from "../../../context";
import { useI18n } from "../../../i18n";
import { Link } from "../../../router";
import { isDigestId } from "./digest";
import { AdoptionSection, FeedbackSection, IncidentsSection, ReportsSection } from "./sections";

/** One week's digest: problem reports, incidents, adoption and feedback. */
export default function Digest({ digestId }: { digestId: string }) {
  const { api } = useApp();
  const { t, date, dateTime } = useI18n();
  // Only a Monday can name a digest: anything else is not asked for (the API would answer 422).
  const valid = isDigestId(digestId);
  const digest = useQuery({
    queryKey: ["support", "digest", digestId],
    enabled: valid,
    // Written once and never changed: no need to ask again while the app is open.
    staleTime: Infinity,
    queryFn: async () => (await unwrap(api.GET("/support/digests/{digestId}", { params: { path: { digestId } } }))).data,
  });
  const back = <Link to="/staff/digests">{t("digests.detail.back")}</Link>;
  const status = digest.error instanceof ApiError ? digest.error.status : null;
  // Another role's 403 is answered like any page it may not see.
  if (status === 403) return <NotFound />;
  if (!valid || status === 404) {
    return (
      <Page title={t("digests.detail.notFound")} actions={back}>
        <p>{t("digests.detail.notFoundDetail")}</p>
      </Page>
    );
  }
  const title = digest.data
    ? t("digests.detail.title", { from: date(digest.data.from), to: date(digest.data.to) })
    : t("digests.detail.loadingTitle");
  return (
    <Page title={title} actions={back}>
      <Loaded query={digest}>
        {(d) => (
          <>
            <p className="muted">{t("digests.detail.written", { date: dateTime(d.createdAt) })}</p>
            <ReportsSection reports={d.reports} />
            <IncidentsSection incidents={d.incidents} />
            <AdoptionSection adoption={d.adoption} />
            <FeedbackSection feedback={d.feedback} />
          </>
        )}
      </Loaded>
    </Page>
  );
}
