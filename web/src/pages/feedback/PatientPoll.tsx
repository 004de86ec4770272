import { useQueryClient } from "@tanstack/react-query";
import { unwrap } from "../../api/client";
import { Loaded, NotFound, Page, isNotFound } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { Link } from "../../router";
import { PollBallot } from "./Ballot";
import { usePatientPolls } from "./Feedback";

/** A poll the patient's cohort is asked: the ballot while open, the outcome once closed. */
export default function PatientPoll({ patientId, pollId }: { patientId: string; pollId: string }) {
  const { api } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const polls = usePatientPolls(patientId);
  if (isNotFound(polls.error)) return <NotFound />;
  const poll = polls.data?.items.find((p) => p.pollId === pollId);
  if (polls.data && !poll) return <NotFound />;
  const back = (
    <Link to={`/p/${patientId}/feedback`} className="button">
      {t("feedback.backToFeedback")}
    </Link>
  );
  return (
    <Page title={poll?.title ?? t("feedback.poll.title")} actions={back}>
      <Loaded query={polls}>
        {() =>
          poll && (
            <PollBallot
              key={poll.pollId}
              poll={poll}
              cast={async (choices) =>
                (
                  await unwrap(
                    api.PUT("/patients/{patientId}/polls/{pollId}/ballot", { params: { path: { patientId, pollId } }, body: { choices } }),
                  )
                ).response.status
              }
              onCast={() => void queryClient.invalidateQueries({ queryKey: ["patient-polls", patientId] })}
            />
          )
        }
      </Loaded>
    </Page>
  );
}
