// A version's quality report: indicator cards (value, formula, inputs), per-column charts (nulls,
// histogram or top values), defects with example rows, duplicates and rules, downloads (JSON and
// a standalone HTML file), and the version's sampling inspections.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useTitle } from '../../components/useTitle';
import { currentLanguage } from '../../i18n';
import { sessionQuery } from '../../session';
import { DeidStartPanel } from '../deid/DeidStartPanel';
import { ErrorBox, formatDateTime, formatNumber, Loading } from '../census/common';
import { bilingual, percent, RefineryBreadcrumb, TaskBadge, VersionStatusBadge } from './common';
import {
  AQLS,
  busy,
  datasetQuery,
  inspectionsQuery,
  refineryKeys,
  reportHtmlUrl,
  reportJsonUrl,
  reportQuery,
  startInspection,
  versionQuery,
  type ColumnProfile,
  type FileProfile,
  type Indicator,
  type QualityReport,
} from './refineryApi';

const BAR = '#256ef4';

function inputText(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? formatNumber(value) : value.toPrecision(4);
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

function IndicatorCard({ indicator }: { indicator: Indicator }) {
  const name = bilingual(indicator.name);
  return (
    <li className="dd-indicator" data-indicator={indicator.id}>
      <h3 className="dd-indicator-name">
        {name.main} <span className="dd-muted">{name.other}</span>
      </h3>
      <p className="dd-indicator-value">{percent(indicator.value)}</p>
      <p className="dd-indicator-formula">
        <code>{indicator.formula}</code>
      </p>
      <dl className="dd-indicator-inputs">
        {Object.entries(indicator.inputs).map(([key, value]) => (
          <div key={key}>
            <dt>{key}</dt>
            <dd>{inputText(value)}</dd>
          </div>
        ))}
      </dl>
    </li>
  );
}

function ColumnChart({ column }: { column: ColumnProfile }) {
  const { t } = useTranslation();
  const h = column.stats.histogram;
  const data =
    h.kind === 'bins'
      ? h.bins.map((b) => ({ name: `${+b.from.toPrecision(4)}–${+b.to.toPrecision(4)}`, count: b.count }))
      : h.values.map((v) => ({ name: v.value.length > 24 ? `${v.value.slice(0, 23)}…` : v.value, count: v.count }));
  if (data.length === 0) return null;
  return (
    <figure className="dd-column-chart">
      <figcaption>
        {column.name} — {h.kind === 'bins' ? t('refinery.report.histogram') : t('refinery.report.topValues')}
      </figcaption>
      <ResponsiveContainer width="100%" height={Math.max(120, data.length * 22 + 30)}>
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 30, bottom: 4, left: 8 }}>
          <CartesianGrid horizontal={false} stroke="#e6e8ea" />
          <XAxis type="number" allowDecimals={false} tick={{ fontSize: 12 }} />
          <YAxis type="category" dataKey="name" width={160} tick={{ fontSize: 12 }} interval={0} />
          <Tooltip />
          <Bar dataKey="count" fill={BAR} isAnimationActive={false} maxBarSize={18} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

function FileSection({ file }: { file: FileProfile }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<string | null>(null);
  const nulls = file.columns.map((c) => ({ name: c.name, share: file.rows ? (100 * c.nulls) / file.rows : 0, distinct: c.distinct }));
  return (
    <section className="dd-panel dd-file" aria-label={file.path}>
      <h3 className="dd-panel-subtitle">{file.path}</h3>
      <p className="dd-muted">
        {t('refinery.report.fileFacts', {
          format: file.format,
          encoding: file.uploadedEncoding ?? file.encoding ?? '—',
          rows: file.rows === null ? '—' : formatNumber(file.rows),
          columns: file.columns.length,
        })}
      </p>
      {file.error && <p className="form-hint-invalid">{file.error}</p>}
      {file.columns.length > 0 && (
        <>
          <figure className="dd-nulls-chart">
            <figcaption>{t('refinery.report.nullsChart')}</figcaption>
            <ResponsiveContainer width="100%" height={Math.max(140, nulls.length * 22 + 30)}>
              <BarChart data={nulls} layout="vertical" margin={{ top: 4, right: 30, bottom: 4, left: 8 }}>
                <CartesianGrid horizontal={false} stroke="#e6e8ea" />
                <XAxis type="number" domain={[0, 100]} unit="%" tick={{ fontSize: 12 }} />
                <YAxis type="category" dataKey="name" width={180} tick={{ fontSize: 12 }} interval={0} />
                <Tooltip formatter={(v) => `${Number(v).toFixed(1)}%`} />
                <Bar dataKey="share" name={t('refinery.report.nulls')} fill={BAR} isAnimationActive={false} maxBarSize={16} />
              </BarChart>
            </ResponsiveContainer>
          </figure>
          <figure className="dd-distinct-chart">
            <figcaption>{t('refinery.report.distinctChart')}</figcaption>
            <ResponsiveContainer width="100%" height={Math.max(140, nulls.length * 22 + 30)}>
              <BarChart data={nulls} layout="vertical" margin={{ top: 4, right: 30, bottom: 4, left: 8 }}>
                <CartesianGrid horizontal={false} stroke="#e6e8ea" />
                <XAxis type="number" allowDecimals={false} tick={{ fontSize: 12 }} />
                <YAxis type="category" dataKey="name" width={180} tick={{ fontSize: 12 }} interval={0} />
                <Tooltip />
                <Bar dataKey="distinct" name={t('refinery.report.distinct')} fill="#0b50d0" isAnimationActive={false} maxBarSize={16} />
              </BarChart>
            </ResponsiveContainer>
          </figure>
          <div className="krds-table-wrap">
            <table className="tbl col data dd-table">
              <caption className="sr-only">{t('refinery.report.columns')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('refinery.report.column')}</th>
                  <th scope="col">{t('refinery.report.type')}</th>
                  <th scope="col">{t('refinery.report.nulls')}</th>
                  <th scope="col">{t('refinery.report.distinct')}</th>
                  <th scope="col">{t('refinery.report.issues')}</th>
                  <th scope="col">{t('refinery.report.chart')}</th>
                </tr>
              </thead>
              <tbody>
                {file.columns.map((c) => (
                  <tr key={c.name}>
                    <th scope="row">{c.name}</th>
                    <td>{c.type}</td>
                    <td>{formatNumber(c.nulls)}</td>
                    <td>
                      {formatNumber(c.distinct)}
                      {c.distinctApprox ? '≈' : ''}
                    </td>
                    <td>{c.issues.join(', ')}</td>
                    <td>
                      <button
                        type="button"
                        className="krds-btn small text"
                        aria-expanded={open === c.name}
                        onClick={() => setOpen(open === c.name ? null : c.name)}
                      >
                        {t('refinery.report.showChart')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {open && file.columns.find((c) => c.name === open) && <ColumnChart column={file.columns.find((c) => c.name === open)!} />}
        </>
      )}
    </section>
  );
}

function Quality({ quality }: { quality: QualityReport }) {
  const { t } = useTranslation();
  const ko = currentLanguage() === 'ko';
  return (
    <>
      <section className="dd-panel" aria-labelledby="refinery-indicators-title">
        <h2 id="refinery-indicators-title" className="dd-panel-subtitle dd-first">
          {t('refinery.report.indicators')}
        </h2>
        <p className="dd-muted">{t('refinery.report.records', { count: quality.records })}</p>
        <ul className="dd-indicators">
          {quality.indicators.map((i) => (
            <IndicatorCard key={i.id} indicator={i} />
          ))}
        </ul>
        {quality.warnings.length > 0 && (
          <>
            <h3 className="dd-panel-subtitle">{t('refinery.report.warnings')}</h3>
            <ul>
              {quality.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          </>
        )}
      </section>
      <section className="dd-panel" aria-labelledby="refinery-defects-title">
        <h2 id="refinery-defects-title" className="dd-panel-subtitle dd-first">
          {t('refinery.report.defects')}
        </h2>
        {quality.defects.length === 0 && quality.duplicates.exact.length === 0 ? (
          <p className="dd-muted">{t('refinery.report.noDefects')}</p>
        ) : (
          <div className="krds-table-wrap">
            <table className="tbl col data dd-table dd-defects">
              <caption className="sr-only">{t('refinery.report.defects')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('refinery.report.file')}</th>
                  <th scope="col">{t('refinery.report.column')}</th>
                  <th scope="col">{t('refinery.report.defect')}</th>
                  <th scope="col">{t('refinery.report.count')}</th>
                  <th scope="col">{t('refinery.report.examples')}</th>
                </tr>
              </thead>
              <tbody>
                {quality.defects.map((d) => (
                  <tr key={`${d.file}/${d.column}/${d.code}`}>
                    <td>{d.file}</td>
                    <td>{d.column}</td>
                    <td>{ko ? d.message.ko : d.message.en}</td>
                    <td>{formatNumber(d.count)}</td>
                    <td>
                      {d.examples.map((e) => (
                        <div key={e.row}>
                          {t('refinery.report.row', { row: e.row })}: <code>{e.value}</code>
                        </div>
                      ))}
                    </td>
                  </tr>
                ))}
                {quality.duplicates.exact.map((d) => (
                  <tr key={`${d.file}/dup/${d.rows.join(',')}`}>
                    <td>{d.file}</td>
                    <td>—</td>
                    <td>{t('refinery.report.duplicateRows')}</td>
                    <td>{formatNumber(d.count)}</td>
                    <td>{d.rows.map((r) => t('refinery.report.row', { row: r })).join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {quality.rules.length > 0 && (
          <>
            <h3 className="dd-panel-subtitle">{t('refinery.report.rules')}</h3>
            <ul>
              {quality.rules.map((r) => (
                <li key={`${r.file}/${r.rule}`}>
                  <span className={`krds-badge ${r.passed ? 'bg-light-success' : 'bg-light-danger'}`}>
                    {r.passed ? t('refinery.report.pass') : t('refinery.report.fail')}
                  </span>{' '}
                  {r.file}: {ko ? r.message.ko : r.message.en}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
    </>
  );
}

function Inspections({ versionId, canInspect }: { versionId: string; canInspect: boolean }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const list = useQuery(inspectionsQuery(versionId));
  const [aql, setAql] = useState('1');
  const start = useMutation({
    mutationFn: () => startInspection(versionId, Number(aql)),
    onSuccess: async (inspection) => {
      await queryClient.invalidateQueries({ queryKey: refineryKeys.inspections(versionId) });
      await navigate({ to: '/refinery/inspections/$id', params: { id: inspection.id } });
    },
  });
  return (
    <section className="dd-panel" aria-labelledby="refinery-inspections-title">
      <h2 id="refinery-inspections-title" className="dd-panel-subtitle dd-first">
        {t('refinery.inspection.title')}
      </h2>
      <p className="dd-body">{t('refinery.inspection.lead')}</p>
      {list.data && list.data.length > 0 && (
        <ul>
          {list.data.map((i) => (
            <li key={i.id}>
              <Link to="/refinery/inspections/$id" params={{ id: i.id }}>
                {formatDateTime(i.createdAt)} · AQL {i.aql} · n = {i.plan.sampleSize}
              </Link>{' '}
              <span className="krds-badge bg-light-gray">{t(`refinery.inspection.status.${i.status}`)}</span>
            </li>
          ))}
        </ul>
      )}
      {canInspect && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            start.mutate();
          }}
        >
          <div className="form-group">
            <div className="form-tit">
              <label htmlFor="refinery-aql">{t('refinery.inspection.aql')}</label>
            </div>
            <div className="form-conts">
              <select id="refinery-aql" className="krds-form-select" value={aql} onChange={(e) => setAql(e.target.value)}>
                {AQLS.map((a) => (
                  <option key={a} value={String(a)}>
                    {a}%
                  </option>
                ))}
              </select>
            </div>
          </div>
          {start.isError && <ErrorBox error={start.error} />}
          <button type="submit" className="krds-btn primary" disabled={start.isPending}>
            {t('refinery.inspection.start')}
          </button>
        </form>
      )}
    </section>
  );
}

export function QualityReportPage() {
  const { t } = useTranslation();
  const { id } = useParams({ from: '/refinery/versions/$id' });
  const version = useQuery({ ...versionQuery(id), refetchInterval: (q) => (q.state.data && busy(q.state.data) ? 1000 : false) });
  const datasetId = version.data?.datasetId;
  const dataset = useQuery({ ...datasetQuery(datasetId ?? ''), enabled: datasetId !== undefined });
  const qualityDone = version.data?.tasks.quality?.updatedAt;
  const profile = useQuery({
    ...reportQuery<{ files: FileProfile[] }>(id, 'profile', version.data?.tasks.profile?.updatedAt),
    enabled: version.data?.tasks.profile?.status === 'done',
  });
  const quality = useQuery({
    ...reportQuery<QualityReport>(id, 'quality', qualityDone),
    enabled: version.data?.tasks.quality?.status === 'done',
  });
  const session = useQuery(sessionQuery).data;
  const canInspect = (session?.memberships ?? []).some(
    (m) => m.role === 'operator' || ((m.role === 'steward' || m.role === 'org_admin') && m.orgId === dataset.data?.orgId),
  );
  const title = dataset.data && version.data ? `${dataset.data.title} v${version.data.number}` : t('refinery.report.title');
  useTitle(title);

  if (version.isPending) return <Loading />;
  if (version.isError) return <ErrorBox error={version.error} />;
  const v = version.data;
  return (
    <div className="inner dd-section">
      <RefineryBreadcrumb
        trail={[
          ...(dataset.data ? [{ label: dataset.data.title, to: '/refinery/datasets/$id', params: { id: dataset.data.id } }] : []),
          { label: `v${v.number} ${t('refinery.report.title')}` },
        ]}
      />
      <div className="dd-page-head">
        <h1 className="dd-page-title">
          {title} — {t('refinery.report.title')}
        </h1>
      </div>
      <p>
        <VersionStatusBadge status={v.status} />{' '}
        {(['profile', 'quality'] as const).map((kind) => {
          const task = v.tasks[kind];
          return task ? <TaskBadge key={kind} kind={kind} status={task.status} /> : null;
        })}
      </p>
      <p className="dd-actions">
        <a className="krds-btn secondary" href={reportJsonUrl(v.id)} download>
          {t('refinery.report.downloadJson')}
        </a>{' '}
        <a className="krds-btn secondary" href={reportHtmlUrl(v.id)} download>
          {t('refinery.report.downloadHtml')}
        </a>
      </p>
      {v.tasks.quality?.status !== 'done' ? (
        <p className="dd-loading" role="status">
          {t('refinery.report.waiting')}
        </p>
      ) : quality.isPending ? (
        <Loading />
      ) : quality.isError ? (
        <ErrorBox error={quality.error} />
      ) : quality.data ? (
        <Quality quality={quality.data.body} />
      ) : null}
      {v.status === 'ready' && <DeidStartPanel versionId={v.id} files={v.files} canStart={canInspect} />}
      {v.status === 'ready' && v.tasks.profile?.status === 'done' && <Inspections versionId={v.id} canInspect={canInspect} />}
      {profile.data && (
        <section aria-labelledby="refinery-files-title">
          <h2 id="refinery-files-title" className="dd-panel-subtitle">
            {t('refinery.report.files')}
          </h2>
          {profile.data.body.files.map((f) => (
            <FileSection key={f.path} file={f} />
          ))}
        </section>
      )}
    </div>
  );
}
