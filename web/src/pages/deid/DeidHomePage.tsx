// The de-identification module's page: the runs the user may see (their organisations', or every
// one for the operator and auditors), newest first, followed while any is running.
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { Breadcrumb } from '../../components/Breadcrumb';
import { useTitle } from '../../components/useTitle';
import { ErrorBox, formatDateTime, formatNumber, Loading } from '../census/common';
import { running, runsQuery, type DeidRunStatus } from './deidApi';

const STATUS_CLASS: Record<DeidRunStatus, string> = {
  queued: 'bg-light-gray',
  running: 'bg-light-information',
  done: 'bg-light-success',
  failed: 'bg-light-danger',
};

export function DeidStatusBadge({ status }: { status: DeidRunStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`krds-badge ${STATUS_CLASS[status]} dd-status`} data-run-status={status}>
      {t(`deid.status.${status}`)}
    </span>
  );
}

export function DeidHomePage() {
  const { t } = useTranslation();
  const title = t('modules.deid.full');
  useTitle(title);
  const runs = useQuery({ ...runsQuery(), refetchInterval: (q) => (q.state.data?.some(running) ? 1000 : false) });
  return (
    <div className="inner dd-section">
      <Breadcrumb trail={[{ label: t('modules.deid.title') }]} />
      <div className="dd-page-head">
        <h1 className="dd-page-title">{title}</h1>
      </div>
      <p className="dd-body">{t('deid.home.lead')}</p>
      {runs.isPending ? (
        <Loading />
      ) : runs.isError ? (
        <ErrorBox error={runs.error} />
      ) : runs.data.length === 0 ? (
        <p className="dd-muted">{t('deid.home.empty')}</p>
      ) : (
        <div className="krds-table-wrap">
          <table className="tbl col data dd-table">
            <caption className="sr-only">{t('deid.home.runs')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('deid.home.started')}</th>
                <th scope="col">{t('deid.home.dataset')}</th>
                <th scope="col">{t('deid.home.status')}</th>
                <th scope="col">{t('deid.home.records')}</th>
                <th scope="col">{t('deid.home.output')}</th>
              </tr>
            </thead>
            <tbody>
              {runs.data.map((run) => (
                <tr key={run.id} data-run={run.id}>
                  <td>
                    <Link to="/deid/runs/$id" params={{ id: run.id }}>
                      {formatDateTime(run.createdAt)}
                    </Link>
                  </td>
                  <td>
                    {run.datasetTitle ?? '—'} {run.versionNumber !== null && <span className="dd-muted">v{run.versionNumber}</span>}
                  </td>
                  <td>
                    <DeidStatusBadge status={run.status} />
                  </td>
                  <td>{run.progress ? formatNumber(run.progress.records) : '—'}</td>
                  <td>
                    {run.outputVersionId ? (
                      <Link to="/refinery/versions/$id" params={{ id: run.outputVersionId }}>
                        v{run.outputVersionNumber}
                      </Link>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
