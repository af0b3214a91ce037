// A de-identification run: its progress (bytes and records, followed every second while it runs),
// then what it did — entities per type (a chart) and per field, the residual risk of each declared
// table, files copied or not written, warnings — the link to the version it made, and, for
// authorised reviewers only, the before/after samples.
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Breadcrumb } from '../../components/Breadcrumb';
import { useTitle } from '../../components/useTitle';
import { ErrorBox, formatDateTime, formatNumber, Loading } from '../census/common';
import { percent } from '../refinery/common';
import { DeidStatusBadge } from './DeidHomePage';
import { running, runQuery, samplesQuery, type DeidReport, type DeidRun } from './deidApi';

const BAR = '#256ef4';

function Progress({ run }: { run: DeidRun }) {
  const { t } = useTranslation();
  const p = run.progress;
  if (!p) return <p className="dd-muted">{t('deid.run.waiting')}</p>;
  return (
    <div className="dd-deid-progress">
      <label htmlFor="deid-progress">{t('deid.run.progress', { done: p.filesDone, files: p.files })}</label>
      <progress id="deid-progress" max={Math.max(1, p.totalBytes)} value={p.bytes} />
      <p className="dd-muted" data-progress-records={p.records}>
        {t('deid.run.bytes', { bytes: formatNumber(p.bytes), total: formatNumber(p.totalBytes), records: formatNumber(p.records) })}
        {p.currentFile ? ` · ${p.currentFile}` : ''}
      </p>
    </div>
  );
}

