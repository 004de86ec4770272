import { Loaded, NotFound, Page, isNotFound } from "../../components/ui";
import { useI18n } from "../../i18n";
import { useTopics } from "./api";
import { TopicBody } from "./parts";

// "Health education" (feature `education`): plain-language topics matched to the patient's
// record or shared by their care team, each with why it is shown, in the app's language.

export default function Education({ patientId }: { patientId: string }) {
  const { t, locale } = useI18n();
  const topics = useTopics(patientId, locale);
  if (isNotFound(topics.error)) return <NotFound />;
  return (
    <Page title={t("education.title")}>
      <p>{t("education.intro")}</p>
      <Loaded query={topics}>
        {(answer) =>
          answer.items.length ? (
            <ul className="education-topics">
              {answer.items.map((topic) => (
                <li key={topic.topicId} className="card">
                  <TopicBody patientId={patientId} topic={topic} heading="link" />
                </li>
              ))}
            </ul>
          ) : (
            <p className="card muted">{t("education.none")}</p>
          )
        }
      </Loaded>
    </Page>
  );
}
