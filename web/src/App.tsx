import { lazy, Suspense, useCallback, useEffect, useMemo, useSyncExternalStore, type ReactNode } from "react";
import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { makeApi, setRenewHandler, setUnauthorizedHandler, unwrap, ApiError, type Api } from "./api/client";
import { createRenewal, type RefreshOutcome } from "./auth/renewal";
import { IdleTimeout, PATIENT_IDLE_MS, STAFF_IDLE_MS } from "./components/IdleTimeout";
import { getSession, isCaregiver, isPatient, isPortalLead, isStaff, setSession, subscribe, type Session } from "./auth/session";
import type { RuntimeConfig } from "./config";
import { AppContext, useApp } from "./context";
import { I18nProvider, localeNames, useI18n, type Locale } from "./i18n";
import { Link, match, navigate, useLocation } from "./router";
import { FeatureOff, NotFound } from "./components/ui";
import { LockedPatient } from "./components/AccountLocked";
import { ReportProblemButton } from "./components/ReportProblem";
import { StatusBanner } from "./components/StatusBanner";
import type { Reporter } from "./pages/support/reporting";
import { unreadCount, useWhatsNew, type Reader } from "./pages/support/whats-new";
import { gateState, useMyAgreements } from "./agreements";
import { featureOfPath, featureOfSection, usePatientFeatures, type Feature } from "./features";
import type { MessageKey } from "./i18n/en";
import { categoriesFor } from "./pages/staff/categories";
import { readsDigests } from "./pages/support/digests/digest";
import SignIn from "./pages/SignIn";
import Home from "./pages/Home";

const Activate = lazy(() => import("./pages/Activate"));
const Forgot = lazy(() => import("./pages/Forgot"));
const AcceptInvitation = lazy(() => import("./pages/AcceptInvitation"));
const AccessLog = lazy(() => import("./pages/AccessLog"));
const CareCircle = lazy(() => import("./pages/CareCircle"));
const RegisterPatient = lazy(() => import("./pages/staff/RegisterPatient"));
const AdminStaff = lazy(() => import("./pages/admin/Staff"));
const AdminAudit = lazy(() => import("./pages/admin/Audit"));
const Records = lazy(() => import("./pages/Records"));
const Series = lazy(() => import("./pages/Series"));
const RecordDetail = lazy(() => import("./pages/RecordDetail"));
const Imports = lazy(() => import("./pages/records/Imports"));
const ImportReport = lazy(() => import("./pages/records/ImportReport"));
const Messages = lazy(() => import("./pages/Messages"));
const Thread = lazy(() => import("./pages/Thread"));
const NewMessage = lazy(() => import("./pages/NewMessage"));
const Appointments = lazy(() => import("./pages/Appointments"));
const Book = lazy(() => import("./pages/Book"));
const Profile = lazy(() => import("./pages/Profile"));
const Inbox = lazy(() => import("./pages/staff/Inbox"));
const DayView = lazy(() => import("./pages/staff/DayView"));
const ProfileChanges = lazy(() => import("./pages/staff/ProfileChanges"));
const StaffPatient = lazy(() => import("./pages/staff/Patient"));
const FindPatient = lazy(() => import("./pages/staff/FindPatient"));
const NotificationSettings = lazy(() => import("./pages/NotificationSettings"));
const Unsubscribe = lazy(() => import("./pages/Unsubscribe"));
// The "Not you? Lock your account" link of a sign-in notice (issue 21): public.
const LockAccount = lazy(() => import("./pages/LockAccount"));
// Feedback, the respondents' side (issue 17): patients and caregivers, staff as voters, other practices.
const PatientFeedback = lazy(() => import("./pages/feedback/Feedback"));
const PatientPoll = lazy(() => import("./pages/feedback/PatientPoll"));
const PatientSurvey = lazy(() => import("./pages/feedback/Survey"));
const StaffPolls = lazy(() => import("./pages/feedback/StaffPolls"));
const StaffPoll = lazy(() => import("./pages/feedback/StaffPoll"));
const Vote = lazy(() => import("./pages/feedback/Vote"));
const Cohorts = lazy(() => import("./pages/rollout/Cohorts"));
const Cohort = lazy(() => import("./pages/rollout/Cohort"));
const Waves = lazy(() => import("./pages/rollout/Waves"));
const Wave = lazy(() => import("./pages/rollout/Wave"));
const Switches = lazy(() => import("./pages/rollout/Switches"));
const Agreements = lazy(() => import("./pages/rollout/Agreements"));
const Adoption = lazy(() => import("./pages/rollout/Adoption"));
const AcceptTerms = lazy(() => import("./pages/rollout/AcceptTerms"));
const FeedbackIdeas = lazy(() => import("./pages/feedback/staff/Ideas"));
const FeedbackPolls = lazy(() => import("./pages/feedback/staff/Polls"));
const FeedbackPoll = lazy(() => import("./pages/feedback/staff/Poll"));
const FeedbackInsights = lazy(() => import("./pages/feedback/staff/Feedback"));
// Support (issue 18): the reporter's side (patients, caregivers, staff), then the quick-response team's.
const MyReports = lazy(() => import("./pages/support/MyReports"));
const MyReport = lazy(() => import("./pages/support/MyReport"));
const SupportQueue = lazy(() => import("./pages/support/team/Queue"));
const SupportReport = lazy(() => import("./pages/support/team/Report"));
const SupportIncidents = lazy(() => import("./pages/support/team/Incidents"));
const SupportIncident = lazy(() => import("./pages/support/team/Incident"));
// Announcements (issue 18, part 2): the team's, and what's new for everyone they are for.
const SupportAnnouncements = lazy(() => import("./pages/support/team/Announcements"));
const SupportAnnouncement = lazy(() => import("./pages/support/team/Announcement"));
const WhatsNew = lazy(() => import("./pages/support/WhatsNew"));
// The portal lead's weekly digest (issue 18, item 4): leads and administrators.
const Digests = lazy(() => import("./pages/support/digests/Digests"));
const Digest = lazy(() => import("./pages/support/digests/Digest"));
// Prescription refill requests (issue 20): the patient's prescriptions, the practice's queue and pharmacies.
const Prescriptions = lazy(() => import("./pages/refills/Prescriptions"));
const RefillDetail = lazy(() => import("./pages/refills/RefillDetail"));
const RefillQueue = lazy(() => import("./pages/refills/staff/Queue"));
const StaffRefill = lazy(() => import("./pages/refills/staff/Request"));
const Pharmacies = lazy(() => import("./pages/refills/staff/Pharmacies"));
// Staff training and onboarding, the education library's editor (issue 19, the staff side).
const MyTraining = lazy(() => import("./pages/training/MyTraining"));
const TrainingModule = lazy(() => import("./pages/training/Module"));
const Onboarding = lazy(() => import("./pages/training/Onboarding"));
const EducationLibrary = lazy(() => import("./pages/library/Library"));
const TopicEditor = lazy(() => import("./pages/library/TopicEditor"));
// Health education, the guides and the activation handout (issue 19, the patient side).
const Education = lazy(() => import("./pages/education/Education"));
const EducationTopic = lazy(() => import("./pages/education/Topic"));
const Guides = lazy(() => import("./pages/guides/Guides"));
const Guide = lazy(() => import("./pages/guides/Guides").then((m) => ({ default: m.Guide })));
const Handout = lazy(() => import("./pages/staff/Handout"));
// The provider schedule editor (issue 13): the front desk's providers, adding one, and their published hours.
const ScheduleProviders = lazy(() => import("./pages/schedules/Providers"));
const ScheduleEditor = lazy(() => import("./pages/schedules/ScheduleEditor"));
// Account security (issue 21): the authenticator app, backup codes; staff enrol before anything else.
const AccountSecurity = lazy(() => import("./pages/security/AccountSecurity"));
const MfaSetupGate = lazy(() => import("./pages/security/MfaSetupGate"));