function Counts({ report }: { report: DeidReport }) {
  const { t } = useTranslation();
  const entities = Object.entries(report.totals.entities)
    .sort((a, b) => b[1] - a[1])
    .map(([type, count]) => ({ type, label: t(`deid.types.${type}`, { defaultValue: type }), count }));
  const r = report.totals.records;
  return (
    <section className="dd-panel" aria-labelledby="deid-counts-title">
      <h2 id="deid-counts-title" className="dd-panel-subtitle dd-first">
        {t('deid.run.counts')}
      </h2>
      <dl className="dd-facts">
        <div>
          <dt>{t('deid.run.recordsIn')}</dt>
          <dd data-count="records-in">{formatNumber(r.in)}</dd>
        </div>
        <div>
          <dt>{t('deid.run.recordsChanged')}</dt>
          <dd data-count="records-changed">{formatNumber(r.changed)}</dd>
        </div>
        <div>
          <dt>{t('deid.run.recordsSuppressed')}</dt>
          <dd>{formatNumber(r.suppressed)}</dd>
        </div>
        <div>
          <dt>{t('deid.run.unreadable')}</dt>
          <dd>{formatNumber(report.totals.unreadable)}</dd>
        </div>
      </dl>
      {entities.length > 0 && (
        <figure className="dd-deid-chart">
          <figcaption>{t('deid.run.entitiesChart')}</figcaption>
          <ResponsiveContainer width="100%" height={Math.max(120, entities.length * 26 + 30)}>
            <BarChart data={entities} layout="vertical" margin={{ top: 4, right: 30, bottom: 4, left: 8 }}>
              <CartesianGrid horizontal={false} stroke="#e6e8ea" />
              <XAxis type="number" allowDecimals={false} tick={{ fontSize: 12 }} />
              <YAxis type="category" dataKey="label" width={140} tick={{ fontSize: 12 }} interval={0} />
              <Tooltip />
              <Bar dataKey="count" name={t('deid.run.count')} fill={BAR} isAnimationActive={false} maxBarSize={18} />
            </BarChart>
          </ResponsiveContainer>
        </figure>
      )}
      <div className="krds-table-wrap">
        <table className="tbl col data dd-table dd-deid-types">
          <caption className="sr-only">{t('deid.run.entitiesChart')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('deid.run.type')}</th>
              <th scope="col">{t('deid.run.count')}</th>
            </tr>
          </thead>
          <tbody>
            {entities.map((e) => (
              <tr key={e.type} data-entity={e.type}>
                <th scope="row">
                  {e.label} <span className="dd-muted">{e.type}</span>
                </th>
                <td>{formatNumber(e.count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {Object.keys(report.fields).length > 0 && (
        <>
          <h3 className="dd-panel-subtitle">{t('deid.run.fields')}</h3>
          <div className="krds-table-wrap">
            <table className="tbl col data dd-table dd-deid-fields">
              <caption className="sr-only">{t('deid.run.fields')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('deid.run.field')}</th>
                  <th scope="col">{t('deid.run.fieldEntities')}</th>
                  <th scope="col">{t('deid.run.transformed')}</th>
                  <th scope="col">{t('deid.run.unreadable')}</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(report.fields).map(([field, stats]) => (
                  <tr key={field}>
                    <th scope="row">{field}</th>
                    <td>
                      {Object.entries(stats.entities)
                        .map(([type, n]) => `${type} ${formatNumber(n)}`)
                        .join(', ') || '—'}
                    </td>
                    <td>{formatNumber(stats.transformed)}</td>
                    <td>{formatNumber(stats.unreadable)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function Risk({ report }: { report: DeidReport }) {
  const { t } = useTranslation();
  if (report.tables.length === 0) return null;
  return (
    <section className="dd-panel" aria-labelledby="deid-risk-title">
      <h2 id="deid-risk-title" className="dd-panel-subtitle dd-first">
        {t('deid.run.risk')}
      </h2>
      <p className="dd-body">{t('deid.run.riskLead')}</p>
      <div className="krds-table-wrap">
        <table className="tbl col data dd-table dd-deid-risk">
          <caption className="sr-only">{t('deid.run.risk')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('deid.run.file')}</th>
              <th scope="col">{t('deid.run.quasi')}</th>
              <th scope="col">{t('deid.run.kBefore')}</th>
              <th scope="col">{t('deid.run.kAfter')}</th>
              <th scope="col">{t('deid.run.prosecutor')}</th>
              <th scope="col">{t('deid.run.levels')}</th>
              <th scope="col">{t('deid.run.suppressed')}</th>
              <th scope="col">{t('deid.run.loss')}</th>
            </tr>
          </thead>
          <tbody>
            {report.tables.map((table) => (
              <tr key={table.file} data-table={table.file}>
                <th scope="row">{table.file}</th>
                <td>{table.quasi.join(', ')}</td>
                <td>{table.before.k}</td>
                <td data-k-after={table.after.k}>
                  {table.after.k}{' '}
                  <span className={`krds-badge ${table.reached ? 'bg-light-success' : 'bg-light-danger'}`}>
                    {t(table.reached ? 'deid.run.reached' : 'deid.run.notReached', { k: table.targetK })}
                  </span>
                </td>
                <td>
                  {percent(table.after.prosecutor.highest)} / {percent(table.after.prosecutor.average)}
                </td>
                <td>{table.levels.map((l) => `${l.column} → ${l.levelName}`).join('; ')}</td>
                <td>{formatNumber(table.suppressedRecords)}</td>
                <td>{table.informationLoss.toFixed(3)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Files({ report }: { report: DeidReport }) {
  const { t } = useTranslation();
  return (
    <section className="dd-panel" aria-labelledby="deid-files-title">
      <h2 id="deid-files-title" className="dd-panel-subtitle dd-first">
        {t('deid.run.files')}
      </h2>
      <ul>
        {report.files.map((f) => (
          <li key={f.path} data-file-action={f.action}>
            <code>{f.path}</code> — {t(`deid.action.${f.action}`)}
            {f.faces !== undefined ? ` (${t('deid.run.faces', { count: f.faces })})` : ''}
            {f.reason ? <span className="dd-muted"> · {f.reason}</span> : null}
          </li>
        ))}
      </ul>
      {report.images.mode !== 'none' && <p className="dd-muted">{report.images.note}</p>}
      {report.warnings.length > 0 && (
        <>
          <h3 className="dd-panel-subtitle">{t('deid.run.warnings')}</h3>
          <ul>
            {report.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function Samples({ runId }: { runId: string }) {
  const { t } = useTranslation();
  const [shown, setShown] = useState(false);
  const samples = useQuery({ ...samplesQuery(runId), enabled: shown });
  return (
    <section className="dd-panel dd-deid-samples" aria-labelledby="deid-samples-title">
      <h2 id="deid-samples-title" className="dd-panel-subtitle dd-first">
        {t('deid.samples.title')}
      </h2>
      <p className="dd-alert">{t('deid.samples.warning')}</p>
      {!shown ? (
        <button type="button" className="krds-btn secondary" onClick={() => setShown(true)}>
          {t('deid.samples.show')}
        </button>
      ) : samples.isPending ? (
        <Loading />
      ) : samples.isError ? (
        <ErrorBox error={samples.error} />
      ) : (
        <div className="krds-table-wrap">
          <table className="tbl col data dd-table">
            <caption className="sr-only">{t('deid.samples.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('deid.run.file')}</th>
                <th scope="col">{t('deid.samples.record')}</th>
                <th scope="col">{t('deid.samples.before')}</th>
                <th scope="col">{t('deid.samples.after')}</th>
              </tr>
            </thead>
            <tbody>
              {samples.data.items.map((s) => (
                <tr key={`${s.file}/${s.record}`} data-sample={s.record}>
                  <td>{s.file}</td>
                  <td>{s.record}</td>
                  <td>
                    <code>{s.before}</code>
                  </td>
                  <td>{s.after === null ? t('deid.samples.suppressed') : <code>{s.after}</code>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function DeidRunPage() {
  const { t } = useTranslation();
  const { id } = useParams({ from: '/deid/runs/$id' });
  const run = useQuery({ ...runQuery(id), refetchInterval: (q) => (q.state.data && running(q.state.data) ? 1000 : false) });
  const title = run.data?.datasetTitle ? `${run.data.datasetTitle} — ${t('deid.run.title')}` : t('deid.run.title');
  useTitle(title);
  if (run.isPending) return <Loading />;
  if (run.isError) return <ErrorBox error={run.error} />;
  const r = run.data;
  return (
    <div className="inner dd-section">
      <Breadcrumb trail={[{ label: t('modules.deid.title'), to: '/deid' }, { label: t('deid.run.title') }]} />
      <div className="dd-page-head">
        <h1 className="dd-page-title">{title}</h1>
      </div>
      <p>
        <DeidStatusBadge status={r.status} />{' '}
        <Link to="/refinery/versions/$id" params={{ id: r.versionId }}>
          {t('deid.run.source', { number: r.versionNumber ?? '?' })}
        </Link>
        {r.outputVersionId && (
          <>
            {' → '}
            <Link to="/refinery/versions/$id" params={{ id: r.outputVersionId }} className="krds-btn small primary" data-output-version>
              {t('deid.run.output', { number: r.outputVersionNumber ?? '?' })}
            </Link>
          </>
        )}
      </p>
      <p className="dd-muted">
        {t('deid.run.started', { at: formatDateTime(r.createdAt) })}
        {r.finishedAt ? ` · ${t('deid.run.finished', { at: formatDateTime(r.finishedAt) })}` : ''} ·{' '}
        <code>{r.policyHash.slice(0, 19)}…</code>
      </p>
      {r.error && (
        <p className="form-hint-invalid" role="alert">
          {r.error}
        </p>
      )}
      <Progress run={r} />
      {r.report && (
        <>
          <Counts report={r.report} />
          <Risk report={r.report} />
          <Files report={r.report} />
        </>
      )}
      {r.status === 'done' && r.canReviewSamples && <Samples runId={r.id} />}
      <details className="dd-panel">
        <summary>{t('deid.run.policy')}</summary>
        <pre className="dd-code">{r.policy}</pre>
      </details>
    </div>
  );
}
