// 개방·이용 Releases and access: find a release (by refinery dataset, or by its ID), a company's
// requests and grants, an agency's requests to decide and grants given, and a new release.
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useTitle } from '../../components/useTitle';
import { ErrorBox, formatDate, Loading } from '../census/common';
import { datasetsQuery } from '../refinery/refineryApi';
import { GrantsPanel, IncomingRequestsPanel, MyRequestsPanel } from './AccessPanels';
import { releaseTitle, ReleasesBreadcrumb, TierBadge, useMessages, useReleaseRoles } from './common';
import { CreateReleasePanel } from './CreateReleasePanel';
import { datasetReleasesQuery } from './releasesApi';

export function ReleasesHomePage() {
  const { t } = useTranslation();
  const m = useMessages();
  const title = t('modules.releases.full');
  useTitle(title);
  const roles = useReleaseRoles();

  return (
    <div className="inner dd-section">
      <ReleasesBreadcrumb trail={[]} />
      <div className="dd-page-head">
        <h1 className="dd-page-title">{title}</h1>
      </div>
      <p className="dd-body">{m.home.lead}</p>

      <FindRelease />
      {roles.consumer && <MyRequestsPanel />}
      {(roles.steward || roles.oversight) && <IncomingRequestsPanel />}
      {(roles.steward || roles.oversight) && <GrantsPanel />}
      {roles.steward && <CreateReleasePanel />}
    </div>
  );
}

function FindRelease() {
  const m = useMessages();
  const navigate = useNavigate();
  const datasets = useQuery(datasetsQuery);
  const [datasetId, setDatasetId] = useState('');
  const [releaseId, setReleaseId] = useState('');
  const chosen = datasetId || datasets.data?.[0]?.id || '';

  function onOpen(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const id = releaseId.trim().replace(/^.*\/releases\//, '');
    if (id) void navigate({ to: '/releases/$id', params: { id } });
  }

  return (
    <section className="dd-panel" aria-labelledby="rel-find-title">
      <h2 id="rel-find-title" className="dd-panel-subtitle dd-first">
        {m.home.find}
      </h2>
      {datasets.isPending ? (
        <Loading />
      ) : datasets.isError ? (
        <ErrorBox error={datasets.error} />
      ) : datasets.data.length === 0 ? null : (
        <>
          <div className="dd-rel-form">
            <label htmlFor="rel-dataset">{m.home.dataset}</label>
            <select id="rel-dataset" className="krds-form-select" value={chosen} onChange={(e) => setDatasetId(e.target.value)}>
              {datasets.data.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.title}
                </option>
              ))}
            </select>
          </div>
          {chosen && <DatasetReleases datasetId={chosen} />}
        </>
      )}
      <form className="dd-rel-form dd-rel-inline" onSubmit={onOpen}>
        <div>
          <label htmlFor="rel-by-id">{m.home.byId}</label>
          <input
            id="rel-by-id"
            className="krds-input"
            value={releaseId}
            onChange={(e) => setReleaseId(e.target.value)}
            aria-describedby="rel-by-id-hint"
          />
          <p className="form-hint" id="rel-by-id-hint">
            {m.home.byIdHint}
          </p>
        </div>
        <button type="submit" className="krds-btn secondary">
          {m.home.open}
        </button>
      </form>
    </section>
  );
}

function DatasetReleases({ datasetId }: { datasetId: string }) {
  const m = useMessages();
  const releases = useQuery(datasetReleasesQuery(datasetId));
  if (releases.isPending) return <Loading />;
  if (releases.isError) return <ErrorBox error={releases.error} />;
  if (releases.data.length === 0) return <p className="dd-muted">{m.home.noReleases}</p>;
  return (
    <div className="krds-table-wrap">
      <table className="tbl col data dd-table dd-rel-table">
        <caption className="sr-only">{m.home.releases}</caption>
        <thead>
          <tr>
            <th scope="col">{m.home.title}</th>
            <th scope="col">{m.home.semver}</th>
            <th scope="col">{m.home.tier}</th>
            <th scope="col">{m.home.licence}</th>
            <th scope="col">{m.home.createdAt}</th>
          </tr>
        </thead>
        <tbody>
          {releases.data.map((r) => {
            const { main, other } = releaseTitle(r);
            return (
              <tr key={r.id} data-release={r.id}>
                <td>
                  <Link to="/releases/$id" params={{ id: r.id }}>
                    {main}
                  </Link>
                  {other && <span className="dd-muted dd-ev-sub">{other}</span>}
                </td>
                <td>{r.semver}</td>
                <td>
                  <TierBadge tier={r.tier} />
                </td>
                <td>{r.licence}</td>
                <td>
                  {formatDate(r.createdAt)}
                  {r.withdrawnAt && <span className="dd-ev-sub">{m.home.withdrawn}</span>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
