// One census entry (조사표): the form for the agency's steward while it is a draft or returned
// (checked on blur, saved by itself 1.5 s after the last change, submitted with the server's
// problems shown next to their fields), and a read-only view otherwise, where the operator
// returns it with a comment or accepts it. Its history and likely duplicates are underneath.
//
// /census/entries/new is the same route as /census/entries/$id: when the first save creates the
// entry the address changes to its id and the form stays as it is, focus included.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api';
import { useTitle } from '../../components/useTitle';
import { currentLanguage } from '../../i18n';
import {
  assignmentsQuery,
  campaignsQuery,
  censusKeys,
  createEntry,
  entryAction,
  entryQuery,
  formQuery,
  formValue,
  historyQuery,
  updateEntry,
  type Campaign,
  type Entry,
  type EntryAction,
  type FormDefinition,
  type FormField,
  type HistoryItem,
} from './censusApi';
import {
  CensusBreadcrumb,
  ErrorBox,
  formatDate,
  formatDateTime,
  formatTime,
  Loading,
  StatusBadge,
  useCensusRoles,
  useErrorText,
  useOrgName,
} from './common';
import { displayValue, FieldInput, fieldId, FieldView } from './FormFields';
import {
  checkAll,
  checkField,
  DEPENDENTS,
  groupFields,
  isEmpty,
  label,
  problemField,
  toForm,
  toValues,
  type ClientError,
  type FormValues,
} from './formModel';

const AUTOSAVE_MS = 1500;
export const NEW_ENTRY = 'new';

/** Ids this tab just created: moving from /new to them keeps the form as it is. */
const adopted = new Set<string>();

export function EntryPage() {
  const { id } = useParams({ from: '/census/entries/$id' });
  const definition = useQuery(formQuery);
  const entry = useQuery({ ...entryQuery(id), enabled: id !== NEW_ENTRY });
  const editorKey = useRef(id);
  if (editorKey.current !== id && !adopted.has(id)) editorKey.current = id;

  if (definition.isError) return <PageFrame title="">{<ErrorBox error={definition.error} />}</PageFrame>;
  if (entry.isError) return <PageFrame title="">{<ErrorBox error={entry.error} />}</PageFrame>;
  if (!definition.data || (id !== NEW_ENTRY && !entry.data)) {
    return (
      <PageFrame title="">
        <Loading />
      </PageFrame>
    );
  }
  return <EntryScreen key={editorKey.current} definition={definition.data} entry={id === NEW_ENTRY ? null : (entry.data ?? null)} />;
}

