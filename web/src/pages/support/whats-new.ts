import { useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap, type Api, type Schemas } from "../../api/client";
import { useApp } from "../../context";

// What's new: the practice's announcements as the people they are for read them. A patient or a
// caregiver reads them in a patient's context (feature `announcements`), staff on their account.

export type StaffItem = Schemas["StaffAnnouncement"];
export type PatientItem = Schemas["PatientAnnouncement"];
/** One item either way; the staff fields are absent for patients and caregivers. */
export type WhatsNewItem = PatientItem & Partial<Pick<StaffItem, "acknowledgeBy" | "acknowledgedAt">>;

/** Whose what's new: a patient's context (the patient or a caregiver), or staff's own. */
export type Reader = { kind: "patient"; patientId: string } | { kind: "staff" };

export const whatsNewPath = (reader: Reader) => (reader.kind === "patient" ? `/p/${reader.patientId}/whats-new` : "/account/whats-new");
export const whatsNewKey = (reader: Reader) => ["whats-new", reader.kind === "patient" ? reader.patientId : "staff"] as const;

async function list(api: Api, reader: Reader): Promise<WhatsNewItem[]> {
  if (reader.kind === "staff") return (await unwrap(api.GET("/account/announcements"))).data.items;
  return (await unwrap(api.GET("/patients/{patientId}/announcements", { params: { path: { patientId: reader.patientId } } }))).data.items;
}

/** The reader's announcements, newest first (as the API orders them). `enabled` false asks nothing. */
export function useWhatsNew(reader: Reader | null, enabled = true) {
  const { api } = useApp();
  return useQuery({
    queryKey: reader ? whatsNewKey(reader) : ["whats-new", "none"],
    enabled: Boolean(reader) && enabled,
    // News is not urgent: the navigation's count is asked again at most every few minutes.
    staleTime: 5 * 60_000,
    queryFn: () => list(api, reader!),
  });
}

/** What the navigation counts: the announcements the reader has not seen yet. */
export const unreadCount = (items: readonly WhatsNewItem[] | undefined) => (items ?? []).filter((i) => !i.read).length;

/** Staff asked to acknowledge it who have not yet. */
export const awaitsAcknowledgement = (item: WhatsNewItem) => Boolean(item.acknowledgeBy) && !item.acknowledgedAt;

/** Past the date it was due by (an acknowledgement then is still taken, and marked late). */
export const isOverdue = (item: WhatsNewItem, now = Date.now()) =>
  Boolean(item.acknowledgeBy) && Date.parse(item.acknowledgeBy!) < now;

async function markOne(api: Api, reader: Reader, announcementId: string): Promise<void> {
  if (reader.kind === "staff") {
    await unwrap(api.POST("/account/announcements/{announcementId}/read", { params: { path: { announcementId } } }));
  } else {
    await unwrap(
      api.POST("/patients/{patientId}/announcements/{announcementId}/read", {
        params: { path: { patientId: reader.patientId, announcementId } },
      }),
    );
  }
}

/**
 * Marks the given announcements read (those shown on the page), then the cached list says so,
 * so that the navigation's count drops without asking again. A failure leaves them unread: the
 * next visit marks them again (the API takes a mark twice).
 */
export function useMarkRead(reader: Reader) {
  const { api } = useApp();
  const queryClient = useQueryClient();
  return async (ids: readonly string[]) => {
    const done = new Set<string>();
    await Promise.all(
      ids.map((id) =>
        markOne(api, reader, id).then(
          () => done.add(id),
          () => undefined,
        ),
      ),
    );
    if (!done.size) return;
    queryClient.setQueryData<WhatsNewItem[]>(whatsNewKey(reader), (items) =>
      items?.map((i) => (done.has(i.announcementId) ? { ...i, read: true } : i)),
    );
  };
}

/** "I have read and understood": the answer's time goes in the cached list (and the item is read). */
export function useAcknowledge() {
  const { api } = useApp();
  const queryClient = useQueryClient();
  return async (announcementId: string): Promise<Schemas["AnnouncementAcknowledged"]> => {
    const { data } = await unwrap(
      api.POST("/account/announcements/{announcementId}/acknowledgement", { params: { path: { announcementId } } }),
    );
    queryClient.setQueryData<WhatsNewItem[]>(whatsNewKey({ kind: "staff" }), (items) =>
      items?.map((i) => (i.announcementId === announcementId ? { ...i, read: true, acknowledgedAt: data.acknowledgedAt } : i)),
    );
    return data;
  };
}
