// Bulk import of census entries from a file (CSV or Excel, our template or data.go.kr's list):
// a dry run first, with a report of every row that would be rejected and why, then the import of
// all rows (only when none is rejected) or of the valid rows only.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useEffect, useMemo, useRef, useState, type DragEvent, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useTitle } from '../../components/useTitle';
import { currentLanguage } from '../../i18n';
import { orgsQuery } from '../../session';
import {
  assignmentsQuery,
  campaignsQuery,
  censusKeys,
  commitImport,
  fetchImport,
  startImport,
  templateUrl,
  type ImportMapping,
  type ImportRun,
} from './censusApi';
import { CensusBreadcrumb, ErrorBox, formatDate, formatNumber, useCensusRoles, useErrorText } from './common';

const FROM_FILE = '__from_file__';
const SHOWN_ERRORS = 500;

const isRunning = (run: ImportRun | undefined) => !run || run.status === 'queued' || run.status === 'running';

function useImportRun(id: string | null) {
  return useQuery({
    queryKey: censusKeys.importRun(id ?? ''),
    queryFn: ({ signal }) => fetchImport(id!, signal),
    enabled: id !== null,
    refetchInterval: (query) => (isRunning(query.state.data) && !query.state.error ? 1000 : false),
  });
}

export function ImportPage() {
  const { t } = useTranslation();
  useTitle(t('census.import.title'));
  const roles = useCensusRoles();
  const english = currentLanguage() === 'en';
  const queryClient = useQueryClient();
  const describe = useErrorText();
  const orgs = useQuery({ ...orgsQuery, enabled: roles.operator });
  const campaigns = useQuery({ ...campaignsQuery, enabled: roles.operator });
  const assignments = useQuery({ ...assignmentsQuery, enabled: roles.stewardOf.length > 0 });

  const [file, setFile] = useState<File | null>(null);
  const [mapping, setMapping] = useState<ImportMapping>('native');
  const [orgId, setOrgId] = useState<string>(() => roles.stewardOf[0]?.orgId ?? '');
  const [campaignId, setCampaignId] = useState('');
  const [errors, setErrors] = useState<{ file?: string; org?: string }>({});
  const [dryRunId, setDryRunId] = useState<string | null>(null);
  const [commitId, setCommitId] = useState<string | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const reportRef = useRef<HTMLHeadingElement>(null);
  const resultRef = useRef<HTMLDivElement>(null);

  const agencies = useMemo(() => {
    if (roles.operator)
      return (orgs.data ?? []).filter((o) => o.kind === 'agency').map((o) => ({ id: o.id, name: english && o.nameEn ? o.nameEn : o.name }));
    return roles.stewardOf.map((s) => ({ id: s.orgId, name: english && s.orgNameEn ? s.orgNameEn : s.orgName }));
  }, [roles, orgs.data, english]);
  const campaignOptions = useMemo(() => {
    if (roles.operator)
      return (campaigns.data ?? []).filter(
        (c) => c.status === 'open' && (orgId === FROM_FILE || !orgId || c.targets.some((x) => x.orgId === orgId)),
      );
    return (assignments.data ?? []).filter((a) => a.orgId === orgId && a.campaign.status === 'open').map((a) => a.campaign);
  }, [roles.operator, campaigns.data, assignments.data, orgId]);

  const dry = useImportRun(dryRunId);
  const committed = useImportRun(commitId);

  const start = useMutation({
    mutationFn: (input: { file: File; orgId?: string; campaignId?: string; mapping: ImportMapping }) =>
      startImport(input.file, { ...input, dryRun: true }),
    onSuccess: ({ id }) => {
      setCommitId(null);
      setDryRunId(id);
    },
  });
  const commit = useMutation({
    mutationFn: ({ validRowsOnly }: { validRowsOnly: boolean }) => commitImport(dryRunId!, validRowsOnly),
    onSuccess: ({ id }) => setCommitId(id),
  });

  const dryDone = dry.data && !isRunning(dry.data);
  useEffect(() => {
    if (dryDone) reportRef.current?.focus();
  }, [dryDone]);
  const commitDone = committed.data && !isRunning(committed.data);
  useEffect(() => {
    if (commitDone) {
      resultRef.current?.focus();
      void queryClient.invalidateQueries({ queryKey: ['census'] });
    }
  }, [commitDone, queryClient]);

  if (!roles.operator && roles.stewardOf.length === 0) {
    return (
      <div className="inner dd-section">
        <CensusBreadcrumb trail={[{ label: t('census.import.title') }]} />
        <h1 className="dd-page-title dd-page-head">{t('census.import.title')}</h1>
        <div className="dd-notice">
          <p>{t('census.import.notAllowed')}</p>
        </div>
      </div>
    );
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const found: { file?: string; org?: string } = {};
    if (!file) found.file = t('census.import.fileRequired');
    const fromFile = orgId === FROM_FILE;
    if (!orgId || (fromFile && mapping !== 'data-go-kr')) found.org = t('census.import.orgRequired');
    setErrors(found);
    if (found.file) {
      fileRef.current?.closest('.dd-upload')?.scrollIntoView({ block: 'center' });
      fileRef.current?.focus({ preventScroll: true });
      return;
    }
    if (found.org) {
      document.getElementById('import-org')?.focus();
      return;
    }
    start.mutate({ file: file!, mapping, ...(fromFile ? {} : { orgId }), ...(campaignId ? { campaignId } : {}) });
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    const dropped = event.dataTransfer.files[0];
    if (dropped) {
      setFile(dropped);
      setErrors((prev) => ({ ...prev, file: undefined }));
    }
  }

  const busy = start.isPending || (dryRunId !== null && isRunning(dry.data) && !dry.isError);

  return (
    <div className="inner dd-section">
      <CensusBreadcrumb trail={[{ label: t('census.import.title') }]} />
      <div className="dd-page-head">
        <h1 className="dd-page-title">{t('census.import.title')}</h1>
      </div>
      <p className="dd-body">{t('census.import.lead')}</p>

      <ol className="krds-step-wrap dd-steps" aria-label={t('census.import.stepsLabel')}>
        {(['stepUpload', 'stepCheck', 'stepImport'] as const).map((step, index) => {
          const currentStep = commitId ? 2 : dryRunId ? 1 : 0;
          return (
            <li key={step} className={index < currentStep ? 'done' : index === currentStep ? 'active' : undefined}>
              <span>
                {index === currentStep && <em className="sr-only">{t('census.import.currentStep')}</em>}
                <i className="step">{t('census.import.stepN', { n: index + 1 })}</i>
                <span className="step-tit">{t(`census.import.${step}`)}</span>
              </span>
            </li>
          );
        })}
      </ol>

      <div className="dd-import-layout">
        <form className="dd-panel dd-import-form" onSubmit={onSubmit} noValidate aria-labelledby="import-form-title">
          <h2 id="import-form-title" className="dd-panel-subtitle dd-first">
            {t('census.import.formTitle')}
          </h2>
          <div className={`krds-file-upload dd-upload${errors.file ? ' is-error' : ''}`}>
            <div className="file-upload" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
              <p className="txt">{t('census.import.dropHint')}</p>
              <div className="file-upload-btn-wrap">
                <input
                  id="import-file"
                  ref={fileRef}
                  type="file"
                  className="sr-only dd-file-native"
                  accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                  aria-invalid={errors.file ? true : undefined}
                  aria-describedby={errors.file ? 'import-file-error' : 'import-file-hint'}
                  onChange={(e) => {
                    setFile(e.target.files?.[0] ?? null);
                    setErrors((prev) => ({ ...prev, file: undefined }));
                  }}
                />
                <label htmlFor="import-file" className="krds-btn secondary medium dd-file-button">
                  <i className="svg-icon ico-upload" aria-hidden="true" />
                  {t('census.import.file')}
                </label>
              </div>
              {file && (
                <p className="dd-file-chosen">
                  {t('census.import.chosen', { name: file.name, size: formatNumber(Math.max(1, Math.round(file.size / 1024))) })}
                </p>
              )}
              <p className="dd-muted" id="import-file-hint">
                {t('census.import.fileHint')}
              </p>
              {errors.file && (
                <p className="dd-invalid" id="import-file-error">
                  {errors.file}
                </p>
              )}
            </div>
          </div>

          <fieldset className="form-group dd-import-field">
            <legend className="form-tit dd-legend">{t('census.import.mapping')}</legend>
            <div className="krds-check-area chk-column">
              {(['native', 'data-go-kr'] as const).map((m) => (
                <div className="krds-form-check" key={m}>
                  <input
                    type="radio"
                    name="mapping"
                    id={`import-mapping-${m}`}
                    value={m}
                    checked={mapping === m}
                    onChange={() => {
                      setMapping(m);
                      if (m === 'native' && orgId === FROM_FILE) setOrgId('');
                    }}
                    aria-describedby={`import-mapping-${m}-desc`}
                  />
                  <label htmlFor={`import-mapping-${m}`}>{t(`census.import.mappings.${m === 'native' ? 'native' : 'dataGoKr'}`)}</label>
                  <div className="krds-form-check-cnt">
                    <p className="krds-form-check-p" id={`import-mapping-${m}-desc`}>
                      {t(`census.import.mappings.${m === 'native' ? 'nativeHint' : 'dataGoKrHint'}`)}
                    </p>
                  </div>
                </div>
              ))}
            </div>
          </fieldset>

          <div className="form-group dd-import-field">
            <div className="form-tit">
              <label htmlFor="import-org">{t('census.entry.agency')}</label>
            </div>
            <div className={`form-conts${errors.org ? ' is-error' : ''}`}>
              <select
                id="import-org"
                className={`krds-form-select${errors.org ? ' is-error' : ''}`}
                value={orgId}
                onChange={(e) => {
                  setOrgId(e.target.value);
                  setCampaignId('');
                  setErrors((prev) => ({ ...prev, org: undefined }));
                }}
                aria-invalid={errors.org ? true : undefined}
                aria-describedby={errors.org ? 'import-org-error' : undefined}
              >
                {roles.operator && <option value="">{t('census.form.choose')}</option>}
                {roles.operator && mapping === 'data-go-kr' && <option value={FROM_FILE}>{t('census.import.fromFile')}</option>}
                {agencies.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </select>
            </div>
            {errors.org && (
              <p className="form-hint-invalid" id="import-org-error">
                {errors.org}
              </p>
            )}
          </div>

          <div className="form-group dd-import-field">
            <div className="form-tit">
              <label htmlFor="import-campaign">{t('census.entry.campaign')}</label>
            </div>
            <div className="form-conts">
              <select id="import-campaign" className="krds-form-select" value={campaignId} onChange={(e) => setCampaignId(e.target.value)}>
                <option value="">{t('census.entry.noCampaign')}</option>
                {campaignOptions.map((c) => (
                  <option key={c.id} value={c.id}>
                    {t('census.entry.campaignOption', { title: c.title, deadline: formatDate(c.deadline) })}
                  </option>
                ))}
              </select>
            </div>
          </div>

          {start.isError && <ErrorBox error={start.error} />}
          <div className="dd-form-actions">
            <button type="submit" className="krds-btn primary medium" disabled={busy}>
              {t('census.import.check')}
            </button>
          </div>
        </form>

        <aside className="dd-side-box dd-templates" aria-labelledby="templates-title">
          <h2 id="templates-title" className="dd-side-title">
            {t('census.import.templates')}
          </h2>
          <p className="dd-muted">{t('census.import.templatesHint')}</p>
          <ul className="dd-template-links">
            <li>
              <a className="krds-btn tertiary small" href={templateUrl('xlsx')} download>
                <i className="svg-icon ico-down" aria-hidden="true" />
                {t('census.import.templateXlsx')}
              </a>
            </li>
            <li>
              <a className="krds-btn tertiary small" href={templateUrl('csv')} download>
                <i className="svg-icon ico-down" aria-hidden="true" />
                {t('census.import.templateCsv')}
              </a>
            </li>
          </ul>
        </aside>
      </div>

      {dryRunId && (
        <section className="dd-block-section" aria-labelledby="import-report-title">
          <h2 id="import-report-title" className="dd-subtitle" tabIndex={-1} ref={reportRef}>
            {t('census.import.report')}
          </h2>
          {dry.isError ? (
            <ErrorBox error={dry.error} />
          ) : isRunning(dry.data) ? (
            <Progress run={dry.data} label={t('census.import.checking')} />
          ) : dry.data!.status === 'failed' ? (
            <div className="dd-alert" role="alert">
              <p>{t('census.import.failed')}</p>
              {dry.data!.error && <p className="dd-alert-detail">{dry.data!.error}</p>}
            </div>
          ) : (
            <Report
              run={dry.data!}
              committing={commit.isPending || (commitId !== null && isRunning(committed.data) && !committed.isError)}
              committed={commitId !== null}
              onCommit={(validRowsOnly) => commit.mutate({ validRowsOnly })}
            />
          )}
          {commit.isError && (
            <div className="dd-alert" role="alert">
              <p>{describe(commit.error).message}</p>
              {describe(commit.error).detail && <p className="dd-alert-detail">{describe(commit.error).detail}</p>}
            </div>
          )}
        </section>
      )}

      {commitId && (
        <section className="dd-block-section" aria-labelledby="import-result-title">
          <h2 id="import-result-title" className="dd-subtitle">
            {t('census.import.result')}
          </h2>
          {committed.isError ? (
            <ErrorBox error={committed.error} />
          ) : isRunning(committed.data) ? (
            <Progress run={committed.data} label={t('census.import.importing')} />
          ) : committed.data!.status === 'failed' ? (
            <div className="dd-alert" role="alert" tabIndex={-1} ref={resultRef}>
              <p>{t('census.import.failed')}</p>
              {committed.data!.error && <p className="dd-alert-detail">{committed.data!.error}</p>}
            </div>
          ) : (
            <div className="dd-callout dd-callout-success" tabIndex={-1} ref={resultRef} role="status">
              <p className="dd-callout-title">{t('census.import.imported', { count: committed.data!.imported })}</p>
              {committed.data!.rejected > 0 && <p>{t('census.import.skipped', { count: committed.data!.rejected })}</p>}
              <p>
                <Link to="/census">{t('census.import.toList')}</Link>
              </p>
            </div>
          )}
        </section>
      )}
    </div>
  );
}

function Progress({ run, label }: { run: ImportRun | undefined; label: string }) {
  const { t } = useTranslation();
  return (
    <div className="dd-progress" role="status" aria-live="polite">
      <span className="krds-spinner" aria-hidden="true" />
      <div>
        <p>{label}</p>
        {run && run.rows > 0 && <p className="dd-muted">{t('census.import.rowsSoFar', { count: run.rows })}</p>}
        <progress className="dd-progress-bar" aria-label={label} />
      </div>
    </div>
  );
}

function Report({
  run,
  committing,
  committed,
  onCommit,
}: {
  run: ImportRun;
  committing: boolean;
  committed: boolean;
  onCommit: (validRowsOnly: boolean) => void;
}) {
  const { t } = useTranslation();
  const english = currentLanguage() === 'en';
  const valid = Math.max(0, run.rows - run.rejected);
  const shown = run.errors.slice(0, SHOWN_ERRORS);
  return (
    <>
      <dl className="dd-kpis dd-kpis-compact">
        <div className="dd-kpi">
          <dt>{t('census.import.rows')}</dt>
          <dd>
            <strong className="dd-kpi-value">{formatNumber(run.rows)}</strong>
          </dd>
        </div>
        <div className="dd-kpi dd-kpi-ok">
          <dt>{t('census.import.valid')}</dt>
          <dd>
            <strong className="dd-kpi-value">{formatNumber(valid)}</strong>
          </dd>
        </div>
        <div className={`dd-kpi${run.rejected > 0 ? ' dd-kpi-bad' : ''}`}>
          <dt>{t('census.import.rejected')}</dt>
          <dd>
            <strong className="dd-kpi-value">{formatNumber(run.rejected)}</strong>
          </dd>
        </div>
        <div className="dd-kpi">
          <dt>{t('census.import.duplicates')}</dt>
          <dd>
            <strong className="dd-kpi-value">{formatNumber(run.duplicates)}</strong>
          </dd>
        </div>
      </dl>
      <p className="dd-muted">
        {t('census.import.fileLine', { name: run.fileName })}
        {run.encoding && ` · ${t('census.import.encoding', { encoding: run.encoding })}`}
      </p>

      {run.errors.length === 0 ? (
        <p className="dd-success">{t('census.import.allValid')}</p>
      ) : (
        <div className="krds-table-wrap dd-report-table">
          <table className="tbl col data dd-table">
            <caption className="sr-only">{t('census.import.errorsCaption')}</caption>
            <colgroup>
              <col className="dd-col-row" />
              <col className="dd-col-column" />
              <col />
            </colgroup>
            <thead>
              <tr>
                <th scope="col">{t('census.import.row')}</th>
                <th scope="col">{t('census.import.column')}</th>
                <th scope="col">{t('census.import.message')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((e, index) => (
                <tr key={`${e.row}-${e.column}-${index}`}>
                  <td>{e.row > 0 ? formatNumber(e.row) : t('census.import.wholeFile')}</td>
                  <td>{e.column || '—'}</td>
                  <td>{english && e.messageEn ? e.messageEn : e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {run.errorCount > shown.length && (
            <p className="dd-muted">{t('census.import.moreErrors', { shown: shown.length, total: run.errorCount })}</p>
          )}
        </div>
      )}

      {!committed && (
        <div className="dd-form-actions">
          <button
            type="button"
            className="krds-btn primary medium"
            disabled={committing || run.rejected > 0 || run.rows === 0}
            aria-describedby={run.rejected > 0 ? 'import-all-hint' : undefined}
            onClick={() => onCommit(false)}
          >
            {t('census.import.importAll')}
          </button>
          <button
            type="button"
            className="krds-btn secondary medium"
            disabled={committing || run.rejected === 0 || valid === 0}
            onClick={() => onCommit(true)}
          >
            {t('census.import.importValid', { count: valid })}
          </button>
          {run.rejected > 0 && (
            <p className="dd-muted" id="import-all-hint">
              {t('census.import.importAllHint')}
            </p>
          )}
        </div>
      )}
    </>
  );
}
