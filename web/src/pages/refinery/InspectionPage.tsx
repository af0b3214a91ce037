// A sampling inspection: its plan (n, Ac, Re), the sampled records one at a time with pass/fail
// buttons and a note, progress, and once every record is judged the result: lot accepted or
// rejected, and the accuracy with its confidence intervals.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTitle } from '../../components/useTitle';
import { sessionQuery } from '../../session';
import { ErrorBox, Loading } from '../census/common';
import { percent, RefineryBreadcrumb } from './common';
import { datasetQuery, decideItem, inspectionQuery, refineryKeys, versionQuery, type Inspection } from './refineryApi';

function Result({ inspection }: { inspection: Inspection }) {
  const { t } = useTranslation();
  const r = inspection.result;
  if (!r) return null;
  return (
    <section className="dd-panel dd-inspection-result" aria-labelledby="inspection-result-title">
      <h2 id="inspection-result-title" className="dd-panel-subtitle dd-first">
        {t('refinery.inspection.result')}
      </h2>
      <p>
        <span className={`krds-badge large ${r.lotAccepted ? 'bg-light-success' : 'bg-light-danger'}`} data-result={inspection.status}>
          {r.lotAccepted ? t('refinery.inspection.accepted') : t('refinery.inspection.rejected')}
        </span>
      </p>
      <p>
        {t('refinery.inspection.accuracy', {
          accuracy: percent(r.accuracy),
          lower: percent(r.clopperPearson.lower),
          upper: percent(r.clopperPearson.upper),
          confidence: Math.round(r.confidence * 100),
        })}
      </p>
      <p className="dd-muted">{t('refinery.inspection.wilson', { lower: percent(r.wilson.lower), upper: percent(r.wilson.upper) })}</p>
    </section>
  );
}