/** The app's cache: a 4xx is an answer, not a hiccup, so only network and server failures retry. */
export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
        staleTime: 30_000,
        refetchOnWindowFocus: false,
      },
    },
  });
}

/** POST /auth/refresh: a new ID token, or a refusal (sign in again), or a failure worth retrying. */
export async function refreshTokens(api: Api, refreshToken: string): Promise<RefreshOutcome> {
  const { data, response } = await api.POST("/auth/refresh", { body: { refreshToken } });
  if (data) return { kind: "renewed", idToken: data.idToken, accessToken: data.accessToken };
  return [400, 401, 403, 422].includes(response.status) ? { kind: "refused" } : { kind: "failed" };
}


export function App({ config, queryClient }: { config: RuntimeConfig; queryClient?: QueryClient }) {
  const client = useMemo(() => queryClient ?? makeQueryClient(), [queryClient]);
  const api = useMemo(() => makeApi(config.apiUrl), [config.apiUrl]);

  const signOut = useCallback(
    async (reason?: "expired" | "idle") => {
      const session = getSession();
      // Where to come back to, taken first: a request refused while the sign-out is under way
      // signs out too, and must not become the page to come back to.
      const next = location.pathname + location.search;
      const onSignIn = location.pathname === "/sign-in";
      // An expired session has nothing left to revoke; an idle one does.
      if (session?.refreshToken && reason !== "expired") {
        // Revokes the refresh token at Cognito and, with the access token, this sign-in's tokens
        // already out (the revocation feed: only this sign-in, so signing in again works at once).
        // The page forgets everything either way.
        const body = session.accessToken
          ? { refreshToken: session.refreshToken, accessToken: session.accessToken }
          : { refreshToken: session.refreshToken };
        await api.POST("/auth/sign-out", { body }).catch(() => undefined);
      }
      setSession(null);
      client.clear();
      // Already on the sign-in page (a renewal refused after an idle sign-out, say): stay, with
      // whatever it says.
      if (!onSignIn) {
        navigate(reason !== undefined ? `/sign-in?expired=1&next=${encodeURIComponent(next)}` : "/sign-in", { replace: true });
      }
    },
    [api, client],
  );
  useEffect(() => setUnauthorizedHandler(() => void signOut("expired")), [signOut]);
  // The ID token lasts an hour: renew it shortly before then, and once on a 401 (see auth/renewal.ts).
  useEffect(() => {
    const renewal = createRenewal({ refresh: (token) => refreshTokens(api, token), onExpired: () => void signOut("expired") });
    setRenewHandler(renewal.renew);
    const stop = renewal.start();
    return () => {
      stop();
      setRenewHandler(async () => false);
    };
  }, [api, signOut]);

  return (
    <QueryClientProvider client={client}>
      <I18nProvider timeZone={config.practiceTimeZone}>
        <AppContext.Provider value={{ api, config, signOut }}>
          <Shell />
        </AppContext.Provider>
      </I18nProvider>
    </QueryClientProvider>
  );
}

