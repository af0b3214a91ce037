// The operator's harvest page (federation): the sources other portals are harvested from, how
// their last runs went, each one's log, a form to add one, and a "run now" that queues a run and
// follows it until the source says it is done.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Breadcrumb } from '../../components/Breadcrumb';
import { ApiError } from '../../api';
import { useTitle } from '../../components/useTitle';
import { currentLanguage } from '../../i18n';
import { sessionQuery } from '../../session';
import { ErrorBox, formatDateTime, formatNumber, Loading } from '../census/common';
import {
  addSource,
  HARVEST_KINDS,
  harvestKeys,
  logQuery,
  runSource,
  sourcesQuery,
  type HarvestKind,
  type HarvestSource,
  type NewHarvestSource,
} from './harvestApi';

type Field = 'name' | 'kind' | 'url' | 'scheduleMinutes';
type FieldErrors = Partial<Record<Field, string>>;

const LEVEL_CLASS = { info: 'bg-light-information', warn: 'bg-light-warning', error: 'bg-light-danger' } as const;

function HarvestBreadcrumb() {
  const { t } = useTranslation();
  return <Breadcrumb trail={[{ label: t('modules.data-map.title'), to: '/datamap' }, { label: t('harvest.title') }]} />;
}

function SourceLog({ source }: { source: HarvestSource }) {
  const { t } = useTranslation();
  const log = useQuery({ ...logQuery(source.id), refetchInterval: source.running ? 1000 : false });
  return (
    <section className="dd-panel dd-harvest-log" aria-labelledby="harvest-log-title">
      <h2 id="harvest-log-title" className="dd-panel-subtitle dd-first">
        {t('harvest.log.title', { name: source.name })}
      </h2>
      {log.isPending ? (
        <Loading />
      ) : log.isError ? (
        <ErrorBox error={log.error} />
      ) : log.data.length === 0 ? (
        <p className="dd-muted">{t('harvest.log.empty')}</p>
      ) : (
        <ol className="dd-harvest-log-list" aria-label={t('harvest.log.title', { name: source.name })}>
          {log.data.map((entry, index) => (
            <li key={`${entry.at}-${index}`} className={`dd-harvest-log-${entry.level}`}>
              <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>{' '}
              <span className={`krds-badge ${LEVEL_CLASS[entry.level]}`}>{t(`harvest.log.levels.${entry.level}`)}</span>{' '}
              <span className="dd-harvest-log-message">{entry.message}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

export function HarvestPage() {
  const { t } = useTranslation();
  useTitle(t('harvest.title'));
  const queryClient = useQueryClient();
  const session = useQuery(sessionQuery).data;
  const operator = (session?.memberships ?? []).some((m) => m.role === 'operator');

  /** Runs asked for and not done yet: source id → its lastRunAt when asked. */
  const [pending, setPending] = useState<Record<string, string | null>>({});
  const sources = useQuery({
    ...sourcesQuery,
    enabled: operator,
    refetchInterval: (query) => (Object.keys(pending).length > 0 || (query.state.data ?? []).some((s) => s.running) ? 1000 : false),
  });
  const [selected, setSelected] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ id: string; text: string; error?: boolean } | null>(null);

  // A run is done when its source ran since it was asked for and no run holds it.
  const list = sources.data ?? [];
  useEffect(() => {
    const done = Object.entries(pending).filter(([id, before]) => {
      const s = list.find((x) => x.id === id);
      return s !== undefined && !s.running && s.lastRunAt !== before;
    });
    if (done.length === 0) return;
    setPending((prev) => {
      const next = { ...prev };
      for (const [id] of done) delete next[id];
      return next;
    });
    for (const [id] of done) void queryClient.invalidateQueries({ queryKey: harvestKeys.log(id) });
  }, [list, pending, queryClient]);

  const [form, setForm] = useState<{ name: string; kind: HarvestKind; url: string; scheduleMinutes: string }>({
    name: '',
    kind: 'ckan',
    url: '',
    scheduleMinutes: '60',
  });
  const [errors, setErrors] = useState<FieldErrors>({});

  const add = useMutation({
    mutationFn: (input: NewHarvestSource) => addSource(input),
    onSuccess: async (source) => {
      setForm({ name: '', kind: 'ckan', url: '', scheduleMinutes: '60' });
      setErrors({});
      setSelected(source.id);
      await queryClient.invalidateQueries({ queryKey: harvestKeys.sources });
    },
    onError: (error) => {
      if (!(error instanceof ApiError)) return;
      const byField: FieldErrors = {};
      for (const p of error.problems) {
        const field = p.field.split('.')[0] as Field;
        if (['name', 'kind', 'url', 'scheduleMinutes'].includes(field)) {
          byField[field] ??= currentLanguage() === 'ko' && p.messageKo ? p.messageKo : p.message;
        }
      }
      setErrors(byField);
    },
  });

  const run = useMutation({
    mutationFn: (source: HarvestSource) => runSource(source.id),
    onMutate: () => setNotice(null),
    onSuccess: async (_queued, source) => {
      setPending((prev) => ({ ...prev, [source.id]: source.lastRunAt }));
      setSelected(source.id);
      setNotice({ id: source.id, text: t('harvest.run.queued', { name: source.name }) });
      await queryClient.invalidateQueries({ queryKey: harvestKeys.sources });
    },
    onError: (error, source) => {
      const text =
        error instanceof ApiError && error.status === 409 ? t('harvest.run.alreadyRunning', { name: source.name }) : t('common.error');
      setNotice({ id: source.id, text, error: true });
    },
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found: FieldErrors = {};
    if (form.name.trim() === '') found.name = t('harvest.add.errors.name');
    if (!/^https?:\/\/\S+$/i.test(form.url.trim())) found.url = t('harvest.add.errors.url');
    const every = Number(form.scheduleMinutes);
    if (!Number.isInteger(every) || every < 1 || every > 7 * 24 * 60) found.scheduleMinutes = t('harvest.add.errors.scheduleMinutes');
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    add.mutate({ name: form.name.trim(), kind: form.kind, url: form.url.trim(), scheduleMinutes: every });
  }

  const field = (name: Field) => ({
    'aria-invalid': errors[name] ? true : undefined,
    'aria-describedby': errors[name] ? `harvest-${name}-error` : undefined,
  });
  const hint = (name: Field) =>
    errors[name] ? (
      <p className="form-hint-invalid" id={`harvest-${name}-error`}>
        {errors[name]}
      </p>
    ) : null;

  const selectedSource = list.find((s) => s.id === selected);

  return (
    <div className="inner dd-section">
      <HarvestBreadcrumb />
      <div className="dd-page-head">
        <h1 className="dd-page-title">{t('harvest.title')}</h1>
      </div>
      <p className="dd-body">{t('harvest.lead')}</p>

      {!operator ? (
        <div className="dd-alert" role="alert">
          <p>{t('harvest.operatorOnly')}</p>
        </div>
      ) : (
        <>
          <section className="dd-panel" aria-labelledby="harvest-sources-title">
            <h2 id="harvest-sources-title" className="dd-panel-subtitle dd-first">
              {t('harvest.sources')}
            </h2>
            {sources.isPending ? (
              <Loading />
            ) : sources.isError ? (
              <ErrorBox error={sources.error} />
            ) : list.length === 0 ? (
              <p className="dd-muted">{t('harvest.empty')}</p>
            ) : (
              <div className="krds-table-wrap">
                <table className="tbl col data dd-table dd-harvest-table">
                  <caption className="sr-only">{t('harvest.sources')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('harvest.columns.name')}</th>
                      <th scope="col">{t('harvest.columns.kind')}</th>
                      <th scope="col">{t('harvest.columns.url')}</th>
                      <th scope="col">{t('harvest.columns.schedule')}</th>
                      <th scope="col">{t('harvest.columns.enabled')}</th>
                      <th scope="col">{t('harvest.columns.count')}</th>
                      <th scope="col">{t('harvest.columns.lastRun')}</th>
                      <th scope="col">{t('harvest.columns.lastOk')}</th>
                      <th scope="col">{t('harvest.columns.lastError')}</th>
                      <th scope="col">{t('harvest.columns.actions')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((s) => {
                      const busy = s.running || s.id in pending;
                      return (
                        <tr key={s.id} data-source-id={s.id} aria-current={s.id === selected ? 'true' : undefined}>
                          <th scope="row">{s.name}</th>
                          <td>{t(`harvest.kinds.${s.kind}`)}</td>
                          <td className="dd-harvest-url">{s.url}</td>
                          <td>{t('harvest.everyMinutes', { count: s.scheduleMinutes })}</td>
                          <td>{s.enabled ? t('harvest.enabled') : t('harvest.disabled')}</td>
                          <td className="dd-harvest-count">{formatNumber(s.documentCount)}</td>
                          <td>{busy ? t('harvest.running') : s.lastRunAt ? formatDateTime(s.lastRunAt) : t('harvest.never')}</td>
                          <td>{s.lastOkAt ? formatDateTime(s.lastOkAt) : t('harvest.never')}</td>
                          <td className="dd-harvest-error">{s.lastError ?? ''}</td>
                          <td>
                            <button
                              type="button"
                              className="krds-btn primary small"
                              disabled={busy}
                              onClick={() => run.mutate(s)}
                              aria-label={t('harvest.run.labelFor', { name: s.name })}
                            >
                              {t('harvest.run.button')}
                            </button>{' '}
                            <button
                              type="button"
                              className="krds-btn tertiary small"
                              onClick={() => setSelected(s.id)}
                              aria-label={t('harvest.log.labelFor', { name: s.name })}
                              aria-pressed={s.id === selected}
                            >
                              {t('harvest.log.button')}
                            </button>
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            )}
            {notice && (
              <p className={notice.error ? 'dd-alert' : 'dd-muted'} role="status">
                {notice.text}
              </p>
            )}
          </section>

          {selectedSource && <SourceLog source={selectedSource} />}

          <form className="dd-panel dd-harvest-form" onSubmit={onSubmit} noValidate aria-labelledby="harvest-add-title">
            <h2 id="harvest-add-title" className="dd-panel-subtitle dd-first">
              {t('harvest.add.title')}
            </h2>
            <div className="form-group">
              <div className="form-tit">
                <label htmlFor="harvest-name">{t('harvest.add.name')}</label>
              </div>
              <div className={`form-conts${errors.name ? ' is-error' : ''}`}>
                <input
                  id="harvest-name"
                  name="name"
                  className={`krds-input${errors.name ? ' is-error' : ''}`}
                  value={form.name}
                  onChange={(e) => setForm({ ...form, name: e.target.value })}
                  {...field('name')}
                />
              </div>
              {hint('name')}
            </div>
            <div className="form-group">
              <div className="form-tit">
                <label htmlFor="harvest-kind">{t('harvest.add.kind')}</label>
              </div>
              <div className={`form-conts${errors.kind ? ' is-error' : ''}`}>
                <select
                  id="harvest-kind"
                  name="kind"
                  className="krds-form-select"
                  value={form.kind}
                  onChange={(e) => setForm({ ...form, kind: e.target.value as HarvestKind })}
                  {...field('kind')}
                >
                  {HARVEST_KINDS.map((k) => (
                    <option key={k} value={k}>
                      {t(`harvest.kinds.${k}`)}
                    </option>
                  ))}
                </select>
              </div>
              <p className="form-hint">{t(`harvest.add.kindHint.${form.kind}`)}</p>
              {hint('kind')}
            </div>
            <div className="form-group">
              <div className="form-tit">
                <label htmlFor="harvest-url">{t('harvest.add.url')}</label>
              </div>
              <div className={`form-conts${errors.url ? ' is-error' : ''}`}>
                <input
                  id="harvest-url"
                  name="url"
                  type="url"
                  className={`krds-input${errors.url ? ' is-error' : ''}`}
                  value={form.url}
                  onChange={(e) => setForm({ ...form, url: e.target.value })}
                  {...field('url')}
                />
              </div>
              {hint('url')}
            </div>
            <div className="form-group">
              <div className="form-tit">
                <label htmlFor="harvest-schedule">{t('harvest.add.scheduleMinutes')}</label>
              </div>
              <div className={`form-conts${errors.scheduleMinutes ? ' is-error' : ''}`}>
                <input
                  id="harvest-schedule"
                  name="scheduleMinutes"
                  type="number"
                  min={1}
                  className={`krds-input${errors.scheduleMinutes ? ' is-error' : ''}`}
                  value={form.scheduleMinutes}
                  onChange={(e) => setForm({ ...form, scheduleMinutes: e.target.value })}
                  {...field('scheduleMinutes')}
                />
              </div>
              {hint('scheduleMinutes')}
            </div>
            {add.isError && !(add.error instanceof ApiError && add.error.problems.length > 0) && <ErrorBox error={add.error} />}
            <div className="dd-form-actions">
              <button type="submit" className="krds-btn primary medium" disabled={add.isPending}>
                {t('harvest.add.submit')}
              </button>
            </div>
          </form>
        </>
      )}
    </div>
  );
}
