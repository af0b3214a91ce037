/**
 * CKAN's dictionaries from ours, as pure functions: a census entry becomes a CKAN package dict and
 * an organisation an organization dict, with the keys and JSON types CKAN 2.10's core gives (checked
 * against recorded EnviDat replies in test/fixtures/ckan-replay/envidat). No I/O here; the routes in
 * ckan.routes.ts fetch and call these.
 */
import type { Organization } from '../identity/identity.service.js';
import type { Entry } from '../census/census.service.js';

export const CKAN_VERSION = '2.10.0';

export interface CkanTag {
  id: string;
  name: string;
  display_name: string;
  state: 'active';
  vocabulary_id: null;
}

export interface CkanGroup {
  id: string;
  name: string;
  title: string;
  display_name: string;
  description: string;
  image_display_url: string;
}

export interface CkanResource {
  id: string;
  package_id: string;
  name: string;
  description: string;
  url: string;
  format: string;
  position: number;
  state: 'active';
  created: string;
  last_modified: string | null;
  mimetype: null;
  size: null;
  url_type: null;
}

/** The short organization dict CKAN embeds in a package. */
export interface CkanPackageOrganization {
  id: string;
  name: string;
  title: string;
  type: 'organization';
  description: string;
  image_url: string;
  created: string;
  is_organization: true;
  approval_status: 'approved';
  state: 'active';
}

export interface CkanOrganization extends CkanPackageOrganization {
  display_name: string;
  image_display_url: string;
  num_followers: number;
  package_count: number;
}

export interface CkanPackage {
  author: string | null;
  author_email: string | null;
  creator_user_id: string | null;
  id: string;
  isopen: boolean;
  license_id: string;
  license_title: string;
  maintainer: string | null;
  maintainer_email: string | null;
  metadata_created: string;
  metadata_modified: string;
  name: string;
  notes: string;
  num_resources: number;
  num_tags: number;
  organization: CkanPackageOrganization;
  owner_org: string;
  private: boolean;
  state: 'active' | 'draft';
  title: string;
  type: 'dataset';
  url: string | null;
  version: string | null;
  extras: Array<{ key: string; value: string }>;
  resources: CkanResource[];
  tags: CkanTag[];
  groups: CkanGroup[];
  relationships_as_subject: never[];
  relationships_as_object: never[];
}

/** CKAN's timestamps: ISO 8601 without a zone (UTC). */
export const ckanTime = (iso: string) => iso.replace(/Z$/, '').replace(/\+00:00$/, '');

const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.flatMap((v) => (typeof v === 'string' && v.trim() !== '' ? [v.trim()] : [])) : [];

/** A format as a tag and a resource format: upper case, as the search index keeps it. */
export const formatTag = (format: string) => format.replace(/\|/g, '').trim().toUpperCase();

export function ckanTag(name: string): CkanTag {
  return { id: name, name, display_name: name, state: 'active', vocabulary_id: null };
}

export function ckanPackageOrganization(org: Organization): CkanPackageOrganization {
  return {
    id: org.id,
    name: org.slug,
    title: org.name,
    type: 'organization',
    description: org.nameEn ?? '',
    image_url: '',
    created: ckanTime(org.createdAt),
    is_organization: true,
    approval_status: 'approved',
    state: 'active',
  };
}

/**
 * An organisation as CKAN's organization dict; `packageCount` is what the caller may see of it.
 *
 * @example ckanOrganization(org, 12).package_count // 12
 */
export function ckanOrganization(org: Organization, packageCount: number): CkanOrganization {
  return {
    ...ckanPackageOrganization(org),
    display_name: org.name,
    image_display_url: '',
    num_followers: 0,
    package_count: packageCount,
  };
}

/**
 * A census entry as CKAN's package dict. Its `name` is its id (stable and URL-safe); its tags are
 * its formats; its group is its domain; its resources are its related URLs (none for most census
 * entries, which describe holdings rather than files); the census's own facets ride in `extras`.
 *
 * @example ckanPackage(entry, org).extras.find((e) => e.key === 'readiness')?.value // 'ai_ready'
 */
export function ckanPackage(entry: Entry, org: Organization): CkanPackage {
  const form = entry.form as Record<string, unknown>;
  const formats = [
    ...new Set(
      strings(form.formats)
        .map(formatTag)
        .filter((f) => f !== ''),
    ),
  ];
  const urls = strings(form.urls);
  const licence = str(form.licence);
  const created = ckanTime(entry.createdAt);
  const modified = ckanTime(entry.updatedAt);
  const extraValues: Array<[string, unknown]> = [
    ['readiness', entry.readiness],
    ['modality', entry.modality],
    ['structure', form.structure],
    ['provision_scope', entry.provisionScope],
    ['restriction_reason', form.restrictionReason],
    ['personal_info', form.personalInfo],
    ['update_cycle', form.updateCycle],
    ['collection_start', form.collectionStart],
    ['collection_end', form.collectionEnd],
    ['title_en', form.titleEn],
    ['department', form.department],
    ['legal_basis', form.legalBasis],
    ['copyright_holder', form.copyrightHolder],
    ['census_status', entry.status],
    ['census_source', entry.source],
    ['external_id', entry.externalId],
  ];
  const extras = extraValues.flatMap(([key, value]) =>
    typeof value === 'string' && value !== '' ? [{ key, value }] : typeof value === 'number' ? [{ key, value: String(value) }] : [],
  );
  const resources: CkanResource[] = urls.map((url, position) => ({
    id: `${entry.id}-${position}`,
    package_id: entry.id,
    name: url,
    description: '',
    url,
    format: formats.length === 1 ? formats[0]! : '',
    position,
    state: 'active',
    created,
    last_modified: null,
    mimetype: null,
    size: null,
    url_type: null,
  }));
  const tags = formats.map(ckanTag);
  const groups: CkanGroup[] =
    entry.domain === null
      ? []
      : [{ id: entry.domain, name: entry.domain, title: entry.domain, display_name: entry.domain, description: '', image_display_url: '' }];
  return {
    author: org.name,
    author_email: null,
    creator_user_id: null,
    id: entry.id,
    isopen: entry.provisionScope === 'open',
    license_id: licence ?? 'notspecified',
    license_title: licence ?? 'License not specified',
    // The contact person's name and e-mail are personal data of an official: not published here.
    maintainer: str(form.department) ?? null,
    maintainer_email: null,
    metadata_created: created,
    metadata_modified: modified,
    name: entry.id,
    notes: str(form.description) ?? '',
    num_resources: resources.length,
    num_tags: tags.length,
    organization: ckanPackageOrganization(org),
    owner_org: org.id,
    private: false,
    state: entry.status === 'accepted' ? 'active' : 'draft',
    title: entry.title ?? str(form.title) ?? entry.id,
    type: 'dataset',
    url: urls[0] ?? null,
    version: null,
    extras,
    resources,
    tags,
    groups,
    relationships_as_subject: [],
    relationships_as_object: [],
  };
}
