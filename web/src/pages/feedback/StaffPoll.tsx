import { useQueryClient } from "@tanstack/react-query";
import { unwrap } from "../../api/client";
import { Loaded, NotFound, Page } from "../../components/ui";
import { useApp } from "../../context";
import { useI18n } from "../../i18n";
import { Link } from "../../router";
import { PollBallot } from "./Ballot";
import { useStaffPolls } from "./StaffPolls";

/** A staff member's ballot in a poll addressed to their roles. */
export default function StaffPoll({ pollId }: { pollId: string }) {
  const { api } = useApp();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const polls = useStaffPolls();
  const poll = polls.data?.items.find((p) => p.pollId === pollId);
  if (polls.data && !poll) return <NotFound />;
  const back = (
    <Link to="/staff/polls" className="button">
      {t("feedback.staff.back")}
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
                (await unwrap(api.PUT("/account/polls/{pollId}/ballot", { params: { path: { pollId } }, body: { choices } }))).response.status
              }
              onCast={() => void queryClient.invalidateQueries({ queryKey: ["staff-polls"] })}
            />
          )
        }
      </Loaded>
    </Page>
  );
}
