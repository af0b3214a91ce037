// The census module's home. A steward sees what the operator asked their agency for (campaigns,
// deadlines, reminders) and their agency's entries; the operator runs campaigns and works through
// the review queue. Everyone who may reaches the dashboard, the bulk import and the exports.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api';
import { useTitle } from '../../components/useTitle';
import { currentLanguage } from '../../i18n';
import { orgsQuery } from '../../session';
import {
  assignmentsQuery,
  campaignsQuery,
  censusKeys,
  closeCampaign,
  createCampaign,
  ENTRY_STATUSES,
  exportUrl,
  fetchEntries,
  formQuery,
  remindCampaign,
  type Assignment,
  type Campaign,
  type EntryFilters,
  type EntryStatus,
  type EntrySummary,
  type FormDefinition,
} from './censusApi';
import {
  CensusBreadcrumb,
  daysUntil,
  ErrorBox,
  formatDate,
  formatDateTime,
  formatNumber,
  Loading,
  StatusBadge,
  useCensusRoles,
  useErrorText,
  useOrgName,
} from './common';
import { label } from './formModel';

export interface CensusHomeSearch {
  campaign?: string;
  org?: string;
  status?: EntryStatus;
}

export function CensusHomePage() {
  const { t } = useTranslation();
  useTitle(t('modules.census.full'));
  const roles = useCensusRoles();
  const isSteward = roles.stewardOf.length > 0;

  return (
    <div className="inner dd-section">
      <CensusBreadcrumb trail={[]} />
      <div className="dd-page-head">
        <h1 className="dd-page-title">{t('modules.census.full')}</h1>
      </div>
      <p className="dd-body dd-census-lead">{t('census.home.lead')}</p>

      <nav className="dd-quick-links" aria-label={t('census.home.quickLinks')}>
        {isSteward && (
          <Link to="/census/entries/$id" params={{ id: 'new' }} className="krds-btn primary medium">
            <i className="svg-icon ico-plus" aria-hidden="true" />
            {t('census.home.newEntry')}
          </Link>
        )}
        {(isSteward || roles.operator) && (
          <Link to="/census/import" className="krds-btn secondary medium">
            <i className="svg-icon ico-upload" aria-hidden="true" />
            {t('census.home.import')}
          </Link>
        )}
        {(roles.operator || roles.auditor) && (
          <Link to="/census/dashboard" className="krds-btn secondary medium">
            {t('census.home.dashboard')}
          </Link>
        )}
      </nav>

      {isSteward && <Assignments />}
      {roles.operator && <Campaigns />}
      {roles.operator && <ReviewQueue />}
      {(isSteward || roles.operator || roles.auditor) && <EntryList />}
      {!isSteward && !roles.operator && !roles.auditor && (
        <div className="dd-notice">
          <p>{t('census.home.noRole')}</p>
        </div>
      )}
    </div>
  );
}

function DeadlineBadge({ deadline, closed }: { deadline: string; closed: boolean }) {
  const { t } = useTranslation();
  if (closed) return <span className="krds-badge bg-light-gray">{t('census.campaign.closed')}</span>;
  const days = daysUntil(deadline);
  if (days < 0) return <span className="krds-badge bg-light-danger">{t('census.campaign.overdue')}</span>;
  if (days === 0) return <span className="krds-badge bg-light-warning">{t('census.campaign.dueToday')}</span>;
  return (
    <span className={`krds-badge ${days <= 7 ? 'bg-light-warning' : 'bg-light-primary'}`}>
      {t('census.campaign.daysLeft', { count: days })}
    </span>
  );
}

function Assignments() {
  const { t } = useTranslation();
  const assignments = useQuery(assignmentsQuery);
  const orgName = useOrgName();
  return (
    <section className="dd-block-section" aria-labelledby="assignments-title">
      <h2 id="assignments-title" className="dd-subtitle">
        {t('census.assignments.title')}
      </h2>
      {assignments.isPending ? (
        <Loading />
      ) : assignments.isError ? (
        <ErrorBox error={assignments.error} />
      ) : assignments.data.length === 0 ? (
        <p className="dd-empty">{t('census.assignments.empty')}</p>
      ) : (
        <ul className="dd-assignments">
          {assignments.data.map((a) => (
            <AssignmentCard key={`${a.campaign.id}-${a.orgId}`} assignment={a} orgName={orgName(a.orgId, a.orgName)} />
          ))}
        </ul>
      )}
    </section>
  );
}

