// One dataset of the data map: its names in both languages, its agency, what it is, every field of
// its census form with the form's labels, how it may be accessed, its lineage (census entry →
// releases), the quality summary and sample rows of its newest release when there are any, its
// history (for those who may read it), its machine-readable metadata (Croissant, DCAT) and
// related datasets.
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import ko from '../../i18n/ko.json';
import { useTitle } from '../../components/useTitle';
import { currentLanguage } from '../../i18n';
import { formQuery, formValue, type FormDefinition, type FormField } from '../census/censusApi';
import { ErrorBox, formatDate, formatNumber, Loading } from '../census/common';
import { History } from '../census/EntryPage';
import { fmt } from '../evaluation/strings';
import { groupFields, label } from '../census/formModel';
import { datasetQuery, type Dataset } from './catalogApi';
import { DataMapBreadcrumb } from './common';
import { useMessages } from './strings';

type TierKey = keyof typeof ko.datamap.tiers;
const isTier = (code: string): code is TierKey => Object.hasOwn(ko.datamap.tiers, code);
const TIER_CLASS: Record<TierKey, string> = {
  open: 'bg-light-success',
  conditional: 'bg-light-information',
  safe_zone: 'bg-light-warning',
  not_providable: 'bg-light-danger',
};

export function DatasetPage() {
  const { t } = useTranslation();
  const { id } = useParams({ from: '/datasets/$id' });
  const dataset = useQuery(datasetQuery(id));
  const definition = useQuery(formQuery);
  const lang = currentLanguage();
  const title = dataset.data ? (lang === 'en' && dataset.data.titleEn) || dataset.data.title : t('datamap.dataset.title');
  useTitle(title);

  return (
    <div className="inner dd-section">
      <DataMapBreadcrumb current={dataset.data ? title : t('datamap.dataset.title')} />
      {dataset.isPending ? (
        <Loading />
      ) : dataset.isError ? (
        <>
          <div className="dd-page-head">
            <h1 className="dd-page-title">{t('datamap.dataset.title')}</h1>
          </div>
          <ErrorBox error={dataset.error} />
          <div className="dd-actions">
            <Link to="/datamap" className="krds-btn secondary medium">
              {t('datamap.dataset.back')}
            </Link>
          </div>
        </>
      ) : (
        <DatasetView dataset={dataset.data} definition={definition.data} />
      )}
    </div>
  );
}