function PageFrame({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useTranslation();
  useTitle(title || t('census.entry.pageTitle'));
  return (
    <div className="inner dd-section">
      <CensusBreadcrumb trail={[{ label: t('census.entry.pageTitle') }]} />
      {children}
    </div>
  );
}

function useCampaign(campaignId: string | null | undefined): Campaign | undefined {
  const roles = useCensusRoles();
  const campaigns = useQuery({ ...campaignsQuery, enabled: !!campaignId && (roles.operator || roles.auditor) });
  const assignments = useQuery({ ...assignmentsQuery, enabled: !!campaignId && roles.stewardOf.length > 0 });
  if (!campaignId) return undefined;
  return campaigns.data?.find((c) => c.id === campaignId) ?? assignments.data?.find((a) => a.campaign.id === campaignId)?.campaign;
}

function EntryScreen({ definition, entry }: { definition: FormDefinition; entry: Entry | null }) {
  const { t } = useTranslation();
  const roles = useCensusRoles();
  const orgName = useOrgName();
  const campaign = useCampaign(entry?.campaignId);
  const title = entry ? entry.title || t('census.entry.untitled') : t('census.entry.newTitle');
  const mine = entry ? roles.stewardOf.some((s) => s.orgId === entry.orgId) : roles.stewardOf.length > 0;
  const editable = mine && (!entry || entry.status === 'draft' || entry.status === 'returned');

  return (
    <PageFrame title={title}>
      <div className="dd-page-head dd-entry-head">
        <div>
          <h1 className="dd-page-title">{title}</h1>
          {entry && (
            <p className="dd-entry-meta">
              <StatusBadge status={entry.status} />
              <span>{orgName(entry.orgId, entry.orgName)}</span>
              {campaign && <span>{campaign.title}</span>}
              <span>{t('census.entry.updatedAt', { when: formatDateTime(entry.updatedAt) })}</span>
            </p>
          )}
        </div>
      </div>

      {entry?.status === 'returned' && entry.reviewComment && (
        <section className="dd-callout dd-callout-danger" aria-labelledby="review-comment-title">
          <h2 id="review-comment-title" className="dd-callout-title">
            {t('census.entry.returnedTitle')}
          </h2>
          <p className="dd-prewrap dd-review-comment">{entry.reviewComment}</p>
          {mine && <p className="dd-callout-hint">{t('census.entry.returnedHint')}</p>}
        </section>
      )}

      {entry && entry.duplicates.length > 0 && (
        <section className="dd-callout dd-callout-info" aria-labelledby="duplicates-title">
          <h2 id="duplicates-title" className="dd-callout-title">
            {t('census.entry.duplicatesTitle')}
          </h2>
          <p>{t('census.entry.duplicatesBody')}</p>
          <ul className="krds-info-list dash">
            {entry.duplicates.map((d) => (
              <li key={d.id}>
                <Link to="/census/entries/$id" params={{ id: d.id }}>
                  {d.title || t('census.entry.untitled')}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}

      {editable ? (
        <Editor definition={definition} entry={entry} />
      ) : entry ? (
        <ReadOnly definition={definition} entry={entry} mine={mine} />
      ) : (
        <div className="dd-notice">
          <p>{t('census.entry.onlyStewards')}</p>
        </div>
      )}

      {entry && <History definition={definition} entryId={entry.id} />}
    </PageFrame>
  );
}

type SaveStatus =
  | { kind: 'new' }
  | { kind: 'dirty' }
  | { kind: 'saving' }
  | { kind: 'saved'; at: Date }
  | { kind: 'invalid' }
  | { kind: 'needTitle' }
  | { kind: 'error'; detail?: string }
  | { kind: 'conflict' };

/** What the first save of a new entry hands to the same form under its new address. */
const handoffs = new Map<string, { savedAt: Date }>();

function Editor({ definition, entry }: { definition: FormDefinition; entry: Entry | null }) {
  const { t } = useTranslation();
  const lang = currentLanguage();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const describeError = useErrorText();
  const roles = useCensusRoles();
  const search = useSearch({ from: '/census/entries/$id' });
  const groups = useMemo(() => groupFields(definition), [definition]);
  const fields = useMemo(() => groups.flatMap((g) => g.fields), [groups]);
  const fieldKeys = useMemo(() => new Set(fields.map((f) => f.key)), [fields]);

  const [values, setValues] = useState<FormValues>(() => toValues(fields, entry?.form));
  const valuesRef = useRef(values);
  const [clientErrors, setClientErrors] = useState<Record<string, ClientError>>({});
  const [serverProblems, setServerProblems] = useState<Record<string, string>>({});
  const touched = useRef(new Set<string>());
  const [status, setStatus] = useState<SaveStatus>(() => {
    const handoff = entry ? handoffs.get(entry.id) : undefined;
    if (entry && handoff) return { kind: 'saved', at: handoff.savedAt };
    return entry ? { kind: 'saved', at: new Date(entry.updatedAt) } : { kind: 'new' };
  });
  const [current, setCurrent] = useState<Entry | null>(entry);
  const saved = useRef<{ id?: string; version?: number }>({ id: entry?.id, version: entry?.version });
  const dirty = useRef(false);
  const conflicted = useRef(false);
  const inflight = useRef<Promise<boolean> | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const [submitError, setSubmitError] = useState<{ message: string; detail?: string; fields: string[] } | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const summaryRef = useRef<HTMLDivElement>(null);

  // Where a new entry goes: the agency and campaign from the link, or the steward's first.
  const assignments = useQuery({ ...assignmentsQuery, enabled: !entry });
  const [orgId, setOrgId] = useState(() => entry?.orgId ?? search.org ?? roles.stewardOf[0]?.orgId ?? '');
  const openCampaigns = (assignments.data ?? []).filter((a) => a.orgId === orgId && a.campaign.status === 'open');
  const [campaignChoice, setCampaignChoice] = useState<string | undefined>(() => entry?.campaignId ?? search.campaign);
  const campaignId = campaignChoice ?? openCampaigns[0]?.campaign.id ?? '';
  const assignmentsLoading = useRef(!entry);
  assignmentsLoading.current = !entry && assignments.isPending;

  useEffect(() => () => window.clearTimeout(timer.current), []);
  useEffect(() => {
    if (entry) handoffs.delete(entry.id);
  }, [entry]);

  // Leaving with unsaved changes asks first.
  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (dirty.current || inflight.current) event.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, []);

  const messageOf = useCallback((error: ClientError) => t(`census.validation.${error.key}`), [t]);

  const persist = useCallback(
    async (reason: 'auto' | 'manual'): Promise<boolean> => {
      window.clearTimeout(timer.current);
      if (inflight.current) await inflight.current;
      if (conflicted.current) return false;
      if (!dirty.current && saved.current.id) {
        if (reason === 'manual') setStatus({ kind: 'saved', at: new Date() });
        return true;
      }
      const snapshot = valuesRef.current;
      const errors = checkAll(fields, snapshot, false);
      if (Object.keys(errors).length > 0) {
        if (reason === 'manual') {
          setClientErrors(errors);
          document.getElementById(fieldId(Object.keys(errors)[0]!))?.focus();
        }
        setStatus({ kind: 'invalid' });
        return false;
      }
      // A new entry goes to the campaign of the agency's request: wait until the requests are known.
      if (reason === 'auto' && !saved.current.id && assignmentsLoading.current) {
        timer.current = window.setTimeout(() => void persistRef.current('auto'), 500);
        return false;
      }
      if (!saved.current.id && isEmpty(snapshot.title)) {
        if (reason === 'manual') {
          setClientErrors((prev) => ({ ...prev, title: { key: 'required' } }));
          document.getElementById(fieldId('title'))?.focus();
        }
        setStatus({ kind: 'needTitle' });
        return false;
      }
      const form = toForm(fields, snapshot);
      dirty.current = false;
      setStatus({ kind: 'saving' });
      const run = (async () => {
        try {
          const { id, version } = saved.current;
          const result =
            id && version !== undefined
              ? await updateEntry(id, { form, version })
              : await createEntry({ orgId, ...(campaignId ? { campaignId } : {}), form });
          saved.current = { id: result.id, version: result.version };
          queryClient.setQueryData(censusKeys.entry(result.id), result);
          void queryClient.invalidateQueries({ queryKey: censusKeys.history(result.id) });
          void queryClient.invalidateQueries({ queryKey: ['census', 'entries'] });
          void queryClient.invalidateQueries({ queryKey: censusKeys.assignments });
          setCurrent(result);
          const at = new Date();
          setStatus(dirty.current ? { kind: 'dirty' } : { kind: 'saved', at });
          if (!id) {
            adopted.add(result.id);
            handoffs.set(result.id, { savedAt: at });
            void navigate({ to: '/census/entries/$id', params: { id: result.id }, search: {}, replace: true, state: { keepFocus: true } });
          }
          return true;
        } catch (error) {
          dirty.current = true;
          if (error instanceof ApiError && error.status === 409) {
            conflicted.current = true;
            setStatus({ kind: 'conflict' });
          } else {
            if (error instanceof ApiError && error.problems.length > 0) {
              const found: Record<string, string> = {};
              for (const p of error.problems) {
                const key = problemField(p.field, fieldKeys);
                if (key && (reason === 'manual' || touched.current.has(key)))
                  found[key] = lang === 'ko' && p.messageKo ? p.messageKo : p.message;
              }
              setServerProblems((prev) => ({ ...prev, ...found }));
            }
            setStatus({ kind: 'error', detail: describeError(error).detail });
          }
          return false;
        } finally {
          inflight.current = null;
        }
      })();
      inflight.current = run;
      return run;
    },
    [fields, fieldKeys, orgId, campaignId, queryClient, navigate, lang, describeError],
  );

  const persistRef = useRef(persist);
  useEffect(() => {
    persistRef.current = persist;
  }, [persist]);

  function schedule() {
    window.clearTimeout(timer.current);
    if (conflicted.current) return;
    timer.current = window.setTimeout(() => void persistRef.current('auto'), AUTOSAVE_MS);
  }

  function recheck(keys: string[], next: FormValues) {
    setClientErrors((prev) => {
      const out = { ...prev };
      for (const key of keys) {
        const field = fields.find((f) => f.key === key);
        if (!field) continue;
        // A field shows its error once the person has left it; fixing it clears the error at once.
        if (!touched.current.has(key) && !prev[key]) continue;
        const error = checkField(field, next, false);
        if (error) out[key] = error;
        else delete out[key];
      }
      return out;
    });
  }

  function change(key: string, value: string | string[]) {
    const next = { ...valuesRef.current, [key]: value };
    valuesRef.current = next;
    setValues(next);
    dirty.current = true;
    if (!conflicted.current) setStatus({ kind: 'dirty' });
    setServerProblems((prev) => {
      if (!(key in prev)) return prev;
      const out = { ...prev };
      delete out[key];
      return out;
    });
    recheck([key, ...(DEPENDENTS[key] ?? [])], next);
    schedule();
  }

  function blur(key: string) {
    touched.current.add(key);
    recheck([key, ...(DEPENDENTS[key] ?? [])], valuesRef.current);
  }

  async function saveNow() {
    await persist('manual');
  }

  async function submit() {
    setSubmitError(null);
    const errors = checkAll(fields, valuesRef.current, false);
    if (Object.keys(errors).length > 0) {
      setClientErrors(errors);
      setSubmitError({ message: t('census.entry.fixBeforeSubmit'), fields: Object.keys(errors) });
      return;
    }
    setSubmitting(true);
    try {
      const ok = await persist('manual');
      const id = saved.current.id;
      if (!ok || !id) return;
      try {
        const result = await entryAction(id, 'submit');
        queryClient.setQueryData(censusKeys.entry(result.id), result);
        void queryClient.invalidateQueries({ queryKey: censusKeys.history(result.id) });
        void queryClient.invalidateQueries({ queryKey: ['census', 'entries'] });
        void queryClient.invalidateQueries({ queryKey: censusKeys.assignments });
        void queryClient.invalidateQueries({ queryKey: ['census', 'dashboard'] });
        if (!entry) void navigate({ to: '/census/entries/$id', params: { id: result.id }, search: {}, replace: true });
      } catch (error) {
        const found: Record<string, string> = {};
        if (error instanceof ApiError) {
          for (const p of error.problems) {
            const key = problemField(p.field, fieldKeys);
            if (key) found[key] = lang === 'ko' && p.messageKo ? p.messageKo : p.message;
          }
        }
        setServerProblems(found);
        const described = describeError(error);
        setSubmitError({
          message: Object.keys(found).length > 0 ? t('census.entry.fixBeforeSubmit') : described.message,
          detail: described.detail,
          fields: Object.keys(found),
        });
      }
    } finally {
      setSubmitting(false);
    }
  }

  useEffect(() => {
    if (submitError) summaryRef.current?.focus();
  }, [submitError]);

  async function reload() {
    const id = saved.current.id;
    if (!id) return;
    const fresh = await queryClient.fetchQuery({ ...entryQuery(id), staleTime: 0 });
    const next = toValues(fields, fresh.form);
    valuesRef.current = next;
    setValues(next);
    saved.current = { id: fresh.id, version: fresh.version };
    conflicted.current = false;
    dirty.current = false;
    setClientErrors({});
    setServerProblems({});
    setCurrent(fresh);
    setStatus({ kind: 'saved', at: new Date(fresh.updatedAt) });
  }

  const errorText = (key: string): string | undefined =>
    serverProblems[key] ?? (clientErrors[key] ? messageOf(clientErrors[key]) : undefined);
  const fieldLabel = (key: string) => {
    const field = fields.find((f) => f.key === key);
    return field ? label(field.labels, lang) : key;
  };
  const missing = current?.problems ?? [];

  return (
    <div className="dd-entry-layout">
      <form
        className="dd-entry-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        aria-describedby="census-required-note"
      >
        {submitError && (
          <div className="dd-alert" role="alert" tabIndex={-1} ref={summaryRef}>
            <p>{submitError.message}</p>
            {submitError.detail && submitError.fields.length === 0 && <p className="dd-alert-detail">{submitError.detail}</p>}
            {submitError.fields.length > 0 && (
              <ul className="dd-error-links">
                {submitError.fields.map((key) => (
                  <li key={key}>
                    <a href={`#${fieldId(key)}`}>
                      {fieldLabel(key)}: {errorText(key)}
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}

        {status.kind === 'conflict' && (
          <div className="dd-alert" role="alert">
            <p>{t('census.entry.conflict')}</p>
            <p className="dd-alert-detail">{t('census.entry.conflictHint')}</p>
            <button type="button" className="krds-btn secondary small dd-alert-action" onClick={() => void reload()}>
              {t('census.entry.reload')}
            </button>
          </div>
        )}

        {!entry && (
          <fieldset className="dd-fieldset">
            <legend className="dd-fieldset-title">{t('census.entry.whereTitle')}</legend>
            <div className="dd-field-grid">
              <div className="form-group dd-field">
                <div className="form-tit">
                  <label htmlFor="census-new-org">{t('census.entry.agency')}</label>
                </div>
                <div className="form-conts">
                  <select
                    id="census-new-org"
                    className="krds-form-select"
                    value={orgId}
                    disabled={!!saved.current.id}
                    onChange={(e) => {
                      setOrgId(e.target.value);
                      setCampaignChoice(undefined);
                    }}
                  >
                    {roles.stewardOf.map((s) => (
                      <option key={s.orgId} value={s.orgId}>
                        {lang === 'en' && s.orgNameEn ? s.orgNameEn : s.orgName}
                      </option>
                    ))}
                  </select>
                </div>
              </div>
              <div className="form-group dd-field">
                <div className="form-tit">
                  <label htmlFor="census-new-campaign">{t('census.entry.campaign')}</label>
                </div>
                <div className="form-conts">
                  <select
                    id="census-new-campaign"
                    className="krds-form-select"
                    value={campaignId}
                    disabled={!!saved.current.id}
                    onChange={(e) => setCampaignChoice(e.target.value)}
                  >
                    {openCampaigns.map((a) => (
                      <option key={a.campaign.id} value={a.campaign.id}>
                        {t('census.entry.campaignOption', { title: a.campaign.title, deadline: formatDate(a.campaign.deadline) })}
                      </option>
                    ))}
                    <option value="">{t('census.entry.noCampaign')}</option>
                  </select>
                </div>
              </div>
            </div>
          </fieldset>
        )}

        <p id="census-required-note" className="dd-required-note">
          <span className="dd-required" aria-hidden="true">
            *
          </span>{' '}
          {t('census.form.requiredNote')}
        </p>

        {groups.map((group) => (
          <fieldset key={group.key} className="dd-fieldset">
            <legend className="dd-fieldset-title">{t(`census.groups.${group.key}`)}</legend>
            <div className="dd-field-grid">
              {group.fields.map((field) => (
                <FieldInput
                  key={field.key}
                  field={field}
                  value={values[field.key] ?? ''}
                  error={errorText(field.key)}
                  onChange={(value) => change(field.key, value)}
                  onBlur={() => blur(field.key)}
                />
              ))}
            </div>
          </fieldset>
        ))}
      </form>

      <aside className="dd-entry-side" aria-label={t('census.entry.sideLabel')}>
        <div className="dd-side-box">
          <p className="dd-save-status" role="status" aria-live="polite">
            <SaveStatusText status={status} />
          </p>
          <div className="dd-side-actions">
            <button
              type="button"
              className="krds-btn secondary medium dd-block"
              onClick={() => void saveNow()}
              disabled={status.kind === 'saving' || submitting}
            >
              {t('census.entry.saveDraft')}
            </button>
            <button
              type="button"
              className="krds-btn primary medium dd-block"
              onClick={() => void submit()}
              disabled={submitting || status.kind === 'conflict'}
            >
              {submitting ? t('census.entry.submitting') : t('census.entry.submit')}
            </button>
          </div>
          {current && missing.length > 0 && (
            <div className="dd-missing">
              <h2 className="dd-side-title">{t('census.entry.missingTitle')}</h2>
              <ul className="dd-missing-list">
                {missing.map((p) => {
                  const key = problemField(p.field, fieldKeys) ?? p.field;
                  return (
                    <li key={p.field}>
                      <a href={`#${fieldId(key)}`}>{fieldLabel(key)}</a>
                    </li>
                  );
                })}
              </ul>
            </div>
          )}
          {current && missing.length === 0 && <p className="dd-ready">{t('census.entry.readyToSubmit')}</p>}
          <p className="dd-muted dd-side-note">{t('census.entry.autosaveNote')}</p>
        </div>
      </aside>
    </div>
  );
}

function SaveStatusText({ status }: { status: SaveStatus }) {
  const { t } = useTranslation();
  switch (status.kind) {
    case 'new':
      return <>{t('census.save.new')}</>;
    case 'dirty':
      return <>{t('census.save.dirty')}</>;
    case 'saving':
      return <>{t('census.save.saving')}</>;
    case 'saved':
      return (
        <>
          <i className="svg-icon ico-success-fill dd-ok-icon" aria-hidden="true" />
          {t('census.save.savedAt', { time: formatTime(status.at) })}
        </>
      );
    case 'invalid':
      return <span className="dd-text-danger">{t('census.save.invalid')}</span>;
    case 'needTitle':
      return <>{t('census.save.needTitle')}</>;
    case 'error':
      return (
        <span className="dd-text-danger">
          {status.detail ? t('census.save.errorDetail', { detail: status.detail }) : t('census.save.error')}
        </span>
      );
    case 'conflict':
      return <span className="dd-text-danger">{t('census.save.conflict')}</span>;
  }
}

function ReadOnly({ definition, entry, mine }: { definition: FormDefinition; entry: Entry; mine: boolean }) {
  const { t } = useTranslation();
  const roles = useCensusRoles();
  const groups = useMemo(() => groupFields(definition), [definition]);
  const notice =
    entry.status === 'submitted'
      ? mine
        ? t('census.entry.submittedNotice')
        : t('census.entry.submittedOperatorNotice')
      : entry.status === 'accepted'
        ? t('census.entry.acceptedNotice')
        : entry.status === 'returned' && !mine
          ? t('census.entry.returnedOperatorNotice')
          : null;
  return (
    <div className="dd-entry-layout">
      <div className="dd-entry-form">
        {notice && (
          <div className="dd-callout dd-callout-info">
            <p>{notice}</p>
          </div>
        )}
        {groups.map((group) => (
          <section key={group.key} className="dd-fieldset" aria-labelledby={`census-view-${group.key}`}>
            <h2 className="dd-fieldset-title" id={`census-view-${group.key}`}>
              {t(`census.groups.${group.key}`)}
            </h2>
            <dl className="dd-view-grid">
              {group.fields.map((field) => (
                <FieldView key={field.key} field={field} raw={formValue(entry.form, field.key)} />
              ))}
            </dl>
          </section>
        ))}
      </div>
      <aside className="dd-entry-side" aria-label={t('census.entry.sideLabel')}>
        <div className="dd-side-box">
          <dl className="dd-facts">
            <dt>{t('census.entry.statusLabel')}</dt>
            <dd>
              <StatusBadge status={entry.status} />
            </dd>
            {entry.submittedAt && (
              <>
                <dt>{t('census.entry.submittedAt')}</dt>
                <dd>{formatDateTime(entry.submittedAt)}</dd>
              </>
            )}
            {entry.decidedAt && (
              <>
                <dt>{t('census.entry.decidedAt')}</dt>
                <dd>{formatDateTime(entry.decidedAt)}</dd>
              </>
            )}
            {entry.reviewComment && entry.status !== 'returned' && (
              <>
                <dt>{t('census.entry.reviewComment')}</dt>
                <dd className="dd-prewrap">{entry.reviewComment}</dd>
              </>
            )}
          </dl>
          {roles.operator && <ReviewPanel entry={entry} />}
        </div>
      </aside>
    </div>
  );
}

function ReviewPanel({ entry }: { entry: Entry }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [comment, setComment] = useState('');
  const [commentError, setCommentError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const commentRef = useRef<HTMLTextAreaElement>(null);
  const act = useMutation({
    mutationFn: ({ action, text }: { action: EntryAction; text?: string }) => entryAction(entry.id, action, text),
    onSuccess: (result, { action }) => {
      queryClient.setQueryData(censusKeys.entry(result.id), result);
      void queryClient.invalidateQueries({ queryKey: censusKeys.history(result.id) });
      void queryClient.invalidateQueries({ queryKey: ['census', 'entries'] });
      void queryClient.invalidateQueries({ queryKey: ['census', 'dashboard'] });
      void queryClient.invalidateQueries({ queryKey: censusKeys.campaigns });
      setComment('');
      setDone(t(`census.review.done.${action === 'submit' ? 'accept' : action}`));
    },
  });

  function needComment(action: 'return' | 'reopen') {
    if (!comment.trim()) {
      setCommentError(action === 'return' ? t('census.review.commentRequiredReturn') : t('census.review.commentRequiredReopen'));
      commentRef.current?.focus();
      return;
    }
    setCommentError(null);
    act.mutate({ action, text: comment.trim() });
  }

  const describe = useErrorText();
  const failure = act.isError ? describe(act.error) : null;
  const canAct = entry.status === 'submitted' || entry.status === 'accepted';
  return (
    <section className="dd-review" aria-labelledby="review-title">
      <h2 id="review-title" className="dd-side-title">
        {t('census.review.title')}
      </h2>
      <div aria-live="polite">
        {done && (
          <p className="dd-success" role="status">
            {done}
          </p>
        )}
      </div>
      {!canAct && <p className="dd-muted">{t('census.review.nothingToDo')}</p>}
      {canAct && (
        <div className="form-group">
          <div className="form-tit">
            <label htmlFor="census-review-comment">{t('census.review.comment')}</label>
          </div>
          <div className={`form-conts${commentError ? ' is-error' : ''}`}>
            <textarea
              id="census-review-comment"
              ref={commentRef}
              className="krds-input"
              rows={4}
              value={comment}
              onChange={(e) => {
                setComment(e.target.value);
                if (e.target.value.trim()) setCommentError(null);
              }}
              aria-invalid={commentError ? true : undefined}
              aria-describedby={commentError ? 'census-review-comment-error' : 'census-review-comment-hint'}
            />
          </div>
          {commentError ? (
            <p className="form-hint-invalid" id="census-review-comment-error">
              {commentError}
            </p>
          ) : (
            <p className="form-hint" id="census-review-comment-hint">
              {entry.status === 'submitted' ? t('census.review.commentHint') : t('census.review.reopenHint')}
            </p>
          )}
        </div>
      )}
      {failure && (
        <div className="dd-alert" role="alert">
          <p>{failure.message}</p>
          {failure.detail && <p className="dd-alert-detail">{failure.detail}</p>}
        </div>
      )}
      {canAct && (
        <div className="dd-side-actions">
          {entry.status === 'submitted' ? (
            <>
              <button
                type="button"
                className="krds-btn primary medium dd-block"
                disabled={act.isPending}
                onClick={() => act.mutate({ action: 'accept', text: comment.trim() || undefined })}
              >
                {t('census.review.accept')}
              </button>
              <button
                type="button"
                className="krds-btn secondary medium dd-block dd-btn-danger"
                disabled={act.isPending}
                onClick={() => needComment('return')}
              >
                {t('census.review.return')}
              </button>
            </>
          ) : (
            <button
              type="button"
              className="krds-btn secondary medium dd-block"
              disabled={act.isPending}
              onClick={() => needComment('reopen')}
            >
              {t('census.review.reopen')}
            </button>
          )}
        </div>
      )}
    </section>
  );
}

const KNOWN_KINDS = ['create', 'update', 'submit', 'return', 'accept', 'reopen', 'import'] as const;
type KnownKind = (typeof KNOWN_KINDS)[number];
const isKnownKind = (kind: string): kind is KnownKind => (KNOWN_KINDS as readonly string[]).includes(kind);

export function History({ definition, entryId }: { definition: FormDefinition; entryId: string }) {
  const { t } = useTranslation();
  const lang = currentLanguage();
  const history = useQuery(historyQuery(entryId));
  const fields = useMemo(() => groupFields(definition).flatMap((g) => g.fields), [definition]);
  const byKey = useMemo(() => new Map<string, FormField>(fields.map((f) => [f.key, f])), [fields]);
  const value = (key: string, raw: unknown) => {
    const field = byKey.get(key);
    const text = field
      ? displayValue(field, raw)
      : raw === undefined || raw === null
        ? ''
        : typeof raw === 'string'
          ? raw
          : JSON.stringify(raw);
    return text || t('census.form.empty');
  };
  const items: HistoryItem[] = history.data ? [...history.data].sort((a, b) => b.version - a.version) : [];
  return (
    <section className="dd-history" aria-labelledby="history-title">
      <h2 id="history-title" className="dd-subtitle">
        {t('census.history.title')}
      </h2>
      {history.isPending ? (
        <Loading />
      ) : history.isError ? (
        <ErrorBox error={history.error} />
      ) : items.length === 0 ? (
        <p className="dd-muted">{t('census.history.empty')}</p>
      ) : (
        <div className="krds-table-wrap">
          <table className="tbl col data dd-table dd-history-table">
            <caption className="sr-only">{t('census.history.caption')}</caption>
            <colgroup>
              <col className="dd-col-version" />
              <col className="dd-col-when" />
              <col className="dd-col-who" />
              <col className="dd-col-what" />
              <col />
            </colgroup>
            <thead>
              <tr>
                <th scope="col">{t('census.history.version')}</th>
                <th scope="col">{t('census.history.when')}</th>
                <th scope="col">{t('census.history.who')}</th>
                <th scope="col">{t('census.history.what')}</th>
                <th scope="col">{t('census.history.changes')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={`${item.version}-${item.changedAt}-${item.kind}`}>
                  <td>v{item.version}</td>
                  <td className="dd-nowrap">{formatDateTime(item.changedAt)}</td>
                  <td>{item.changedBy?.name ?? t('census.history.system')}</td>
                  <td>
                    <span className="dd-history-kind">{isKnownKind(item.kind) ? t(`census.history.kinds.${item.kind}`) : item.kind}</span>
                    {item.comment && <p className="dd-history-comment dd-prewrap">“{item.comment}”</p>}
                  </td>
                  <td>
                    {item.changes.length === 0 ? (
                      <span className="dd-muted">—</span>
                    ) : (
                      <ChangeList
                        count={item.changes.length}
                        items={item.changes.map((c) => ({
                          key: c.field,
                          label: byKey.get(c.field) ? label(byKey.get(c.field)!.labels, lang) : c.field,
                          before: value(c.field, c.before),
                          after: value(c.field, c.after),
                        }))}
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function ChangeList({ count, items }: { count: number; items: Array<{ key: string; label: string; before: string; after: string }> }) {
  const { t } = useTranslation();
  const list = (
    <ul className="dd-changes">
      {items.map((c) => (
        <li key={c.key}>
          <strong>{c.label}</strong>: <del>{c.before}</del> <span aria-hidden="true">→</span>
          <span className="sr-only">{t('census.history.changedTo')}</span> <ins>{c.after}</ins>
        </li>
      ))}
    </ul>
  );
  if (count <= 3) return list;
  return (
    <details className="dd-changes-more">
      <summary>{t('census.history.fieldsChanged', { count })}</summary>
      {list}
    </details>
  );
}