function AssignmentCard({ assignment: a, orgName }: { assignment: Assignment; orgName: string }) {
  const { t } = useTranslation();
  const titleId = useId();
  const open = a.campaign.status === 'open';
  return (
    <li className="dd-card" aria-labelledby={titleId}>
      <div className="dd-card-top">
        <DeadlineBadge deadline={a.campaign.deadline} closed={!open} />
        <span className="dd-muted">{orgName}</span>
      </div>
      <h3 className="dd-card-title" id={titleId}>
        {a.campaign.title}
      </h3>
      {a.campaign.description && <p className="dd-card-body">{a.campaign.description}</p>}
      <p className="dd-card-deadline">{t('census.assignments.deadline', { date: formatDate(a.campaign.deadline) })}</p>
      {a.remindedAt && open && (
        <p className="dd-reminder" role="note">
          <i className="svg-icon ico-information-fill" aria-hidden="true" />
          {t('census.assignments.reminded', { date: formatDateTime(a.remindedAt) })}
        </p>
      )}
      <dl className="dd-counts">
        {ENTRY_STATUSES.map((status) => (
          <div key={status}>
            <dt>{t(`census.status.${status}`)}</dt>
            <dd>{formatNumber(a[status])}</dd>
          </div>
        ))}
      </dl>
      {open && (
        <Link
          to="/census/entries/$id"
          params={{ id: 'new' }}
          search={{ campaign: a.campaign.id, org: a.orgId }}
          className="krds-btn primary medium"
          aria-describedby={titleId}
        >
          {t('census.home.newEntry')}
        </Link>
      )}
    </li>
  );
}