function useSession(): Session | null {
  return useSyncExternalStore(subscribe, getSession);
}

function Shell() {
  const session = useSession();
  const { path } = useLocation();
  const { t } = useI18n();
  const publicPage = PUBLIC_PAGES.includes(path);

  useEffect(() => {
    if (!session && !publicPage) {
      const next = location.pathname + location.search;
      navigate(next === "/" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(next)}`, { replace: true });
    }
  }, [session, publicPage]);

  return (
    <>
      <a className="skip-link" href="#main">
        {t("app.skip")}
      </a>
      <header className="app-header">
        <Link to="/" className="brand">
          {t("app.name")}
        </Link>
        <LanguageSwitch />
        {session && !publicPage && <ReportProblemSlot session={session} path={path} />}
        {session && !publicPage && (
          <Link to="/account/security" aria-current={path === "/account/security" ? "page" : undefined}>
            {t("security.link")}
          </Link>
        )}
        {session && <SignOutButton />}
      </header>
      {publicPage || !session ? (
        <main id="main" tabIndex={-1}>
          <Suspense fallback={<p role="status">{t("app.loading")}</p>}>
            <PublicRoutes path={path} />
          </Suspense>
        </main>
      ) : session.mfaSetupRequired ? (
        // A staff account without an authenticator app enrols first; then on to where it was going.
        <main id="main" tabIndex={-1}>
          <Suspense fallback={<p role="status">{t("app.loading")}</p>}>
            <MfaSetupGate />
          </Suspense>
        </main>
      ) : (
        <AgreementGate key={session.claims.sub} session={session} path={path} />
      )}
      {session && <IdleTimeout idleMs={isStaff(session.claims) ? STAFF_IDLE_MS : PATIENT_IDLE_MS} />}
    </>
  );
}

/**
 * Signed in: the pending agreements first (terms of use; beta terms for a patient in a beta
 * cohort), then the app. Asked once per sign-in.
 */
function AgreementGate({ session, path }: { session: Session; path: string }) {
  const { t } = useI18n();
  const agreements = useMyAgreements(session.claims.sub);
  const gate = gateState(agreements);
  const loading = <p role="status">{t("app.loading")}</p>;
  return (
    <>
      {gate.state === "open" && <Nav session={session} path={path} />}
      <main id="main" tabIndex={-1}>
        {gate.state === "open" && <Banner session={session} path={path} />}
        <Suspense fallback={loading}>
          {gate.state === "checking" ? (
            loading
          ) : gate.state === "pending" ? (
            <AcceptTerms agreements={gate.agreements} />
          ) : (
            <PrivateRoutes session={session} path={path} />
          )}
        </Suspense>
      </main>
    </>
  );
}

function LanguageSwitch() {
  // `chosen`, not `locale`: the language picked stays picked while its catalogue is on its way.
  const { chosen, setLocale, t } = useI18n();
  return (
    <div className="lang">
      <label htmlFor="lang">{t("app.language")}</label>
      <select id="lang" value={chosen} onChange={(e) => setLocale(e.target.value as Locale)}>
        {(Object.keys(localeNames) as Locale[]).map((l) => (
          <option key={l} value={l} lang={l}>
            {localeNames[l]}
          </option>
        ))}
      </select>
    </div>
  );
}

function SignOutButton() {
  const { signOut } = useApp();
  const { t } = useI18n();
  return (
    <button type="button" className="link-button" onClick={() => void signOut()}>
      {t("app.signOut")}
    </button>
  );
}

/** The patient whose pages are being viewed: the one in the path, else the caller's own or first. */
function viewedPatient(session: Session, path: string, actedFor: ActedFor[] | undefined): string | undefined {
  if (isStaff(session.claims)) return undefined;
  const current = path.match(/^\/p\/([^/]+)/)?.[1];
  return current ?? (isPatient(session.claims) ? "me" : actedFor?.[0]?.patientId);
}

/** Where a report from this page is filed: staff's own account, or the patient being viewed. */
function useReporter(session: Session, path: string): Reporter | null {
  const actedFor = useActedFor(session);
  if (isStaff(session.claims)) return { kind: "staff" };
  const patientId = viewedPatient(session, path, actedFor.data);
  return patientId ? { kind: "patient", patientId } : null;
}

/**
 * "Report a problem" in the header of every signed-in page. Patients and caregivers have it
 * while the `problem-reports` feature is on for the patient; staff always.
 */
function ReportProblemSlot({ session, path }: { session: Session; path: string }) {
  const reporter = useReporter(session, path);
  // Like the navigation, only once the pending terms are accepted (the same cached answer).
  const open = gateState(useMyAgreements(session.claims.sub)).state === "open";
  const features = usePatientFeatures(open && reporter?.kind === "patient" ? reporter.patientId : undefined);
  if (!open || !reporter || features.pending || !features.on("problem-reports")) return null;
  return <ReportProblemButton key={reporter.kind === "patient" ? reporter.patientId : "staff"} reporter={reporter} />;
}

function Banner({ session, path }: { session: Session; path: string }) {
  const actedFor = useActedFor(session);
  return (
    <StatusBanner
      key={session.claims.sub}
      sub={session.claims.sub}
      staff={isStaff(session.claims)}
      patientId={viewedPatient(session, path, actedFor.data)}
    />
  );
}

export interface ActedFor {
  patientId: string;
  name: string;
  scopes: string[];
  /** The practice locked the patient's account (issue 21): nothing of theirs is offered. */
  locked: boolean;
}

/** The patients a caregiver acts for (empty for everyone else). */
export function useActedFor(session: Session) {
  const { api } = useApp();
  return useQuery({
    queryKey: ["acted-for", session.claims.sub],
    enabled: isCaregiver(session.claims),
    queryFn: async (): Promise<ActedFor[]> =>
      (await unwrap(api.GET("/caregivers/me/patients"))).data.items.map((p) => ({
        patientId: p.patientId,
        name: p.name,
        scopes: p.scopes,
        locked: p.locked,
      })),
  });
}

const PATIENT_SECTIONS = [
  { key: "nav.home", slug: "", scope: null },
  // The practice's news (feature `announcements`): every caregiver reads it, whatever their scopes.
  { key: "nav.whatsNew", slug: "whats-new", scope: null },
  { key: "nav.records", slug: "records", scope: "records" },
  // Renewing a medication of the record (feature `refills`): the record's scope.
  { key: "nav.prescriptions", slug: "refills", scope: "records" },
  // Health topics matched to the record (feature `education`): the record's scope.
  { key: "nav.education", slug: "education", scope: "records" },
  { key: "nav.messages", slug: "messages", scope: "messages" },
  { key: "nav.appointments", slug: "appointments", scope: "appointments" },
  { key: "nav.profile", slug: "profile", scope: "profile" },
  // Polls, ratings and suggestions: any caregiver may answer for the patient, whatever their scopes.
  { key: "nav.feedback", slug: "feedback", scope: null },
  // Every caregiver sets how they themselves hear about the patient, whatever their scopes.
  { key: "nav.notifications", slug: "notifications", scope: null },
  // The problems reported for the patient (each person sees their own), whatever the scopes.
  { key: "nav.reports", slug: "reports", scope: null },
  // How to use the portal (and the tour again), for everyone.
  { key: "nav.guides", slug: "guides", scope: null },
] as const;

/** The rollout screens: portal leads run the rollout; admins read adoption too. */
function rolloutLinks(groups: string[]): { to: string; key: MessageKey }[] {
  const lead = groups.includes("portal-leads");
  return [
    ...(lead
      ? ([
          { to: "/rollout/cohorts", key: "nav.cohorts" },
          { to: "/rollout/waves", key: "nav.waves" },
          { to: "/rollout/features", key: "nav.features" },
          { to: "/rollout/agreements", key: "nav.agreements" },
        ] as const)
      : []),
    ...(lead || groups.includes("admins") ? ([{ to: "/rollout/adoption", key: "nav.adoption" }] as const) : []),
    // Feedback (issue 17): leads run ideas and polls; admins read polls and ratings; the response team answers comments.
    ...(lead ? ([{ to: "/rollout/ideas", key: "nav.ideas" }] as const) : []),
    ...(lead || groups.includes("admins") ? ([{ to: "/rollout/polls", key: "nav.polls" }] as const) : []),
    ...(lead || groups.includes("admins") || groups.includes("response-team")
      ? ([{ to: "/rollout/feedback", key: "nav.feedbackInsights" }] as const)
      : []),
  ];
}

/** The quick-response team's screens (the report queue, incidents and announcements), and the weekly digests. */
function supportLinks(groups: string[]): { to: string; key: MessageKey }[] {
  const team = groups.includes("response-team") || groups.includes("portal-leads");
  return [
    ...(team
      ? ([
          { to: "/support/reports", key: "nav.supportQueue" },
          { to: "/support/incidents", key: "nav.supportIncidents" },
          { to: "/support/announcements", key: "nav.supportAnnouncements" },
        ] as const)
      : []),
    // The weekly digest is for portal leads (and administrators), not the whole response team.
    ...(readsDigests(groups) ? ([{ to: "/staff/digests", key: "nav.digests" }] as const) : []),
  ];
}

/** A titled group of links in the main navigation (rollout, support). */
function NavSection({ id, title, links, path }: { id: string; title: string; links: { to: string; key: MessageKey }[]; path: string }) {
  const { t } = useI18n();
  if (!links.length) return null;
  return (
    <div className="nav-section">
      <span id={id} className="nav-section-title">
        {title}
      </span>
      <ul aria-labelledby={id}>
        {links.map((l) => (
          <li key={l.to}>
            <Link to={l.to} aria-current={path === l.to || path.startsWith(`${l.to}/`) ? "page" : undefined}>
              {t(l.key)}
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Nav({ session, path }: { session: Session; path: string }) {
  const { t } = useI18n();
  const actedFor = useActedFor(session);
  const patientMatch = path.match(/^\/p\/([^/]+)/);
  const current = patientMatch?.[1];
  const links: { to: string; label: string; unread?: number }[] = [];
  const pid = viewedPatient(session, path, actedFor.data);
  const features = usePatientFeatures(pid);
  const unread = useUnread(session, pid, !features.pending && features.on("announcements"));
  const rollout = isStaff(session.claims) ? rolloutLinks(session.claims.groups) : [];
  const support = isStaff(session.claims) ? supportLinks(session.claims.groups) : [];
  if (isStaff(session.claims)) {
    const groups = session.claims.groups;
    if (categoriesFor(groups).length) links.push({ to: "/staff/inbox", label: t("nav.inbox") });
    // Finding a patient to open their page (issue 13); administrators may search too, from the address.
    if (groups.includes("front-desk") || groups.includes("clinicians")) links.push({ to: "/staff/patients", label: t("patientSearch.nav") });
    if (groups.includes("front-desk") || groups.includes("clinicians")) links.push({ to: "/staff/day", label: t("nav.day") });
    // Refill requests: clinicians decide, the front desk marks them sent; the directory is the front desk's and admins'.
    if (groups.includes("front-desk") || groups.includes("clinicians")) links.push({ to: "/staff/refills", label: t("nav.refillQueue") });
    if (groups.includes("front-desk") || groups.includes("admins")) links.push({ to: "/staff/pharmacies", label: t("nav.pharmacies") });
    // Provider schedules: the front desk publishes them; clinicians read them (issue 13).
    if (groups.includes("front-desk") || groups.includes("clinicians")) links.push({ to: "/staff/schedules", label: t("nav.schedules") });
    if (groups.includes("front-desk")) {
      links.push({ to: "/staff/profile-changes", label: t("nav.profileChanges") });
      links.push({ to: "/staff/patients/new", label: t("staff.register") });
    }
    if (groups.includes("admins")) {
      links.push({ to: "/admin/staff", label: t("nav.staffAccounts") });
      links.push({ to: "/admin/audit", label: t("nav.audit") });
    }
    // Issue 19: admins follow onboarding; clinicians (and admins) keep the education library.
    if (groups.includes("admins")) links.push({ to: "/admin/onboarding", label: t("onboarding.nav") });
    if (groups.includes("clinicians") || groups.includes("admins")) links.push({ to: "/staff/education", label: t("library.nav") });
    // Every staff role has training modules (some work opens once its module is done).
    links.push({ to: "/staff/training", label: t("training.nav") });
    // Every staff role may be asked in a poll of the practice's ideas.
    links.push({ to: "/staff/polls", label: t("nav.staffPolls") });
    // Every staff role may report a problem and follow it.
    links.push({ to: "/account/reports", label: t("nav.myReports") });
    // Every staff role reads the practice's news to staff (and acknowledges what asks for it).
    links.push({ to: "/account/whats-new", label: t("nav.whatsNew"), unread });
  } else {
    const grant = actedFor.data?.find((p) => p.patientId === pid);
    // The whole list at once, when the patient's switches are known: no section comes and goes.
    if (pid && !features.pending) {
      for (const section of PATIENT_SECTIONS) {
        // A caregiver sees only the sections their grant's scopes open.
        if (pid !== "me" && section.scope && !grant?.scopes.includes(section.scope)) continue;
        // A locked patient: no way into their record, only the page that says so.
        if (grant?.locked && section.slug) continue;
        // A feature switched off for this patient is not offered.
        const feature = featureOfSection(section.slug);
        if (feature && !features.on(feature)) continue;
        links.push({
          to: `/p/${pid}${section.slug ? `/${section.slug}` : ""}`,
          label: t(section.key),
          ...(section.slug === "whats-new" ? { unread } : {}),
        });
      }
    }
  }
  return (
    <nav aria-label={t("app.mainNav")} className="main-nav">
      {isCaregiver(session.claims) && actedFor.data && actedFor.data.length > 0 && (
        <ActingFor options={actedFor.data} current={current} />
      )}
      <ul>
        {links.map((l) => {
          const active = path === l.to || (l.to.split("/").length > 3 && path.startsWith(l.to));
          return (
            <li key={l.to}>
              <Link to={l.to} aria-current={active ? "page" : undefined}>
                {l.label}
                {l.unread ? <UnreadBadge count={l.unread} /> : null}
              </Link>
            </li>
          );
        })}
      </ul>
      <NavSection id="nav-rollout" title={t("nav.rollout")} links={rollout} path={path} />
      <NavSection id="nav-support" title={t("nav.support")} links={support} path={path} />
    </nav>
  );
}

/** What's new's unread count: staff's own, or the caller's in the viewed patient's context (feature on). */
function useUnread(session: Session, pid: string | undefined, featureOn: boolean): number {
  const staff = isStaff(session.claims);
  const reader: Reader | null = staff ? { kind: "staff" } : pid ? { kind: "patient", patientId: pid } : null;
  const news = useWhatsNew(reader, staff || featureOn);
  return unreadCount(news.data);
}

/** A count beside a navigation entry: the number is seen, and heard in words. */
function UnreadBadge({ count }: { count: number }) {
  const { t } = useI18n();
  return (
    <>
      <span className="badge" aria-hidden="true" style={{ marginInlineStart: "0.35rem" }}>
        {count}
      </span>
      <span className="visually-hidden"> ({t("nav.whatsNewUnread", { count })})</span>
    </>
  );
}

function ActingFor({ options, current }: { options: ActedFor[]; current: string | undefined }) {
  const { t } = useI18n();
  return (
    <div className="acting-for">
      <label htmlFor="acting-for">{t("actingFor.label")}</label>
      <select id="acting-for" value={current ?? ""} onChange={(e) => navigate(`/p/${e.target.value}`)}>
        {options.map((o) => (
          <option key={o.patientId} value={o.patientId}>
            {o.locked ? t("lockedPatient.option", { name: o.name }) : o.name}
          </option>
        ))}
      </select>
    </div>
  );
}

const PUBLIC_PAGES = ["/sign-in", "/activate", "/forgot-password", "/accept-invitation", "/unsubscribe", "/vote", "/lock"];

function PublicRoutes({ path }: { path: string }) {
  if (path === "/activate") return <Activate />;
  if (path === "/forgot-password") return <Forgot />;
  if (path === "/accept-invitation") return <AcceptInvitation />;
  if (path === "/unsubscribe") return <Unsubscribe />;
  if (path === "/vote") return <Vote />;
  if (path === "/lock") return <LockAccount />;
  return <SignIn />;
}

function PrivateRoutes({ session, path }: { session: Session; path: string }): ReactNode {
  const actedFor = useActedFor(session);
  if (path === "/") {
    return <Landing session={session} firstActedFor={actedFor.data?.[0]?.patientId} pending={actedFor.isPending && isCaregiver(session.claims)} />;
  }
  // A caregiver's patient whose account the practice locked: said so, on every page of theirs.
  const locked = actedFor.data?.find((p) => p.locked && path.match(/^\/p\/([^/]+)/)?.[1] === p.patientId);
  if (locked) return <LockedPatient name={locked.name} />;
  const gated = featureOfPath(path);
  if (gated) return <FeatureGate patientId={path.split("/")[2]!} feature={gated} page={patientRoute(path)} />;
  const patientPage = patientRoute(path);
  if (patientPage) return patientPage;
  let m: Record<string, string> | null;
  if (path === "/notifications") {
    // Where the unsubscribe page sends people: their own settings, or the first patient they act for.
    return <Landing session={session} firstActedFor={actedFor.data?.[0]?.patientId} pending={actedFor.isPending && isCaregiver(session.claims)} section="notifications" />;
  }
  // The link of a refill's notification: the request in the patient's own (or first acted-for) pages.
  const refillLink = path === "/refills" ? {} : match("/refills/:refillId", path);
  if (!isStaff(session.claims) && refillLink) {
    const tail = refillLink.refillId ? `refills/${encodeURIComponent(refillLink.refillId)}` : "refills";
    return <Landing session={session} firstActedFor={actedFor.data?.[0]?.patientId} pending={actedFor.isPending && isCaregiver(session.claims)} section={tail} />;
  }
  // The link of an education notice: the topics in the patient's own (or first acted-for) pages.
  if (!isStaff(session.claims) && path === "/education") {
    return <Landing session={session} firstActedFor={actedFor.data?.[0]?.patientId} pending={actedFor.isPending && isCaregiver(session.claims)} section="education" />;
  }
  if (path === "/account/security") return <AccountSecurity />;
  if (path === "/staff/refills") return <RefillQueue />;
  if ((m = match("/staff/refills/:refillId", path))) return <StaffRefill key={m.refillId} refillId={m.refillId!} />;
  if (path === "/staff/pharmacies") return <Pharmacies />;
  if (path === "/staff/training") return <MyTraining />;
  if ((m = match("/staff/training/:moduleId", path))) return <TrainingModule key={m.moduleId} moduleId={m.moduleId!} />;
  if (path === "/admin/onboarding") return <Onboarding />;
  if (path === "/staff/education") return <EducationLibrary />;
  if (path === "/staff/education/new") return <TopicEditor key="new" />;
  if ((m = match("/staff/education/:topicId", path))) return <TopicEditor key={m.topicId} topicId={m.topicId!} />;
  if ((m = match("/staff/patients/:pid/handout", path))) return <Handout key={m.pid} patientId={m.pid!} />;
  if (path === "/staff/patients") return <FindPatient />;
  if (path === "/staff/patients/new") return <RegisterPatient />;
  if ((m = match("/staff/patients/:pid", path))) return <StaffPatient patientId={m.pid!} />;
  if (path === "/admin/staff") return <AdminStaff />;
  if (path === "/admin/audit") return <AdminAudit />;
  if (path === "/staff/inbox") return <Inbox />;
  if ((m = match("/staff/inbox/:pid/:cid", path))) return <Thread patientId={m.pid!} conversationId={m.cid!} staff />;
  if (path === "/staff/day") return <DayView />;
  if (path === "/staff/schedules") return <ScheduleProviders />;
  if ((m = match("/staff/schedules/:providerId", path))) return <ScheduleEditor key={m.providerId} providerId={m.providerId!} />;
  if (path === "/staff/profile-changes") return <ProfileChanges />;
  if (path === "/staff/polls") return <StaffPolls />;
  if (path === "/staff/digests") return <Digests />;
  if ((m = match("/staff/digests/:digestId", path))) return <Digest key={m.digestId} digestId={m.digestId!} />;
  if ((m = match("/staff/polls/:pollId", path))) return <StaffPoll pollId={m.pollId!} />;
  if (path === "/rollout/cohorts") return <Cohorts />;
  if ((m = match("/rollout/cohorts/:name", path))) return <Cohort name={m.name!} />;
  if (path === "/rollout/waves") return <Waves />;
  if ((m = match("/rollout/waves/:id", path))) return <Wave waveId={m.id!} />;
  if (path === "/rollout/features") return <Switches />;
  if (path === "/rollout/agreements") return <Agreements />;
  if (path === "/rollout/adoption") return <Adoption />;
  if (path === "/rollout/ideas") return <FeedbackIdeas />;
  if (path === "/rollout/polls") return <FeedbackPolls />;
  if ((m = match("/rollout/polls/:pollId", path))) return <FeedbackPoll pollId={m.pollId!} />;
  if (path === "/rollout/feedback") return <FeedbackInsights />;
  if (path === "/support/reports") return <SupportQueue />;
  if ((m = match("/support/reports/:reportId", path))) return <SupportReport key={m.reportId} reportId={m.reportId!} />;
  if (path === "/support/incidents") return <SupportIncidents />;
  if ((m = match("/support/incidents/:incidentId", path))) return <SupportIncident key={m.incidentId} incidentId={m.incidentId!} />;
  if (path === "/support/announcements") return <SupportAnnouncements />;
  if ((m = match("/support/announcements/:announcementId", path))) {
    return <SupportAnnouncement key={m.announcementId} announcementId={m.announcementId!} />;
  }
  if (isStaff(session.claims)) {
    if (path === "/account/reports") return <MyReports reporter={{ kind: "staff" }} />;
    if ((m = match("/account/reports/:reportId", path))) return <MyReport key={m.reportId} reporter={{ kind: "staff" }} reportId={m.reportId!} />;
    if (path === "/account/whats-new") return <WhatsNew reader={{ kind: "staff" }} />;
  }
  return <NotFound />;
}

/** The patient-side screens (`/p/:pid/...`), or null for another path. */
function patientRoute(path: string): ReactNode | null {
  let m: Record<string, string> | null;
  if ((m = match("/p/:pid", path))) return <Home patientId={m.pid!} />;
  if ((m = match("/p/:pid/records", path))) return <Records patientId={m.pid!} />;
  if ((m = match("/p/:pid/records/series/:code", path))) return <Series patientId={m.pid!} code={m.code!} />;
  if ((m = match("/p/:pid/records/item/:rid", path))) return <RecordDetail patientId={m.pid!} recordId={m.rid!} />;
  if ((m = match("/p/:pid/records/imports", path))) return <Imports patientId={m.pid!} />;
  if ((m = match("/p/:pid/records/imports/:iid", path))) return <ImportReport key={m.iid} patientId={m.pid!} importId={m.iid!} />;
  if ((m = match("/p/:pid/messages", path))) return <Messages patientId={m.pid!} />;
  if ((m = match("/p/:pid/messages/new", path))) return <NewMessage patientId={m.pid!} />;
  if ((m = match("/p/:pid/messages/:cid", path))) return <Thread patientId={m.pid!} conversationId={m.cid!} />;
  if ((m = match("/p/:pid/appointments", path))) return <Appointments patientId={m.pid!} />;
  if ((m = match("/p/:pid/appointments/book", path))) return <Book patientId={m.pid!} />;
  if ((m = match("/p/:pid/appointments/:aid/reschedule", path))) return <Book patientId={m.pid!} rescheduling={m.aid!} />;
  if ((m = match("/p/:pid/profile", path))) return <Profile patientId={m.pid!} />;
  if ((m = match("/p/:pid/access-log", path))) return <AccessLog patientId={m.pid!} />;
  if ((m = match("/p/:pid/care-circle", path))) return <CareCircle patientId={m.pid!} />;
  if ((m = match("/p/:pid/notifications", path))) return <NotificationSettings patientId={m.pid!} />;
  if ((m = match("/p/:pid/feedback", path))) return <PatientFeedback patientId={m.pid!} />;
  if ((m = match("/p/:pid/polls/:pollId", path))) return <PatientPoll patientId={m.pid!} pollId={m.pollId!} />;
  if ((m = match("/p/:pid/surveys/:surveyId", path))) return <PatientSurvey patientId={m.pid!} surveyId={m.surveyId!} />;
  if ((m = match("/p/:pid/whats-new", path))) return <WhatsNew key={m.pid} reader={{ kind: "patient", patientId: m.pid! }} />;
  if ((m = match("/p/:pid/refills", path))) return <Prescriptions key={m.pid} patientId={m.pid!} />;
  if ((m = match("/p/:pid/refills/:refillId", path))) return <RefillDetail key={`${m.pid}/${m.refillId}`} patientId={m.pid!} refillId={m.refillId!} />;
  if ((m = match("/p/:pid/education", path))) return <Education key={m.pid} patientId={m.pid!} />;
  if ((m = match("/p/:pid/education/:topicId", path))) return <EducationTopic key={`${m.pid}/${m.topicId}`} patientId={m.pid!} topicId={m.topicId!} />;
  if ((m = match("/p/:pid/guides", path))) return <Guides key={m.pid} patientId={m.pid!} />;
  if ((m = match("/p/:pid/guides/:guide", path))) return <Guide key={`${m.pid}/${m.guide}`} patientId={m.pid!} guide={m.guide!} />;
  if ((m = match("/p/:pid/reports", path))) return <MyReports key={m.pid} reporter={{ kind: "patient", patientId: m.pid! }} />;
  if ((m = match("/p/:pid/reports/:reportId", path))) {
    return <MyReport key={`${m.pid}/${m.reportId}`} reporter={{ kind: "patient", patientId: m.pid! }} reportId={m.reportId!} />;
  }
  return null;
}

/** A screen that is one feature: shown when the feature is on for the patient, else a friendly notice. */
function FeatureGate({ patientId, feature, page }: { patientId: string; feature: Feature; page: ReactNode }) {
  const { t } = useI18n();
  const features = usePatientFeatures(patientId);
  if (features.pending) return <p role="status">{t("app.loading")}</p>;
  if (!features.on(feature)) return <FeatureOff />;
  return page ?? <NotFound />;
}

function Landing({
  session,
  firstActedFor,
  pending,
  section,
}: {
  session: Session;
  firstActedFor?: string;
  pending: boolean;
  section?: string;
}) {
  useEffect(() => {
    const tail = section ? `/${section}` : "";
    if (isStaff(session.claims)) {
      const groups = session.claims.groups;
      navigate(
        groups.includes("front-desk")
          ? "/staff/day"
          : categoriesFor(groups).length
            ? "/staff/inbox"
            : isPortalLead(session.claims)
              ? "/rollout/cohorts"
              : "/admin/staff",
        { replace: true },
      );
    } else if (isPatient(session.claims)) navigate(`/p/me${tail}`, { replace: true });
    else if (firstActedFor) navigate(`/p/${firstActedFor}${tail}`, { replace: true });
  }, [session, firstActedFor, section]);
  return pending ? null : isCaregiver(session.claims) && !firstActedFor ? <NotFound /> : null;
}
