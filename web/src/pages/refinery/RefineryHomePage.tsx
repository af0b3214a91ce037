// The refinery's front page: the datasets the signed-in person may see, and a form to start one
// (for an organisation's stewards; the server says no to anyone else).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useTitle } from '../../components/useTitle';
import { sessionQuery } from '../../session';
import { ErrorBox, formatDateTime, Loading, useOrgName } from '../census/common';
import { RefineryBreadcrumb } from './common';
import { createDataset, datasetsQuery, refineryKeys } from './refineryApi';

export function RefineryHomePage() {
  const { t } = useTranslation();
  useTitle(t('modules.refinery.full'));
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const session = useQuery(sessionQuery).data;
  const orgName = useOrgName();
  const datasets = useQuery(datasetsQuery);
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string | null>(null);
  const canCreate = (session?.memberships ?? []).some((m) => m.role === 'steward' || m.role === 'operator' || m.role === 'org_admin');

  const create = useMutation({
    mutationFn: (value: string) => createDataset(value),
    onSuccess: async (dataset) => {
      await queryClient.invalidateQueries({ queryKey: refineryKeys.datasets });
      await navigate({ to: '/refinery/datasets/$id', params: { id: dataset.id } });
    },
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (title.trim() === '') {
      setError(t('refinery.home.titleRequired'));
      return;
    }
    setError(null);
    create.mutate(title.trim());
  }

  const memberOrg = (orgId: string) => session?.memberships.find((m) => m.orgId === orgId);

  return (
    <div className="inner dd-section">
      <RefineryBreadcrumb trail={[]} />
      <div className="dd-page-head">
        <h1 className="dd-page-title">{t('modules.refinery.full')}</h1>
      </div>
      <p className="dd-body">{t('refinery.home.lead')}</p>

      <section className="dd-panel" aria-labelledby="refinery-datasets-title">
        <h2 id="refinery-datasets-title" className="dd-panel-subtitle dd-first">
          {t('refinery.home.datasets')}
        </h2>
        {datasets.isPending ? (
          <Loading />
        ) : datasets.isError ? (
          <ErrorBox error={datasets.error} />
        ) : datasets.data.length === 0 ? (
          <p className="dd-muted">{t('refinery.home.empty')}</p>
        ) : (
          <div className="krds-table-wrap">
            <table className="tbl col data dd-table">
              <caption className="sr-only">{t('refinery.home.datasets')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('refinery.home.title')}</th>
                  <th scope="col">{t('refinery.home.org')}</th>
                  <th scope="col">{t('refinery.home.createdAt')}</th>
                </tr>
              </thead>
              <tbody>
                {datasets.data.map((d) => {
                  const m = memberOrg(d.orgId);
                  return (
                    <tr key={d.id}>
                      <td>
                        <Link to="/refinery/datasets/$id" params={{ id: d.id }}>
                          {d.title}
                        </Link>
                      </td>
                      <td>{m ? orgName(m.orgId, m.orgName) : d.orgId}</td>
                      <td>{formatDateTime(d.createdAt)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {canCreate && (
        <section className="dd-panel" aria-labelledby="refinery-new-title">
          <h2 id="refinery-new-title" className="dd-panel-subtitle dd-first">
            {t('refinery.home.new')}
          </h2>
          <form onSubmit={onSubmit} noValidate>
            <div className="form-group">
              <div className="form-tit">
                <label htmlFor="refinery-new-name">{t('refinery.home.title')}</label>
              </div>
              <div className="form-conts">
                <input
                  id="refinery-new-name"
                  className="krds-input"
                  value={title}
                  onChange={(e) => setTitle(e.target.value)}
                  aria-invalid={error ? true : undefined}
                  aria-describedby={error ? 'refinery-new-error' : undefined}
                />
              </div>
              {error && (
                <p className="form-hint-invalid" id="refinery-new-error">
                  {error}
                </p>
              )}
            </div>
            {create.isError && <ErrorBox error={create.error} />}
            <button type="submit" className="krds-btn primary" disabled={create.isPending}>
              {t('refinery.home.create')}
            </button>
          </form>
        </section>
      )}
    </div>
  );
}