export function InspectionPage() {
  const { t } = useTranslation();
  const { id } = useParams({ from: '/refinery/inspections/$id' });
  const queryClient = useQueryClient();
  const inspection = useQuery(inspectionQuery(id));
  const versionId = inspection.data?.versionId;
  const version = useQuery({ ...versionQuery(versionId ?? ''), enabled: versionId !== undefined });
  const dataset = useQuery({ ...datasetQuery(version.data?.datasetId ?? ''), enabled: version.data !== undefined });
  const session = useQuery(sessionQuery).data;
  const canJudge = (session?.memberships ?? []).some(
    (m) => m.role === 'operator' || ((m.role === 'steward' || m.role === 'org_admin') && m.orgId === dataset.data?.orgId),
  );
  useTitle(t('refinery.inspection.title'));
  const [current, setCurrent] = useState<number | null>(null);
  const [note, setNote] = useState('');

  const decide = useMutation({
    mutationFn: ({ no, verdict }: { no: number; verdict: 'pass' | 'fail' }) => decideItem(id, no, verdict, note),
    onSuccess: (updated, { no }) => {
      queryClient.setQueryData(refineryKeys.inspection(id), updated);
      setNote('');
      const next = updated.items.find((i) => i.verdict === null && i.no > no) ?? updated.items.find((i) => i.verdict === null);
      setCurrent(next ? next.no : null);
      if (updated.status !== 'open') void queryClient.invalidateQueries({ queryKey: refineryKeys.inspections(updated.versionId) });
    },
  });

  if (inspection.isPending) return <Loading />;
  if (inspection.isError) return <ErrorBox error={inspection.error} />;
  const data = inspection.data;
  const open = data.status === 'open';
  const firstUndecided = data.items.find((i) => i.verdict === null)?.no ?? data.items[0]?.no ?? 1;
  const shown = data.items.find((i) => i.no === (current ?? firstUndecided));

  return (
    <div className="inner dd-section">
      <RefineryBreadcrumb
        trail={[
          ...(dataset.data ? [{ label: dataset.data.title, to: '/refinery/datasets/$id', params: { id: dataset.data.id } }] : []),
          ...(version.data ? [{ label: `v${version.data.number}`, to: '/refinery/versions/$id', params: { id: version.data.id } }] : []),
          { label: t('refinery.inspection.title') },
        ]}
      />
      <div className="dd-page-head">
        <h1 className="dd-page-title">{t('refinery.inspection.title')}</h1>
        <span className="krds-badge large bg-light-gray">{t(`refinery.inspection.status.${data.status}`)}</span>
      </div>
      <section className="dd-panel" aria-labelledby="inspection-plan-title">
        <h2 id="inspection-plan-title" className="dd-panel-subtitle dd-first">
          {t('refinery.inspection.plan')}
        </h2>
        <dl className="dd-plan">
          <div>
            <dt>{t('refinery.inspection.lot')}</dt>
            <dd>{data.lotSize}</dd>
          </div>
          <div>
            <dt>AQL</dt>
            <dd>{data.aql}%</dd>
          </div>
          <div>
            <dt>{t('refinery.inspection.sampleSize')}</dt>
            <dd data-plan="n">{data.plan.sampleSize}</dd>
          </div>
          <div>
            <dt>{t('refinery.inspection.acceptance')}</dt>
            <dd data-plan="ac">{data.plan.acceptance}</dd>
          </div>
          <div>
            <dt>{t('refinery.inspection.rejection')}</dt>
            <dd data-plan="re">{data.plan.rejection}</dd>
          </div>
        </dl>
        <p>
          <label htmlFor="inspection-progress">
            {t('refinery.inspection.progress', { decided: data.decided, total: data.items.length })}
          </label>{' '}
          <progress id="inspection-progress" max={data.items.length} value={data.decided} />
        </p>
        <p className="dd-muted">{t('refinery.inspection.counts', { passed: data.passed, failed: data.failed })}</p>
      </section>

      <Result inspection={data} />

      {shown && (
        <section className="dd-panel dd-inspection-item" aria-labelledby="inspection-item-title">
          <h2 id="inspection-item-title" className="dd-panel-subtitle dd-first">
            {t('refinery.inspection.item', { no: shown.no, total: data.items.length })}
          </h2>
          <p className="dd-muted">
            {shown.file}
            {shown.row !== null && ` · ${t('refinery.report.row', { row: shown.row })}`}
            {shown.verdict && (
              <>
                {' · '}
                <span className={`krds-badge ${shown.verdict === 'pass' ? 'bg-light-success' : 'bg-light-danger'}`}>
                  {shown.verdict === 'pass' ? t('refinery.report.pass') : t('refinery.report.fail')}
                </span>
              </>
            )}
          </p>
          <div className="krds-table-wrap">
            <table className="tbl col data dd-table dd-record">
              <caption className="sr-only">{t('refinery.inspection.record')}</caption>
              <tbody>
                {Object.entries(shown.record).map(([key, value]) => (
                  <tr key={key}>
                    <th scope="row">{key}</th>
                    <td>{value ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {open && canJudge && (
            <>
              <div className="form-group">
                <div className="form-tit">
                  <label htmlFor="inspection-note">{t('refinery.inspection.note')}</label>
                </div>
                <div className="form-conts">
                  <input id="inspection-note" className="krds-input" value={note} onChange={(e) => setNote(e.target.value)} />
                </div>
              </div>
              {decide.isError && <ErrorBox error={decide.error} />}
              <p className="dd-actions">
                <button
                  type="button"
                  className="krds-btn primary"
                  disabled={decide.isPending}
                  onClick={() => decide.mutate({ no: shown.no, verdict: 'pass' })}
                >
                  {t('refinery.inspection.pass')}
                </button>{' '}
                <button
                  type="button"
                  className="krds-btn secondary"
                  disabled={decide.isPending}
                  onClick={() => decide.mutate({ no: shown.no, verdict: 'fail' })}
                >
                  {t('refinery.inspection.fail')}
                </button>
              </p>
            </>
          )}
          <nav aria-label={t('refinery.inspection.items')}>
            <ol className="dd-inspection-items">
              {data.items.map((i) => (
                <li key={i.no}>
                  <button
                    type="button"
                    className={`krds-btn small ${i.no === shown.no ? 'primary' : 'text'}`}
                    aria-current={i.no === shown.no ? 'true' : undefined}
                    onClick={() => setCurrent(i.no)}
                  >
                    {i.no}
                    {i.verdict === 'pass' ? ' ✓' : i.verdict === 'fail' ? ' ✗' : ''}
                  </button>
                </li>
              ))}
            </ol>
          </nav>
        </section>
      )}
      {version.data && (
        <p>
          <Link to="/refinery/versions/$id" params={{ id: version.data.id }}>
            {t('refinery.inspection.backToReport')}
          </Link>
        </p>
      )}
    </div>
  );
}
