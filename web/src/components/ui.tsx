import { useEffect, useId, useRef, type InputHTMLAttributes, type ReactNode } from "react";
import { ApiError } from "../api/client";
import { useI18n } from "../i18n";
import { isFeatureOff } from "../features";
import { isTrainingRequired, TrainingRequiredNotice } from "./TrainingRequired";
import { isAccountLocked } from "./AccountLocked";

/** A page: its heading takes focus when it appears, so screen readers announce the new page. */
export function Page({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = title;
    heading.current?.focus();
  }, [title]);
  return (
    <>
      <div className="page-head">
        <h1 ref={heading} tabIndex={-1}>
          {title}
        </h1>
        {actions}
      </div>
      {children}
    </>
  );
}

/** A failure as a person reads it: the problem's title and detail, and a retry where it helps. */
export function ErrorNotice({ error, retry }: { error: unknown; retry?: () => void }) {
  const { t } = useI18n();
  let title = t("error.generic");
  let detail: string | undefined;
  if (isFeatureOff(error)) {
    // A switched-off feature: said kindly, and no retry (trying again changes nothing).
    return (
      <div role="alert" className="notice">
        <p className="notice-title">{t("featureOff.title")}</p>
        <p>{t("featureOff.detail")}</p>
      </div>
    );
  }
  // Staff work refused until a training module is done: what to do, and the link to it.
  if (isTrainingRequired(error)) return <TrainingRequiredNotice error={error} />;
  if (error instanceof ApiError) {
    if (error.status === 0) title = t("error.network");
    else {
      title = error.problem.title;
      detail = error.problem.detail;
    }
  }
  return (
    <div role="alert" className="notice error">
      <p className="notice-title">{title}</p>
      {detail && <p>{detail}</p>}
      {retry && (
        <button type="button" onClick={retry}>
          {t("app.retry")}
        </button>
      )}
    </div>
  );
}

/**
 * A 404, or a 403 other than a switched-off feature, training to finish or a locked account
 * (which `ErrorNotice` explains instead: the problem's title and detail).
 */
export function isNotFound(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    (error.status === 404 || error.status === 403) &&
    !isFeatureOff(error) &&
    !isTrainingRequired(error) &&
    !isAccountLocked(error)
  );
}

/** The page for a screen whose feature is switched off for this patient. */
export function FeatureOff() {
  const { t } = useI18n();
  return (
    <Page title={t("featureOff.title")}>
      <p>{t("featureOff.detail")}</p>
    </Page>
  );
}

export function NotFound() {
  const { t } = useI18n();
  return (
    <Page title={t("app.notFound")}>
      <p>{t("app.notFoundDetail")}</p>
    </Page>
  );
}

interface Query<T> {
  data: T | undefined;
  error: unknown;
  isPending: boolean;
  refetch: () => unknown;
}

function Loading() {
  const { t } = useI18n();
  return (
    <p role="status" className="muted">
      {t("app.loading")}
    </p>
  );
}

/** Renders a query's data, or its loading state, or its error with a retry. */
export function Loaded<T>({ query, children }: { query: Query<T>; children: (data: T) => ReactNode }) {
  if (query.isPending) return <Loading />;
  if (query.error || query.data === undefined) {
    return <ErrorNotice error={query.error} retry={() => void query.refetch()} />;
  }
  return <>{children(query.data)}</>;
}

/** What `LoadedList` reads of a list query (`useQuery`, or `useInfiniteQuery` for a paged list). */
interface ListQuery {
  error: unknown;
  isPending: boolean;
  refetch: () => unknown;
  hasNextPage?: boolean;
  isFetchingNextPage?: boolean;
  fetchNextPage?: () => unknown;
}

/**
 * Renders a list query's items, or its loading state, or its error with a retry while there is
 * nothing to show, or `empty` when the list has no items. A paged list (given `more`, the button's
 * text) gets its "more" button; an error once items are shown (a later page, a failed refresh)
 * appears beneath them.
 */
export function LoadedList<T>({
  query,
  items,
  empty,
  more,
  children,
}: {
  query: ListQuery;
  items: T[];
  empty: string;
  more?: string;
  children: (items: T[]) => ReactNode;
}) {
  if (query.isPending) return <Loading />;
  if (query.error && !items.length) return <ErrorNotice error={query.error} retry={() => void query.refetch()} />;
  if (!items.length) return <p className="muted">{empty}</p>;
  return (
    <>
      {children(items)}
      {more && query.hasNextPage && (
        <button type="button" disabled={query.isFetchingNextPage} onClick={() => void query.fetchNextPage?.()}>
          {more}
        </button>
      )}
      {/* A later page's error: the "more" button tries again. Otherwise a refresh that failed: retry. */}
      {query.error ? <ErrorNotice error={query.error} retry={more ? undefined : () => void query.refetch()} /> : null}
    </>
  );
}

/** A labelled input with its API field error right beside it. */
export function Field({
  label,
  error,
  hint,
  multiline,
  ...input
}: {
  label: string;
  error?: string | undefined;
  hint?: string;
  multiline?: boolean;
} & InputHTMLAttributes<HTMLInputElement & HTMLTextAreaElement>) {
  // A caller's own id (an error summary links to the field) wins over a generated one.
  const generated = useId();
  const id = input.id ?? generated;
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined;
  const common = {
    id,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": describedBy,
    ...input,
  };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
      {multiline ? <textarea rows={4} {...common} /> : <input {...common} />}
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

/** The field errors of a failed submit, by field name, and the rest as a notice. */
export function fieldErrors(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (error instanceof ApiError) {
    for (const e of error.problem.errors ?? []) out[e.field] = e.message;
  }
  return out;
}

export function SourceLabel({ names }: { names: string[] }) {
  const { t } = useI18n();
  return (
    <span className="source">
      <span className="visually-hidden">{names.length > 1 ? t("records.sources") : t("records.source")}: </span>
      {names.join(" · ")}
    </span>
  );
}

/** A table that scrolls sideways on a narrow screen instead of widening the page (keyboard-scrollable). */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
