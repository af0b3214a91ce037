// The census dashboard (operator, auditor): the response rate of a campaign (or of all of them)
// with the agencies that have and have not answered, and what the entries cover by domain,
// modality, readiness and scope of provision. Each chart has the same numbers as a table.
import { useQuery } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useTitle } from '../../components/useTitle';
import { currentLanguage } from '../../i18n';
import {
  campaignsQuery,
  COVERAGE_KEYS,
  dashboardQuery,
  formQuery,
  type CoverageBucket,
  type CoverageKey,
  type Dashboard,
  type FormDefinition,
} from './censusApi';
import { CensusBreadcrumb, ErrorBox, formatDate, formatNumber, Loading, useOrgName } from './common';
import { label } from './formModel';

const BAR_COLOR = '#256ef4';

export function DashboardPage() {
  const { t } = useTranslation();
  useTitle(t('census.dashboard.title'));
  const search = useSearch({ from: '/census/dashboard' });
  const navigate = useNavigate({ from: '/census/dashboard' });
  const campaigns = useQuery(campaignsQuery);
  const dashboard = useQuery(dashboardQuery(search.campaign));
  const definition = useQuery(formQuery);

  return (
    <div className="inner dd-section">
      <CensusBreadcrumb trail={[{ label: t('census.dashboard.title') }]} />
      <div className="dd-page-head dd-head-split">
        <h1 className="dd-page-title">{t('census.dashboard.title')}</h1>
        <div className="form-group dd-inline-select">
          <div className="form-tit">
            <label htmlFor="dashboard-campaign">{t('census.dashboard.campaign')}</label>
          </div>
          <div className="form-conts">
            <select
              id="dashboard-campaign"
              className="krds-form-select"
              value={search.campaign ?? ''}
              onChange={(e) =>
                void navigate({ search: e.target.value ? { campaign: e.target.value } : {}, replace: true, state: { keepFocus: true } })
              }
            >
              <option value="">{t('census.dashboard.allCampaigns')}</option>
              {(campaigns.data ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.title}
                </option>
              ))}
            </select>
          </div>
        </div>
      </div>

      {dashboard.isPending ? (
        <Loading />
      ) : dashboard.isError ? (
        <ErrorBox error={dashboard.error} />
      ) : (
        <DashboardBody data={dashboard.data} definition={definition.data} />
      )}
    </div>
  );
}

