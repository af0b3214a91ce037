/**
 * schema.org `Dataset` JSON-LD for the public dataset page, the form Google Dataset Search and
 * other crawlers read. Pure; `jsonLdScriptTag` embeds it in HTML safely.
 */
import { MODALITY, PROVISION_SCOPE } from '../../census/census.form.js';
import { licenceUrl } from './licence.js';
import { temporalInterval } from './temporal.js';
import type { CatalogDataset, CatalogPublisher, LangText } from './types.js';

export type JsonObject = { [key: string]: unknown };

/** Text in the page's language, falling back to Korean. */
export function pick(t: LangText, lang: 'ko' | 'en'): string {
  return lang === 'en' && t.en ? t.en : t.ko;
}

function organization(p: CatalogPublisher, lang: 'ko' | 'en'): JsonObject {
  const name = lang === 'en' && p.nameEn ? p.nameEn : p.name;
  const other = name === p.name ? p.nameEn : p.name;
  return {
    '@type': 'Organization',
    name,
    ...(other ? { alternateName: other } : {}),
    ...(p.url ? { url: p.url } : {}),
    ...(p.code ? { identifier: p.code } : {}),
  };
}

/**
 * A schema.org `Dataset` for a dataset page in Korean or English (Google's required and
 * recommended properties). The description is used as written; see `schemaOrgWarnings`.
 *
 * @example schemaOrgDataset(d, { lang: 'ko' }) // { '@context': 'https://schema.org/', '@type': 'Dataset', name: '…', … }
 */
export function schemaOrgDataset(d: CatalogDataset, opts: { lang: 'ko' | 'en' }): JsonObject {
  const { lang } = opts;
  const name = pick(d.title, lang);
  const otherName = lang === 'en' ? (d.title.en ? d.title.ko : undefined) : d.title.en;
  const licence = licenceUrl(d.licence) ?? d.licence;
  const keywords = [...new Set([...d.keywords, d.domain.labels[lang], MODALITY.labels[d.modality][lang]])];
  const org = organization(d.publisher, lang);
  return {
    '@context': 'https://schema.org/',
    '@type': 'Dataset',
    '@id': d.url,
    name,
    ...(otherName ? { alternateName: otherName } : {}),
    description: pick(d.description, lang),
    url: d.url,
    identifier: d.id,
    keywords,
    creator: org,
    publisher: org,
    ...(licence ? { license: licence } : {}),
    ...(d.temporal && temporalInterval(d.temporal) ? { temporalCoverage: temporalInterval(d.temporal) } : {}),
    inLanguage: 'ko',
    ...(d.provisionScope === 'open'
      ? { isAccessibleForFree: true }
      : { conditionsOfAccess: PROVISION_SCOPE.labels[d.provisionScope][lang] }),
    dateCreated: d.created,
    datePublished: d.issued ?? d.created,
    dateModified: d.modified,
    ...(d.version ? { version: d.version } : {}),
    ...(d.relatedUrls.length > 0 ? { sameAs: d.relatedUrls } : {}),
    ...(d.distributions.length > 0
      ? {
          distribution: d.distributions.map((f) => ({
            '@type': 'DataDownload',
            name: f.name,
            contentUrl: f.contentUrl,
            encodingFormat: f.encodingFormat,
            ...(f.sizeBytes !== undefined ? { contentSize: `${f.sizeBytes} B` } : {}),
            ...(f.sha256 ? { sha256: f.sha256 } : {}),
          })),
        }
      : {}),
  };
}

/**
 * What Google Dataset Search would reject or warn about: a missing name, a description outside
 * 50–5000 characters.
 *
 * @example schemaOrgWarnings({ name: 'x', description: 'short' }) // ['description: 5 characters, fewer than 50']
 */
export function schemaOrgWarnings(obj: JsonObject): string[] {
  const out: string[] = [];
  if (typeof obj.name !== 'string' || obj.name.trim() === '') out.push('name: missing');
  const desc = obj.description;
  if (typeof desc !== 'string') out.push('description: missing');
  else if ([...desc].length < 50) out.push(`description: ${[...desc].length} characters, fewer than 50`);
  else if ([...desc].length > 5000) out.push(`description: ${[...desc].length} characters, more than 5000`);
  return out;
}

/**
 * A `<script type="application/ld+json">` element whose content cannot end the script or open a
 * comment, whatever the data holds: `<`, `>`, `&`, U+2028 and U+2029 become JSON `\u` escapes.
 *
 * @example jsonLdScriptTag({ name: '</script>' }) // '<script type="application/ld+json">{"name":"\u003c/script\u003e"}</script>'
 */
export function jsonLdScriptTag(obj: unknown): string {
  const json = JSON.stringify(obj)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return `<script type="application/ld+json">${json}</script>`;
}