function DatasetView({ dataset: d, definition }: { dataset: Dataset; definition: FormDefinition | undefined }) {
  const { t } = useTranslation();
  const lang = currentLanguage();
  const agencyName = lang === 'en' && d.agency.nameEn ? d.agency.nameEn : d.agency.name;
  const description = (lang === 'en' && d.descriptionEn) || d.description;
  const other = lang === 'en' ? d.title : d.titleEn;
  const otherLang = lang === 'en' ? 'ko' : 'en';
  return (
    <>
      <div className="dd-page-head dd-dataset-head">
        <h1 className="dd-page-title">{(lang === 'en' && d.titleEn) || d.title}</h1>
        <AccessTier tier={d.accessTier} />
      </div>
      {other && other !== ((lang === 'en' && d.titleEn) || d.title) && (
        <p className="dd-dataset-alt" lang={otherLang}>
          {other}
        </p>
      )}
      <p className="dd-dataset-agency">
        <strong>{t('datamap.agency')}</strong> {agencyName}
      </p>
      {description && <p className="dd-body dd-dataset-description">{description}</p>}

      <section className="dd-block-section" aria-labelledby="dataset-fields">
        <h2 id="dataset-fields" className="dd-subtitle">
          {t('datamap.dataset.fields')}
        </h2>
        {definition ? (
          groupFields(definition).map((group) => (
            <div key={group.key} className="dd-dataset-group">
              <h3 className="dd-panel-subtitle">{t(`census.groups.${group.key}`)}</h3>
              <dl className="dd-dataset-fields">
                {group.fields.map((field) => (
                  <div key={field.key}>
                    <dt>{label(field.labels, lang)}</dt>
                    <dd>
                      {fieldValue(field, formValue(d.form, field.key), lang) || (
                        <span className="dd-muted">{t('datamap.dataset.none')}</span>
                      )}
                    </dd>
                  </div>
                ))}
              </dl>
            </div>
          ))
        ) : (
          <Loading />
        )}
      </section>

      <Lineage dataset={d} />
      <QualitySummary quality={d.quality} />
      <Samples samples={d.samples} />
      {d.history && definition && <History definition={definition} entryId={d.id} />}

      <section className="dd-block-section" aria-labelledby="dataset-metadata">
        <h2 id="dataset-metadata" className="dd-subtitle">
          {t('datamap.dataset.metadata')}
        </h2>
        {d.metadata.croissantUrl || d.metadata.dcatUrl ? (
          <ul className="dd-dataset-links">
            {d.metadata.croissantUrl && (
              <li>
                <a href={d.metadata.croissantUrl} className="krds-btn secondary medium" type="application/ld+json">
                  {t('datamap.dataset.croissant')}
                </a>
              </li>
            )}
            {d.metadata.dcatUrl && (
              <li>
                <a href={d.metadata.dcatUrl} className="krds-btn secondary medium">
                  {t('datamap.dataset.dcat')}
                </a>
              </li>
            )}
          </ul>
        ) : (
          <p className="dd-empty">{t('datamap.dataset.noMetadata')}</p>
        )}
      </section>

      <section className="dd-block-section" aria-labelledby="dataset-related">
        <h2 id="dataset-related" className="dd-subtitle">
          {t('datamap.dataset.related')}
        </h2>
        {d.related.length === 0 ? (
          <p className="dd-empty">{t('datamap.dataset.noRelated')}</p>
        ) : (
          <ul className="dd-dataset-related">
            {d.related.map((r) => (
              <li key={r.id}>
                <Link to="/datasets/$id" params={{ id: r.id }}>
                  {r.title}
                </Link>{' '}
                <span className="dd-muted">{r.agency}</span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <div className="dd-actions">
        <Link to="/datamap" className="krds-btn secondary medium">
          {t('datamap.dataset.back')}
        </Link>
      </div>
    </>
  );
}

function Lineage({ dataset: d }: { dataset: Dataset }) {
  const { t } = useTranslation();
  const m = useMessages();
  const releases = d.lineage.releases;
  return (
    <section className="dd-block-section" aria-labelledby="dataset-lineage" data-section="lineage">
      <h2 id="dataset-lineage" className="dd-subtitle">
        {m.lineage.title}
      </h2>
      <p className="dd-body">{m.lineage.lead}</p>
      {releases.length === 0 ? (
        <p className="dd-empty">{m.lineage.none}</p>
      ) : (
        <div className="krds-table-wrap">
          <table className="tbl col data dd-table">
            <caption className="sr-only">{m.lineage.caption}</caption>
            <thead>
              <tr>
                <th scope="col">{m.lineage.version}</th>
                <th scope="col">{m.lineage.tier}</th>
                <th scope="col">{m.lineage.date}</th>
              </tr>
            </thead>
            <tbody>
              {releases.map((r) => (
                <tr key={r.id} data-release={r.id}>
                  <td>
                    <Link to="/releases/$id" params={{ id: r.id }}>
                      {fmt(m.lineage.release, { semver: r.semver })}
                    </Link>
                    {r.withdrawnAt && <span className="krds-badge bg-light-gray"> {m.lineage.withdrawn}</span>}
                  </td>
                  <td>{isTier(r.tier) ? t(`datamap.tiers.${r.tier}`) : r.tier}</td>
                  <td className="dd-nowrap">{formatDate(r.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function QualitySummary({ quality }: { quality: Dataset['quality'] }) {
  const m = useMessages();
  const lang = currentLanguage();
  return (
    <section className="dd-block-section" aria-labelledby="dataset-quality" data-section="quality">
      <h2 id="dataset-quality" className="dd-subtitle">
        {m.quality.title}
      </h2>
      {!quality ? (
        <p className="dd-empty">{m.quality.none}</p>
      ) : (
        <>
          <p className="dd-body">
            {fmt(m.quality.lead, { semver: quality.semver })}
            {quality.records !== null && <> {fmt(m.quality.records, { records: formatNumber(quality.records) })}</>}
          </p>
          <div className="krds-table-wrap">
            <table className="tbl col data dd-table">
              <caption className="sr-only">{m.quality.caption}</caption>
              <thead>
                <tr>
                  <th scope="col">{m.quality.indicator}</th>
                  <th scope="col">{m.quality.value}</th>
                </tr>
              </thead>
              <tbody>
                {quality.indicators.map((i) => (
                  <tr key={i.id} data-indicator={i.id}>
                    <td>{label(i.name, lang)}</td>
                    <td>
                      {i.value === null ? <span className="dd-muted">{m.quality.notMeasured}</span> : `${(i.value * 100).toFixed(1)}%`}
                    </td>
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

function Samples({ samples }: { samples: Dataset['samples'] }) {
  const m = useMessages();
  const cell = (value: unknown) =>
    value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value as string);
  return (
    <section className="dd-block-section" aria-labelledby="dataset-samples" data-section="samples">
      <h2 id="dataset-samples" className="dd-subtitle">
        {m.samples.title}
      </h2>
      {!samples ? (
        <p className="dd-empty">{m.samples.none}</p>
      ) : (
        <>
          <p className="dd-body">{fmt(m.samples.lead, { semver: samples.semver, path: samples.path, rows: samples.rows.length })}</p>
          <div className="krds-table-wrap">
            <table className="tbl col data dd-table">
              <caption className="sr-only">{m.samples.caption}</caption>
              <thead>
                <tr>
                  {samples.columns.map((c) => (
                    <th key={c.name} scope="col">
                      {c.name}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {samples.rows.map((row, i) => (
                  <tr key={i}>
                    {samples.columns.map((c) => (
                      <td key={c.name}>{cell(row[c.name])}</td>
                    ))}
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

function AccessTier({ tier }: { tier: Dataset['accessTier'] }) {
  const { t } = useTranslation();
  if (!tier) return null;
  const scope = tier.scope;
  const name = label(tier.labels, currentLanguage());
  return (
    <span className={`krds-badge large ${isTier(scope) ? TIER_CLASS[scope] : 'bg-light-gray'}`}>
      {t('datamap.dataset.tier')}: {name}
    </span>
  );
}

/** A stored value as words: choices by their labels, lists joined, numbers and dates formatted. */
function fieldValue(field: FormField, raw: unknown, lang: 'ko' | 'en'): string {
  if (raw === null || raw === undefined || raw === '') return '';
  const choice = (value: unknown) => {
    const found = field.choices?.find((c) => c.value === value);
    return found ? label(found.labels, lang) : String(value);
  };
  if (Array.isArray(raw)) return raw.map((v) => (field.choices ? choice(v) : String(v))).join(', ');
  if (field.choices) return choice(raw);
  if (field.type === 'number' && typeof raw === 'number') return formatNumber(raw);
  if (field.type === 'date' && typeof raw === 'string') return formatDate(raw);
  return typeof raw === 'object' ? JSON.stringify(raw) : String(raw as string | number | boolean);
}