function DashboardBody({ data, definition }: { data: Dashboard; definition: FormDefinition | undefined }) {
  const { t } = useTranslation();
  const orgName = useOrgName();
  const { targets, responded } = data.responseRate;
  const pct = targets > 0 ? Math.round((responded / targets) * 1000) / 10 : 0;
  return (
    <>
      {data.campaign && (
        <p className="dd-body dd-dashboard-campaign">
          {t('census.dashboard.campaignLine', { title: data.campaign.title, deadline: formatDate(data.campaign.deadline) })}
        </p>
      )}
      <dl className="dd-kpis">
        <div className="dd-kpi dd-kpi-main">
          <dt>{t('census.dashboard.responseRate')}</dt>
          <dd>
            <strong className="dd-kpi-value" data-testid="response-rate">
              {t('census.dashboard.percent', { value: pct.toLocaleString(currentLanguage() === 'ko' ? 'ko-KR' : 'en-GB') })}
            </strong>
            <span className="dd-kpi-sub">
              {t('census.dashboard.respondedOf', { responded: formatNumber(responded), targets: formatNumber(targets) })}
            </span>
            <span className="dd-meter dd-meter-large" aria-hidden="true">
              <span className="dd-meter-fill" style={{ width: `${Math.min(100, pct)}%` }} />
            </span>
          </dd>
        </div>
        <div className="dd-kpi">
          <dt>{t('census.dashboard.totalEntries')}</dt>
          <dd>
            <strong className="dd-kpi-value" data-testid="total-entries">
              {formatNumber(data.totals.entries)}
            </strong>
          </dd>
        </div>
        <div className="dd-kpi">
          <dt>{t('census.dashboard.acceptedEntries')}</dt>
          <dd>
            <strong className="dd-kpi-value" data-testid="accepted-entries">
              {formatNumber(data.totals.accepted)}
            </strong>
          </dd>
        </div>
      </dl>

      <section aria-labelledby="per-agency-title">
        <h2 id="per-agency-title" className="dd-subtitle">
          {t('census.dashboard.perAgency')}
        </h2>
        {data.perAgency.length === 0 ? (
          <p className="dd-empty">{t('census.dashboard.noAgencies')}</p>
        ) : (
          <div className="krds-table-wrap">
            <table className="tbl col data dd-table dd-num-table" id="per-agency">
              <caption className="sr-only">{t('census.dashboard.perAgencyCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('census.entries.agency')}</th>
                  <th scope="col">{t('census.dashboard.responded')}</th>
                  <th scope="col">{t('census.status.draft')}</th>
                  <th scope="col">{t('census.status.submitted')}</th>
                  <th scope="col">{t('census.status.returned')}</th>
                  <th scope="col">{t('census.status.accepted')}</th>
                </tr>
              </thead>
              <tbody>
                {data.perAgency.map((row) => (
                  <tr key={row.orgId}>
                    <th scope="row">{orgName(row.orgId, row.orgName)}</th>
                    <td>
                      {row.responded ? (
                        <span className="krds-badge bg-light-success">{t('census.dashboard.yes')}</span>
                      ) : (
                        <span className="krds-badge bg-light-gray">{t('census.dashboard.no')}</span>
                      )}
                    </td>
                    <td>{formatNumber(row.draft)}</td>
                    <td>{formatNumber(row.submitted)}</td>
                    <td>{formatNumber(row.returned)}</td>
                    <td>{formatNumber(row.accepted)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="coverage-title">
        <h2 id="coverage-title" className="dd-subtitle">
          {t('census.dashboard.coverage')}
        </h2>
        <p className="dd-muted dd-coverage-note">{t('census.dashboard.coverageNote')}</p>
        <div className="dd-charts">
          {COVERAGE_KEYS.map((key) => (
            <CoverageChart key={key} coverageKey={key} buckets={data.coverage[key] ?? []} definition={definition} />
          ))}
        </div>
      </section>
    </>
  );
}

function useCoverageLabel(definition: FormDefinition | undefined) {
  const { t } = useTranslation();
  const lang = currentLanguage();
  return (key: CoverageKey, value: string) => {
    if (!value) return t('census.dashboard.unspecified');
    const choices = key === 'domain' ? definition?.domains : definition?.fields.find((f) => f.key === key)?.choices;
    const found = choices?.find((c) => c.value === value);
    return found ? label(found.labels, lang) : value;
  };
}

function CoverageChart({
  coverageKey,
  buckets,
  definition,
}: {
  coverageKey: CoverageKey;
  buckets: CoverageBucket[];
  definition: FormDefinition | undefined;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [showTable, setShowTable] = useState(false);
  const labelOf = useCoverageLabel(definition);
  const rows = [...buckets]
    .sort((a, b) => b.count - a.count)
    .map((b) => ({ key: b.key, name: labelOf(coverageKey, b.key), count: b.count }));
  const title = t(`census.dashboard.by.${coverageKey}`);
  const height = Math.max(120, rows.length * 36 + 40);
  const tableId = `${id}-table`;
  return (
    <figure className="dd-chart" aria-labelledby={`${id}-title`} data-coverage={coverageKey}>
      <div className="dd-chart-head">
        <figcaption id={`${id}-title`} className="dd-chart-title">
          {title}
        </figcaption>
        {rows.length > 0 && (
          <button
            type="button"
            className="krds-btn text small"
            aria-expanded={showTable}
            aria-controls={tableId}
            onClick={() => setShowTable((v) => !v)}
          >
            {showTable ? t('census.dashboard.showChart') : t('census.dashboard.showTable')}
          </button>
        )}
      </div>
      {rows.length === 0 ? (
        <p className="dd-empty">{t('census.dashboard.noData')}</p>
      ) : (
        <>
          {!showTable && (
            <div className="dd-chart-canvas" aria-hidden="true">
              <ResponsiveContainer width="100%" height={height}>
                <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 40, bottom: 4, left: 8 }} accessibilityLayer={false}>
                  <CartesianGrid horizontal={false} stroke="#e6e8ea" />
                  <XAxis type="number" allowDecimals={false} tick={{ fontSize: 13, fill: '#58616a' }} />
                  <YAxis type="category" dataKey="name" width={150} tick={{ fontSize: 14, fill: '#33363d' }} interval={0} />
                  <Tooltip formatter={(value) => [formatNumber(Number(value)), t('census.dashboard.count')]} cursor={{ fill: '#eef2fe' }} />
                  <Bar dataKey="count" fill={BAR_COLOR} radius={[0, 4, 4, 0]} maxBarSize={24} isAnimationActive={false}>
                    <LabelList dataKey="count" position="right" style={{ fontSize: 13, fill: '#1e2124' }} />
                  </Bar>
                </BarChart>
              </ResponsiveContainer>
            </div>
          )}
          <div className={showTable ? 'krds-table-wrap' : 'sr-only'} id={tableId}>
            <table className="tbl col data dd-table dd-num-table">
              <caption className="sr-only">{t('census.dashboard.tableCaption', { title })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t(`census.dashboard.keyHeader.${coverageKey}`)}</th>
                  <th scope="col">{t('census.dashboard.count')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.key}>
                    <th scope="row">{row.name}</th>
                    <td>{formatNumber(row.count)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </figure>
  );
}
