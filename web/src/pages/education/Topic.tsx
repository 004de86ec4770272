import { Loaded, NotFound, Page, isNotFound } from "../../components/ui";
import { useI18n } from "../../i18n";
import { Link } from "../../router";
import { useTopic } from "./api";
import { TopicBody, educationPath } from "./parts";

/** One health topic, with why the patient sees it (feature `education`). */
export default function Topic({ patientId, topicId }: { patientId: string; topicId: string }) {
  const { t, locale } = useI18n();
  const topic = useTopic(patientId, topicId, locale);
  if (isNotFound(topic.error)) return <NotFound />;
  return (
    <Page title={topic.data?.title ?? t("education.title")}>
      <p>
        <Link to={educationPath(patientId)}>{t("education.back")}</Link>
      </p>
      <Loaded query={topic}>
        {(item) => (
          <div className="card">
            <TopicBody patientId={patientId} topic={item} />
          </div>
        )}
      </Loaded>
    </Page>
  );
}