function Campaigns() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const campaigns = useQuery(campaignsQuery);
  const [creating, setCreating] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const describe = useErrorText();
  const [actionError, setActionError] = useState<{ message: string; detail?: string } | null>(null);
  const act = useMutation({
    mutationFn: async ({ campaign, action }: { campaign: Campaign; action: 'close' | 'remind' }) =>
      action === 'close'
        ? { action, campaign: await closeCampaign(campaign.id) }
        : { action, campaign, reminded: (await remindCampaign(campaign.id)).reminded },
    onSuccess: (result) => {
      setActionError(null);
      void queryClient.invalidateQueries({ queryKey: censusKeys.campaigns });
      void queryClient.invalidateQueries({ queryKey: ['census', 'dashboard'] });
      setMessage(
        result.action === 'close'
          ? t('census.campaign.closedMessage', { title: result.campaign.title })
          : t('census.campaign.remindedMessage', { title: result.campaign.title, count: result.reminded ?? 0 }),
      );
    },
    onError: (error) => setActionError(describe(error)),
  });

  return (
    <section className="dd-block-section" aria-labelledby="campaigns-title">
      <div className="dd-section-head">
        <h2 id="campaigns-title" className="dd-subtitle">
          {t('census.campaign.title')}
        </h2>
        <button
          type="button"
          className="krds-btn secondary medium"
          aria-expanded={creating}
          aria-controls="campaign-create"
          onClick={() => setCreating((v) => !v)}
        >
          {creating ? t('census.campaign.cancelCreate') : t('census.campaign.create')}
        </button>
      </div>
      {creating && (
        <CampaignForm
          onCreated={(campaign) => {
            setCreating(false);
            setMessage(t('census.campaign.createdMessage', { title: campaign.title }));
          }}
        />
      )}
      <div aria-live="polite">
        {message && (
          <p className="dd-success" role="status">
            {message}
          </p>
        )}
      </div>
      {actionError && (
        <div className="dd-alert" role="alert">
          <p>{actionError.message}</p>
          {actionError.detail && <p className="dd-alert-detail">{actionError.detail}</p>}
        </div>
      )}
      {campaigns.isPending ? (
        <Loading />
      ) : campaigns.isError ? (
        <ErrorBox error={campaigns.error} />
      ) : campaigns.data.length === 0 ? (
        <p className="dd-empty">{t('census.campaign.empty')}</p>
      ) : (
        <div className="krds-table-wrap">
          <table className="tbl col data dd-table">
            <caption className="sr-only">{t('census.campaign.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('census.campaign.name')}</th>
                <th scope="col">{t('census.campaign.deadline')}</th>
                <th scope="col">{t('census.campaign.targets')}</th>
                <th scope="col">{t('census.campaign.response')}</th>
                <th scope="col">{t('census.campaign.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {campaigns.data.map((c) => (
                <tr key={c.id}>
                  <td className="dd-cell-title">
                    <Link to="/census/dashboard" search={{ campaign: c.id }}>
                      {c.title}
                    </Link>
                    {c.description && <p className="dd-muted">{c.description}</p>}
                  </td>
                  <td>
                    <span className="dd-nowrap">{formatDate(c.deadline)}</span>{' '}
                    <DeadlineBadge deadline={c.deadline} closed={c.status === 'closed'} />
                  </td>
                  <td>{c.targets.map((o) => o.orgName).join(', ')}</td>
                  <td className="dd-nowrap">
                    <ResponseMeter responded={c.responded} total={c.targetCount} />
                  </td>
                  <td>
                    {c.status === 'open' ? (
                      <div className="dd-row-actions">
                        <button
                          type="button"
                          className="krds-btn tertiary small"
                          disabled={act.isPending}
                          aria-label={t('census.campaign.remindLabel', { title: c.title })}
                          onClick={() => act.mutate({ campaign: c, action: 'remind' })}
                        >
                          {t('census.campaign.remind')}
                        </button>
                        <button
                          type="button"
                          className="krds-btn tertiary small"
                          disabled={act.isPending}
                          aria-label={t('census.campaign.closeLabel', { title: c.title })}
                          onClick={() => {
                            if (window.confirm(t('census.campaign.closeConfirm', { title: c.title })))
                              act.mutate({ campaign: c, action: 'close' });
                          }}
                        >
                          {t('census.campaign.close')}
                        </button>
                      </div>
                    ) : (
                      <span className="dd-muted">—</span>
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

function ResponseMeter({ responded, total }: { responded: number; total: number }) {
  const { t } = useTranslation();
  const pct = total > 0 ? Math.round((responded / total) * 100) : 0;
  return (
    <span className="dd-meter-wrap">
      <span className="dd-meter" aria-hidden="true">
        <span className="dd-meter-fill" style={{ width: `${pct}%` }} />
      </span>
      <span>{t('census.campaign.responseOf', { responded: formatNumber(responded), total: formatNumber(total), pct })}</span>
    </span>
  );
}

interface CampaignErrors {
  title?: string;
  deadline?: string;
  targets?: string;
}

function CampaignForm({ onCreated }: { onCreated: (campaign: Campaign) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const orgs = useQuery(orgsQuery);
  const agencies = useMemo(() => (orgs.data ?? []).filter((o) => o.kind === 'agency'), [orgs.data]);
  const english = currentLanguage() === 'en';
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [deadline, setDeadline] = useState('');
  const [targets, setTargets] = useState<string[]>([]);
  const [errors, setErrors] = useState<CampaignErrors>({});
  const describe = useErrorText();
  const formRef = useRef<HTMLFormElement>(null);
  const create = useMutation({
    mutationFn: createCampaign,
    onSuccess: (campaign) => {
      void queryClient.invalidateQueries({ queryKey: censusKeys.campaigns });
      void queryClient.invalidateQueries({ queryKey: ['census', 'dashboard'] });
      onCreated(campaign);
    },
    onError: (error) => {
      if (error instanceof ApiError) {
        const found: CampaignErrors = {};
        for (const p of error.problems) {
          const key = p.field.split('.').pop();
          const text = currentLanguage() === 'ko' && p.messageKo ? p.messageKo : p.message;
          if (key === 'title') found.title = text;
          if (key === 'deadline') found.deadline = text;
          if (key === 'targetOrgIds' || p.field.includes('targetOrgIds')) found.targets = text;
        }
        setErrors(found);
      }
    },
  });

  function validate(): CampaignErrors {
    const found: CampaignErrors = {};
    if (!title.trim()) found.title = t('census.campaign.titleRequired');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(deadline)) found.deadline = t('census.campaign.deadlineRequired');
    if (targets.length === 0) found.targets = t('census.campaign.targetsRequired');
    return found;
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const found = validate();
    setErrors(found);
    const first = (['title', 'deadline', 'targets'] as const).find((k) => found[k]);
    if (first) {
      formRef.current?.querySelector<HTMLElement>(`[data-field="${first}"]`)?.focus();
      return;
    }
    create.mutate({
      title: title.trim(),
      ...(description.trim() ? { description: description.trim() } : {}),
      deadline,
      targetOrgIds: targets,
    });
  }

  const allChecked = agencies.length > 0 && targets.length === agencies.length;
  const failure = create.isError ? describe(create.error) : null;
  return (
    <form
      id="campaign-create"
      className="dd-panel dd-create-form"
      onSubmit={onSubmit}
      noValidate
      ref={formRef}
      aria-labelledby="campaign-create-title"
    >
      <h3 id="campaign-create-title" className="dd-panel-subtitle dd-first">
        {t('census.campaign.createTitle')}
      </h3>
      {failure && (
        <div className="dd-alert" role="alert">
          <p>{failure.message}</p>
          {failure.detail && <p className="dd-alert-detail">{failure.detail}</p>}
        </div>
      )}
      <div className="dd-field-grid">
        <div className="form-group dd-field dd-field-wide">
          <div className="form-tit">
            <label htmlFor="campaign-title">{t('census.campaign.name')}</label>
          </div>
          <div className={`form-conts${errors.title ? ' is-error' : ''}`}>
            <input
              id="campaign-title"
              data-field="title"
              className="krds-input"
              value={title}
              onChange={(e) => setTitle(e.target.value)}
              onBlur={() => setErrors((prev) => ({ ...prev, title: title.trim() ? undefined : t('census.campaign.titleRequired') }))}
              aria-invalid={errors.title ? true : undefined}
              aria-describedby={errors.title ? 'campaign-title-error' : undefined}
              aria-required
            />
          </div>
          {errors.title && (
            <p className="form-hint-invalid" id="campaign-title-error">
              {errors.title}
            </p>
          )}
        </div>
        <div className="form-group dd-field dd-field-wide">
          <div className="form-tit">
            <label htmlFor="campaign-description">{t('census.campaign.description')}</label>
          </div>
          <div className="form-conts">
            <textarea
              id="campaign-description"
              className="krds-input"
              rows={2}
              value={description}
              onChange={(e) => setDescription(e.target.value)}
            />
          </div>
        </div>
        <div className="form-group dd-field">
          <div className="form-tit">
            <label htmlFor="campaign-deadline">{t('census.campaign.deadline')}</label>
          </div>
          <div className={`form-conts${errors.deadline ? ' is-error' : ''}`}>
            <input
              id="campaign-deadline"
              data-field="deadline"
              type="date"
              className="krds-input"
              value={deadline}
              onChange={(e) => setDeadline(e.target.value)}
              aria-invalid={errors.deadline ? true : undefined}
              aria-describedby={errors.deadline ? 'campaign-deadline-error' : undefined}
              aria-required
            />
          </div>
          {errors.deadline && (
            <p className="form-hint-invalid" id="campaign-deadline-error">
              {errors.deadline}
            </p>
          )}
        </div>
        <fieldset
          className={`form-group dd-field dd-field-wide${errors.targets ? ' is-error' : ''}`}
          data-field="targets"
          tabIndex={-1}
          aria-describedby={errors.targets ? 'campaign-targets-error' : undefined}
        >
          <legend className="form-tit dd-legend">{t('census.campaign.targets')}</legend>
          {orgs.isPending ? (
            <Loading />
          ) : (
            <div className="krds-check-area dd-check-grid">
              <div className="krds-form-check">
                <input
                  type="checkbox"
                  id="campaign-target-all"
                  checked={allChecked}
                  onChange={(e) => setTargets(e.target.checked ? agencies.map((o) => o.id) : [])}
                />
                <label htmlFor="campaign-target-all">{t('census.campaign.allAgencies', { count: agencies.length })}</label>
              </div>
              {agencies.map((o) => (
                <div className="krds-form-check" key={o.id}>
                  <input
                    type="checkbox"
                    id={`campaign-target-${o.id}`}
                    checked={targets.includes(o.id)}
                    onChange={(e) => {
                      setTargets((prev) => (e.target.checked ? [...prev, o.id] : prev.filter((id) => id !== o.id)));
                      setErrors((prev) => ({ ...prev, targets: undefined }));
                    }}
                  />
                  <label htmlFor={`campaign-target-${o.id}`}>{english && o.nameEn ? o.nameEn : o.name}</label>
                </div>
              ))}
            </div>
          )}
          {errors.targets && (
            <p className="form-hint-invalid" id="campaign-targets-error">
              {errors.targets}
            </p>
          )}
        </fieldset>
      </div>
      <div className="dd-form-actions">
        <button type="submit" className="krds-btn primary medium" disabled={create.isPending}>
          {create.isPending ? t('census.campaign.creating') : t('census.campaign.submitCreate')}
        </button>
      </div>
    </form>
  );
}

function ReviewQueue() {
  const { t } = useTranslation();
  const definition = useQuery(formQuery);
  const orgName = useOrgName();
  const queue = useQuery({
    queryKey: censusKeys.entries({ status: 'submitted' }),
    queryFn: ({ signal }) => fetchEntries({ status: 'submitted' }, undefined, signal),
  });
  return (
    <section className="dd-block-section" aria-labelledby="queue-title">
      <h2 id="queue-title" className="dd-subtitle">
        {t('census.queue.title')}
        {queue.data && <span className="krds-badge bg-light-information dd-count-badge">{formatNumber(queue.data.items.length)}</span>}
      </h2>
      {queue.isPending ? (
        <Loading />
      ) : queue.isError ? (
        <ErrorBox error={queue.error} />
      ) : queue.data.items.length === 0 ? (
        <p className="dd-empty">{t('census.queue.empty')}</p>
      ) : (
        <EntryTable
          caption={t('census.queue.caption')}
          items={queue.data.items}
          definition={definition.data}
          orgName={orgName}
          id="review-queue"
        />
      )}
    </section>
  );
}

function EntryTable({
  caption,
  items,
  definition,
  orgName,
  id,
}: {
  caption: string;
  items: EntrySummary[];
  definition: FormDefinition | undefined;
  orgName: (id: string, name: string) => string;
  id?: string;
}) {
  const { t } = useTranslation();
  const lang = currentLanguage();
  const domainLabel = (value: string | null) => {
    if (!value) return '';
    const found = definition?.domains.find((d) => d.value === value);
    return found ? label(found.labels, lang) : value;
  };
  return (
    <div className="krds-table-wrap">
      <table className="tbl col data dd-table" id={id}>
        <caption className="sr-only">{caption}</caption>
        <colgroup>
          <col />
          <col className="dd-col-agency" />
          <col className="dd-col-domain" />
          <col className="dd-col-status" />
          <col className="dd-col-updated" />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">{t('census.entries.titleCol')}</th>
            <th scope="col">{t('census.entries.agency')}</th>
            <th scope="col">{t('census.entries.domain')}</th>
            <th scope="col">{t('census.entries.status')}</th>
            <th scope="col">{t('census.entries.updated')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((e) => (
            <tr key={e.id}>
              <td className="dd-cell-title">
                <Link to="/census/entries/$id" params={{ id: e.id }}>
                  {e.title || t('census.entry.untitled')}
                </Link>
                {e.duplicateCount > 0 && (
                  <span className="krds-badge outline-warning dd-dup-badge">
                    {t('census.entries.duplicates', { count: e.duplicateCount })}
                  </span>
                )}
              </td>
              <td>{orgName(e.orgId, e.orgName)}</td>
              <td>{domainLabel(e.domain)}</td>
              <td>
                <StatusBadge status={e.status} />
              </td>
              <td className="dd-nowrap">{formatDateTime(e.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function EntryList() {
  const { t } = useTranslation();
  const navigate = useNavigate({ from: '/census' });
  const search = useSearch({ from: '/census' });
  const roles = useCensusRoles();
  const definition = useQuery(formQuery);
  const orgName = useOrgName();
  const english = currentLanguage() === 'en';
  const campaigns = useQuery({ ...campaignsQuery, enabled: roles.operator || roles.auditor });
  const assignments = useQuery({ ...assignmentsQuery, enabled: roles.stewardOf.length > 0 });
  const orgs = useQuery({ ...orgsQuery, enabled: roles.operator || roles.auditor });
  // Everyone signed in may see accepted entries of any agency; a steward's list is their agency's.
  const stewardOnly = !roles.operator && !roles.auditor && roles.stewardOf.length > 0;
  const org = search.org ?? (stewardOnly ? roles.stewardOf[0]?.orgId : undefined);
  const filters: EntryFilters = { campaign: search.campaign, org, status: search.status };
  const entries = useInfiniteQuery({
    queryKey: censusKeys.entries(filters),
    queryFn: ({ pageParam, signal }) => fetchEntries(filters, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

  const campaignOptions = useMemo(() => {
    const seen = new Map<string, string>();
    for (const c of campaigns.data ?? []) seen.set(c.id, c.title);
    for (const a of assignments.data ?? []) seen.set(a.campaign.id, a.campaign.title);
    return [...seen.entries()];
  }, [campaigns.data, assignments.data]);
  const orgOptions =
    roles.operator || roles.auditor
      ? (orgs.data ?? []).filter((o) => o.kind === 'agency').map((o) => [o.id, english && o.nameEn ? o.nameEn : o.name] as const)
      : roles.stewardOf.length > 1
        ? roles.stewardOf.map((s) => [s.orgId, english && s.orgNameEn ? s.orgNameEn : s.orgName] as const)
        : [];

  const setFilter = (key: keyof CensusHomeSearch, value: string) =>
    void navigate({
      search: (prev) => ({ ...prev, [key]: value || undefined }),
      replace: true,
      resetScroll: false,
      state: { keepFocus: true },
    });

  const items = entries.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="dd-block-section" aria-labelledby="entries-title">
      <h2 id="entries-title" className="dd-subtitle">
        {roles.operator || roles.auditor ? t('census.entries.titleAll') : t('census.entries.titleMine')}
      </h2>
      <div className="dd-filter-bar">
        <div className="dd-filters" role="group" aria-label={t('census.entries.filters')}>
          <div className="form-group">
            <div className="form-tit">
              <label htmlFor="filter-campaign">{t('census.entries.campaign')}</label>
            </div>
            <div className="form-conts">
              <select
                id="filter-campaign"
                className="krds-form-select"
                value={search.campaign ?? ''}
                onChange={(e) => setFilter('campaign', e.target.value)}
              >
                <option value="">{t('census.entries.any')}</option>
                {campaignOptions.map(([id, title]) => (
                  <option key={id} value={id}>
                    {title}
                  </option>
                ))}
              </select>
            </div>
          </div>
          {orgOptions.length > 0 && (
            <div className="form-group">
              <div className="form-tit">
                <label htmlFor="filter-org">{t('census.entries.agency')}</label>
              </div>
              <div className="form-conts">
                <select id="filter-org" className="krds-form-select" value={org ?? ''} onChange={(e) => setFilter('org', e.target.value)}>
                  {!stewardOnly && <option value="">{t('census.entries.any')}</option>}
                  {orgOptions.map(([id, name]) => (
                    <option key={id} value={id}>
                      {name}
                    </option>
                  ))}
                </select>
              </div>
            </div>
          )}
          <div className="form-group">
            <div className="form-tit">
              <label htmlFor="filter-status">{t('census.entries.status')}</label>
            </div>
            <div className="form-conts">
              <select
                id="filter-status"
                className="krds-form-select"
                value={search.status ?? ''}
                onChange={(e) => setFilter('status', e.target.value)}
              >
                <option value="">{t('census.entries.any')}</option>
                {ENTRY_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {t(`census.status.${s}`)}
                  </option>
                ))}
              </select>
            </div>
          </div>
        </div>
        <div className="dd-export" role="group" aria-label={t('census.export.label')}>
          <span className="dd-export-label" aria-hidden="true">
            {t('census.export.label')}
          </span>
          {(['csv', 'xlsx', 'json'] as const).map((format) => (
            <a
              key={format}
              className="krds-btn tertiary small"
              href={exportUrl(format, filters, currentLanguage())}
              download
              aria-label={t('census.export.as', { format: format.toUpperCase() })}
            >
              <i className="svg-icon ico-down" aria-hidden="true" />
              {format.toUpperCase()}
            </a>
          ))}
        </div>
      </div>
      {entries.isPending ? (
        <Loading />
      ) : entries.isError ? (
        <ErrorBox error={entries.error} />
      ) : items.length === 0 ? (
        <p className="dd-empty">{t('census.entries.empty')}</p>
      ) : (
        <>
          <EntryTable caption={t('census.entries.caption')} items={items} definition={definition.data} orgName={orgName} id="entry-list" />
          {entries.hasNextPage && (
            <div className="dd-more">
              <button
                type="button"
                className="krds-btn secondary medium"
                disabled={entries.isFetchingNextPage}
                onClick={() => void entries.fetchNextPage()}
              >
                {entries.isFetchingNextPage ? t('common.loading') : t('census.entries.more')}
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
