// Releases, access tiers and downloads (issue 8) as the pages use them. Types follow the zod
// schemas of src/modules/distribution/ (releases.schema.ts, access.schema.ts): a release with its
// manifest, datasheet and changelog; licence acceptance; conditional access requests, decisions,
// grants and their revocation; file previews. Downloads are plain links: the browser sends the
// session cookie with a GET, and the server answers with the bytes (or a problem).
import { queryOptions } from '@tanstack/react-query';
import { api, type BodyOf, type ResponseOf, type Schema, type Session } from '../../api';

export type Release = Schema<'Release'>;
/** A release of a large version, built in the background. */
export type ReleaseBuild = Schema<'ReleaseBuild'>;
export type ReleaseDetail = Schema<'ReleaseDetail'>;

export type Tier = Release['tier'];
export const TIERS: Tier[] = ['open', 'conditional', 'safe_zone'];

/** A text in Korean and English, as the server sends them. */
export type Labels = NonNullable<Release['notDownloadableReason']>;

export type RequestQuestion = Schema<'RequestQuestion'>;
export type QualityIndicator = NonNullable<Release['qualityReport']>['indicators'][number];
export type ReleaseManifest = Schema<'ReleaseManifest'>;
export type ManifestFile = ReleaseManifest['files'][number];
export type ManifestColumn = NonNullable<ManifestFile['columns']>[number];
export type ReleaseFile = Schema<'ReleaseFile'>;

/** The seven sections of Datasheets for Datasets, as the server names them. */
export const DATASHEET_SECTIONS = [
  'motivation',
  'composition',
  'collectionProcess',
  'preprocessing',
  'uses',
  'distribution',
  'maintenance',
] as const satisfies ReadonlyArray<keyof Datasheet>;

export type Datasheet = ReleaseDetail['datasheet']['ko'];
export type Changelog = Schema<'ReleaseChangelog'>;

export type NewRelease = BodyOf<'/api/v1/releases', 'post'>;
export type LicenceAcceptance = Schema<'LicenceAcceptance'>;

/** A grant of conditional access; `orgId` is the grantee (only its members download under it), `active` is in force now. */
export type AccessGrant = Schema<'AccessGrant'>;
export type AccessRequest = Schema<'AccessRequest'>;
export type RequestStatus = AccessRequest['status'];
export type NewAccessRequest = BodyOf<'/api/v1/access-requests', 'post'>;
/** `expiresAt`: ISO date-time with offset; default now + the requested duration. */
export type Decision = BodyOf<'/api/v1/access-requests/{id}/decision', 'post'>;
export type FilePreview = Schema<'FilePreview'>;

const enc = encodeURIComponent;
const release = (id: string) => `/api/v1/releases/${enc(id)}`;
/** A file path inside a release, each segment escaped, the slashes kept. */
const filePath = (path: string) => path.split('/').map(enc).join('/');

export const releaseKeys = {
  all: ['releases'] as const,
  release: (id: string) => ['releases', 'release', id] as const,
  ofDataset: (datasetId: string) => ['releases', 'dataset', datasetId] as const,
  preview: (id: string, path: string) => ['releases', 'release', id, 'preview', path] as const,
  requests: (filter: 'mine' | 'incoming') => ['releases', 'requests', filter] as const,
  grants: (filter: 'mine' | 'incoming') => ['releases', 'grants', filter] as const,
};

export const releaseQuery = (id: string) =>
  queryOptions({ queryKey: releaseKeys.release(id), queryFn: ({ signal }) => api<ReleaseDetail>(release(id), { signal }) });

export const datasetReleasesQuery = (datasetId: string) =>
  queryOptions({
    queryKey: releaseKeys.ofDataset(datasetId),
    queryFn: ({ signal }) =>
      api<ResponseOf<'/api/v1/datasets/{datasetId}/releases'>>(`/api/v1/datasets/${enc(datasetId)}/releases`, { signal }).then(
        (r) => r.items,
      ),
  });

export const previewQuery = (id: string, path: string) =>
  queryOptions({
    queryKey: releaseKeys.preview(id, path),
    queryFn: ({ signal }) => api<FilePreview>(`${release(id)}/preview/${filePath(path)}`, { signal }),
    retry: false,
  });

export const requestsQuery = (filter: 'mine' | 'incoming') =>
  queryOptions({
    queryKey: releaseKeys.requests(filter),
    queryFn: ({ signal }) =>
      api<ResponseOf<'/api/v1/access-requests'>>(`/api/v1/access-requests?${filter}=true`, { signal }).then((r) => r.items),
  });

export const grantsQuery = (filter: 'mine' | 'incoming') =>
  queryOptions({
    queryKey: releaseKeys.grants(filter),
    queryFn: ({ signal }) =>
      api<ResponseOf<'/api/v1/access-grants'>>(`/api/v1/access-grants?${filter}=true`, { signal }).then((r) => r.items),
  });

/** The release (201), or for a large version its build under way (202). */
export const createRelease = (body: NewRelease) => api<ReleaseDetail | ReleaseBuild>('/api/v1/releases', { method: 'POST', body });
export const isBuild = (made: ReleaseDetail | ReleaseBuild): made is ReleaseBuild => 'progress' in made;

/** A build, asked again every second until it is done or failed. */
export const releaseBuildQuery = (id: string) =>
  queryOptions({
    queryKey: [...releaseKeys.all, 'build', id],
    queryFn: ({ signal }) => api<ReleaseBuild>(`/api/v1/release-builds/${enc(id)}`, { signal }),
    refetchInterval: (query) => (query.state.data && ['done', 'failed'].includes(query.state.data.status) ? false : 1000),
  });
export const withdrawRelease = (id: string) => api<ReleaseDetail>(`${release(id)}/withdraw`, { method: 'POST' });
export const acceptLicence = (id: string) => api<LicenceAcceptance>(`${release(id)}/accept-licence`, { method: 'POST' });
export const requestAccess = (body: NewAccessRequest) => api<AccessRequest>('/api/v1/access-requests', { method: 'POST', body });
export const decideRequest = (id: string, body: Decision) =>
  api<AccessRequest>(`/api/v1/access-requests/${enc(id)}/decision`, { method: 'POST', body });
export const revokeGrant = (id: string, reason: string) =>
  api<AccessGrant>(`/api/v1/access-grants/${enc(id)}/revoke`, { method: 'POST', body: { reason } });

/** The address of one file of a release (a GET with the session cookie serves it, with Range). */
export const fileUrl = (id: string, path: string) => `${release(id)}/files/${filePath(path)}`;
/** The whole release as one tar with SHA256SUMS inside. */
export const archiveUrl = (id: string) => `${release(id)}/archive`;

/** Whether the server previews a file: tables (CSV, TSV, JSON Lines, Parquet) and text. */
export function previewable(file: Pick<ReleaseFile, 'format' | 'mediaType'>): boolean {
  return ['csv', 'tsv', 'jsonl', 'parquet', 'text', 'json'].includes(file.format) || file.mediaType.startsWith('text/');
}

/** What the signed-in person may do here, from their memberships (the server decides in the end). */
export interface ReleaseRoles {
  signedIn: boolean;
  /** A member of a company or research organisation: asks for conditional access. */
  consumer: boolean;
  /** Steward or org_admin of an agency: releases, decides requests, revokes grants. */
  steward: boolean;
  /** The operator or an auditor: sees all requests and grants. */
  oversight: boolean;
  /** The operator: may revoke any grant. */
  operator: boolean;
  /** The agencies this person speaks for. */
  agencyIds: string[];
  /** The consumer organisations this person speaks for. */
  consumerOrgs: Array<{ orgId: string; orgName: string }>;
}

export function releaseRoles(session: Session | null | undefined): ReleaseRoles {
  const memberships = session?.memberships ?? [];
  const consumerOrgs = new Map<string, string>();
  for (const m of memberships)
    if ((m.orgKind === 'company' || m.orgKind === 'research') && ['consumer', 'org_admin', 'steward'].includes(m.role))
      consumerOrgs.set(m.orgId, m.orgName);
  const agencyIds = [
    ...new Set(memberships.filter((m) => m.orgKind === 'agency' && (m.role === 'steward' || m.role === 'org_admin')).map((m) => m.orgId)),
  ];
  return {
    signedIn: Boolean(session),
    consumer: consumerOrgs.size > 0,
    steward: agencyIds.length > 0,
    oversight: memberships.some((m) => m.role === 'operator' || m.role === 'auditor'),
    operator: memberships.some((m) => m.role === 'operator'),
    agencyIds,
    consumerOrgs: [...consumerOrgs].map(([orgId, orgName]) => ({ orgId, orgName })),
  };
}

/** 1536 → "1.5 KB". */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
