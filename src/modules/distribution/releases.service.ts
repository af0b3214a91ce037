/**
 * Releases (issue 8, point 1): a ready refinery version frozen under a semantic version. Computed
 * once and stored: the files in the Hugging Face layout (tabular files as Parquet under `data/`,
 * the rest under their own paths, a dataset card `README.md`), the manifest and its SHA-256, the
 * datasheet (Korean and English), the citation and the changelog against the previous release.
 * Nothing of a release changes afterwards but `withdrawn_at`.
 *
 * Visibility: a published release's metadata is public (signed in or not), whatever its tier; a
 * withdrawn one only its agency's members and oversight see. Downloads are the access service's.
 *
 * Rules only; files through the layout engine and the BlobStore port, SQL through the repository.
 */
import { authorize, can, type Actor } from '../../core/auth/policy.js';
import type { Clock } from '../../core/clock.js';
import { AppError, badRequest, conflict, notFound, unauthenticated } from '../../core/errors.js';
import { uuidv7 } from '../../core/ids.js';
import type { BlobStore, JobQueue, JobRunContext } from '../../core/ports.js';
import type { CensusForm } from '../census/census.form.js';
import { DEFAULT_DOMAINS } from '../census/census.form.js';
import { croissant } from '../catalog/metadata/croissant.js';
import { dcatDatasetNode, PREFIXES } from '../catalog/metadata/dcat.js';
import { toJsonLd } from '../catalog/metadata/rdf.js';
import type { JsonObject } from '../catalog/metadata/schemaorg.js';
import type { CatalogDataset, FieldDataType } from '../catalog/metadata/types.js';
import { changelogMarkdown, diffManifests, type ManifestDiff } from './changelog.js';
import {
  buildDatasheet,
  datasheetMarkdown,
  defaultCitation,
  type Datasheet,
  type DatasheetOverrides,
  type LineageStep,
} from './datasheet.js';
import type { ReleaseBuildRow, ReleaseBuildStatus, ReleaseFileRow, ReleaseRow, ReleaseTier } from './distribution.tables.js';
import {
  CARD_PATH,
  canonicalManifest,
  datasetCard,
  manifestSha256,
  planLayout,
  type LayoutEngine,
  type LayoutBuildOptions,
  type LayoutSource,
  type ReleaseManifest,
  type ReleaseManifestFile,
} from './hf-layout.js';
import type { ReleasesRepository } from './releases.repository.js';

export interface RequestQuestion {
  id: string;
  labelKo: string;
  labelEn: string;
  required: boolean;
}

export interface NewRelease {
  versionId: string;
  semver: string;
  tier: ReleaseTier;
  accountRequired?: boolean | undefined;
  licence: string;
  licenceUrl?: string | undefined;
  citation?: string | undefined;
  /** Default: the census entry's title, else the refinery dataset's. */
  title?: string | undefined;
  titleEn?: string | undefined;
  description?: string | undefined;
  requestQuestions?: RequestQuestion[] | undefined;
  /** Hugging Face task categories for the dataset card, when known. */
  taskCategories?: string[] | undefined;
  datasheet?: DatasheetOverrides | undefined;
}

export interface ReleaseFile {
  path: string;
  size: number;
  sha256: string;
  format: string;
  mediaType: string;
  records: number | null;
  /** False for safe-zone and withdrawn releases: metadata only. */
  downloadable: boolean;
  /** Where the file is downloaded (the access rules of its tier apply). */
  url: string | null;
}

export type Changelog = ManifestDiff & { previous: { id: string; semver: string } };

export interface Release {
  id: string;
  datasetId: string;
  versionId: string;
  orgId: string;
  agency: { id: string; name: string; nameEn: string | null };
  censusEntryId: string | null;
  semver: string;
  tier: ReleaseTier;
  accountRequired: boolean;
  title: string;
  titleEn: string | null;
  description: string | null;
  licence: string;
  licenceUrl: string | null;
  citation: string;
  requestQuestions: RequestQuestion[];
  manifestSha256: string;
  previousReleaseId: string | null;
  createdBy: string | null;
  createdAt: string;
  withdrawnAt: string | null;
  downloadable: boolean;
  /** Why the files cannot be downloaded, when they cannot. */
  notDownloadableReason: { ko: string; en: string } | null;
  links: { self: string; croissant: string; dcat: string; datasheet: string; files: string };
  /** The released version's quality report (the refinery's), and its indicators when measured. */
  qualityReport: {
    versionId: string;
    url: string;
    htmlUrl: string;
    records: number | null;
    indicators: Array<{ id: string; name: { ko: string; en: string }; value: number | null }>;
  } | null;
}

export interface ReleaseDetail extends Release {
  manifest: ReleaseManifest;
  datasheet: Datasheet;
  changelog: Changelog | null;
  files: ReleaseFile[];
}

export interface ReleasesServiceDeps {
  repo: ReleasesRepository;
  blobs: BlobStore;
  layout: LayoutEngine;
  clock: Clock;
  /** Runs builds of large versions in the background. */
  queue: JobQueue;
  /** The site's public URL: release links are made from it. */
  publicUrl: string;
  /** Versions up to this many bytes are built while the request waits (default 64 MiB). */
  inlineBuildBytes?: number;
}

/** The job that builds a release in the background. */
export const BUILD_RELEASE_JOB = 'distribution.build_release';

/** A release being built in the background: what `POST /releases` answers for a large version. */
export interface ReleaseBuild {
  id: string;
  datasetId: string;
  versionId: string;
  semver: string;
  status: ReleaseBuildStatus;
  progress: { filesDone: number; filesTotal: number };
  /** Why it failed, when it did. */
  error: string | null;
  /** The release, once built. */
  releaseId: string | null;
  createdAt: string;
  updatedAt: string;
}

const toBuild = (row: ReleaseBuildRow): ReleaseBuild => ({
  id: row.id,
  datasetId: row.dataset_id,
  versionId: row.version_id,
  semver: row.semver,
  status: row.status,
  progress: { filesDone: row.files_done, filesTotal: row.files_total },
  error: row.error,
  releaseId: row.release_id,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

// ------------------------------------------------------------------------------------------------
// Semantic versions (x.y.z with an optional pre-release; build metadata is not allowed)

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?$/;

export interface Semver {
  major: number;
  minor: number;
  patch: number;
  pre: string[];
}

/** @example parseSemver('1.2.0-rc.1') // { major: 1, minor: 2, patch: 0, pre: ['rc', '1'] } */
export function parseSemver(value: string): Semver | undefined {
  const m = SEMVER.exec(value);
  if (!m || value.length > 64) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre: m[4] ? m[4].split('.') : [] };
}

/** Semantic Versioning 2.0.0 precedence: negative when a < b. @example compareSemver('1.0.0-rc.1', '1.0.0') < 0 // true */
export function compareSemver(a: string, b: string): number {
  const x = parseSemver(a);
  const y = parseSemver(b);
  if (!x || !y) throw new Error(`not a semantic version: ${!x ? a : b}`);
  for (const k of ['major', 'minor', 'patch'] as const) if (x[k] !== y[k]) return x[k] - y[k];
  if (x.pre.length === 0 || y.pre.length === 0) return y.pre.length - x.pre.length;
  for (let i = 0; i < Math.min(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i]!;
    const q = y.pre[i]!;
    if (p === q) continue;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn) return Number(p) - Number(q);
    if (pn !== qn) return pn ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return x.pre.length - y.pre.length;
}

// ------------------------------------------------------------------------------------------------

const NOT_DOWNLOADABLE = {
  safe_zone: {
    ko: '안심구역 전용 데이터로, 내려받을 수 없습니다. 안심구역에서 분석해 주세요.',
    en: 'Safe zone only: this release is never downloadable; analyse it inside the safe zone.',
  },
  withdrawn: { ko: '철회된 배포본입니다.', en: 'This release was withdrawn.' },
};

const parseJson = <T>(text: string | null | undefined, fallback: T): T => {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

/** DuckDB column types onto Croissant's data types. */
function fieldType(type: string): FieldDataType {
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/.test(type)) return 'integer';
  if (/^(DOUBLE|FLOAT|REAL|DECIMAL)/.test(type)) return 'float';
  if (type === 'BOOLEAN') return 'boolean';
  if (type === 'DATE') return 'date';
  if (type.startsWith('TIMESTAMP')) return 'datetime';
  return 'text';
}

interface VersionRow {
  id: string;
  dataset_id: string;
  number: number;
  parent_version_id: string | null;
  origin: 'upload' | 'recipe' | 'deid';
  recipe: string | null;
  status: string;
  manifest_sha256: string | null;
  total_bytes: number;
}

/** A release request checked against its version and the dataset's releases. */
interface AcceptedRequest {
  input: NewRelease;
  semver: string;
  licence: string;
  questions: NonNullable<NewRelease['requestQuestions']>;
  version: VersionRow;
  dataset: NonNullable<Awaited<ReturnType<ReleasesRepository['getDataset']>>>;
  previous: ReleaseRow | undefined;
}

export function createReleasesService(deps: ReleasesServiceDeps) {
  const { repo, blobs, layout, clock, queue } = deps;
  const inlineBuildBytes = deps.inlineBuildBytes ?? 64 * 1024 * 1024;
  const buildUnderWay = (build: Pick<ReleaseBuildRow, 'id' | 'semver'>) =>
    new AppError('conflict', `Release ${build.semver} of this dataset is being built; wait until it is done (build ${build.id})`, {
      problems: [{ field: 'versionId', message: `build ${build.id} under way`, messageKo: '이 데이터셋의 배포본을 만드는 중입니다' }],
    });
  const base = deps.publicUrl.replace(/\/+$/, '');
  const releaseUrl = (id: string) => `${base}/api/v1/releases/${encodeURIComponent(id)}`;
  /** The release's page in the web app: what a citation points people to. */
  const releasePageUrl = (id: string) => `${base}/releases/${encodeURIComponent(id)}`;
  const fileUrl = (id: string, filePath: string) => `${releaseUrl(id)}/files/${filePath.split('/').map(encodeURIComponent).join('/')}`;

  const visible = (actor: Actor, row: ReleaseRow) =>
    row.withdrawn_at === null || can(actor, 'release.read_withdrawn', { orgId: row.org_id });

  async function visibleRelease(actor: Actor, id: string): Promise<ReleaseRow> {
    const row = await repo.getRelease(id);
    if (!row || !visible(actor, row)) throw notFound('The release');
    return row;
  }

  async function toRelease(row: ReleaseRow): Promise<Release> {
    const [org, dataset, quality] = await Promise.all([
      repo.getOrganization(row.org_id),
      repo.getDataset(row.dataset_id),
      repo.getReport(row.version_id, 'quality'),
    ]);
    const report = parseJson<{
      records?: number;
      indicators?: Array<{ id: string; name: { ko: string; en: string }; value: number | null }>;
    } | null>(quality?.body, null);
    const downloadable = row.tier !== 'safe_zone' && row.withdrawn_at === null;
    const versionUrl = `${base}/api/v1/refinery/versions/${encodeURIComponent(row.version_id)}`;
    return {
      id: row.id,
      datasetId: row.dataset_id,
      versionId: row.version_id,
      orgId: row.org_id,
      agency: { id: row.org_id, name: org?.name ?? row.org_id, nameEn: org?.name_en ?? null },
      censusEntryId: dataset?.census_entry_id ?? null,
      semver: row.semver,
      tier: row.tier,
      accountRequired: row.account_required === 1,
      title: row.title,
      titleEn: row.title_en,
      description: row.description,
      licence: row.licence,
      licenceUrl: row.licence_url,
      citation: row.citation,
      requestQuestions: parseJson<RequestQuestion[]>(row.request_questions, []),
      manifestSha256: row.manifest_sha256,
      previousReleaseId: row.previous_release_id,
      createdBy: row.created_by,
      createdAt: row.created_at,
      withdrawnAt: row.withdrawn_at,
      downloadable,
      notDownloadableReason:
        row.withdrawn_at !== null ? NOT_DOWNLOADABLE.withdrawn : row.tier === 'safe_zone' ? NOT_DOWNLOADABLE.safe_zone : null,
      links: {
        self: releaseUrl(row.id),
        croissant: `${releaseUrl(row.id)}/croissant`,
        dcat: `${releaseUrl(row.id)}/dcat`,
        datasheet: `${releaseUrl(row.id)}/datasheet.md`,
        files: `${releaseUrl(row.id)}/files`,
      },
      qualityReport: {
        versionId: row.version_id,
        url: `${versionUrl}/reports/quality`,
        htmlUrl: `${versionUrl}/report.html`,
        records: report?.records ?? null,
        indicators: (report?.indicators ?? []).map((i) => ({ id: i.id, name: i.name, value: i.value })),
      },
    };
  }

  async function toDetail(row: ReleaseRow, files?: ReleaseFileRow[]): Promise<ReleaseDetail> {
    const release = await toRelease(row);
    const rows = files ?? (await repo.listFiles(row.id));
    return {
      ...release,
      manifest: JSON.parse(row.manifest) as ReleaseManifest,
      datasheet: JSON.parse(row.datasheet) as Datasheet,
      changelog: parseJson<Changelog | null>(row.changelog, null),
      files: rows.map((f) => ({
        path: f.path,
        size: f.size,
        sha256: f.sha256,
        format: f.format,
        mediaType: f.media_type,
        records: f.records,
        downloadable: release.downloadable,
        url: release.downloadable ? fileUrl(row.id, f.path) : null,
      })),
    };
  }

  /** The versions from the first to `version`, oldest first, with what made each. */
  async function lineageOf(version: VersionRow): Promise<LineageStep[]> {
    const chain: VersionRow[] = [];
    let current: VersionRow | undefined = version;
    while (current && chain.length < 100) {
      chain.unshift(current);
      current = current.parent_version_id ? ((await repo.getVersion(current.parent_version_id)) as VersionRow | undefined) : undefined;
    }
    const steps: LineageStep[] = [];
    for (const v of chain) {
      const step: LineageStep = { versionNumber: v.number, origin: v.origin };
      if (v.origin === 'recipe') {
        const recipe = parseJson<{ steps?: Array<{ op?: string }> } | null>(v.recipe, null);
        const run = parseJson<{ recipeHash?: string } | null>((await repo.getReport(v.id, 'recipe_run'))?.body, null);
        step.recipe = {
          ...(run?.recipeHash ? { hash: run.recipeHash } : {}),
          steps: (Array.isArray(recipe?.steps) ? recipe.steps : []).map((s) => (typeof s?.op === 'string' ? s.op : '?')),
        };
      }
      if (v.origin === 'deid') {
        const run = await repo.deidRunMaking(v.id);
        if (run) step.deid = { runId: run.id, policyHash: run.policy_hash };
      }
      steps.push(step);
    }
    return steps;
  }

  function catalogDataset(release: ReleaseDetail, census: Partial<CensusForm> | null): CatalogDataset {
    const domainKey = census?.domain ?? 'other';
    return {
      id: release.id,
      url: release.links.self,
      title: { ko: release.title, ...(release.titleEn ? { en: release.titleEn } : {}) },
      description: {
        ko: release.description ?? census?.description ?? release.title,
        ...(census?.descriptionEn ? { en: census.descriptionEn } : {}),
      },
      publisher: { name: release.agency.name, ...(release.agency.nameEn ? { nameEn: release.agency.nameEn } : {}) },
      domain: { key: domainKey, labels: DEFAULT_DOMAINS[domainKey] ?? { ko: '기타', en: 'Other' } },
      keywords: [release.semver],
      modality: census?.modality ?? (release.files.some((f) => f.format === 'parquet') ? 'tabular' : 'multimodal'),
      formats: [...new Set(release.files.map((f) => f.format.toUpperCase()))],
      licence: release.licenceUrl ?? release.licence,
      provisionScope: release.tier,
      personalInfo: census?.personalInfo ?? 'none',
      ...(census?.collectionStart || census?.collectionEnd
        ? {
            temporal: {
              ...(census.collectionStart ? { start: census.collectionStart } : {}),
              ...(census.collectionEnd ? { end: census.collectionEnd } : {}),
            },
          }
        : {}),
      ...(census?.updateCycle ? { updateCycle: census.updateCycle } : {}),
      created: release.createdAt,
      modified: release.withdrawnAt ?? release.createdAt,
      issued: release.createdAt,
      version: release.semver,
      relatedUrls: census?.urls ?? [],
      distributions: release.manifest.files.map((f) => ({
        id: f.path,
        name: f.path,
        contentUrl: fileUrl(release.id, f.path),
        // mlcroissant knows Parquet by this name.
        encodingFormat: f.format === 'parquet' ? 'application/x-parquet' : f.mediaType,
        sizeBytes: f.size,
        sha256: f.sha256,
        ...(f.columns && f.columns.length > 0
          ? { recordSet: { fields: f.columns.map((c) => ({ name: c.name, dataType: fieldType(c.type) })) } }
          : {}),
      })),
    };
  }

  /**
   * Checks a request against its version and the dataset's releases (and, through `authorizeFor`,
   * the caller's rights on the dataset's agency): the quick part of making a release, done again
   * when a background build starts.
   */
  async function acceptRequest(input: NewRelease, authorizeFor: (orgId: string) => void): Promise<AcceptedRequest> {
    const semver = input.semver.trim();
    if (!parseSemver(semver)) {
      throw badRequest('A release needs a semantic version: MAJOR.MINOR.PATCH, optionally -PRERELEASE (e.g. 1.0.0, 1.1.0-rc.1)', [
        { field: 'semver', message: 'not a semantic version (x.y.z)', messageKo: '유의적 버전(x.y.z) 형식이 아닙니다' },
      ]);
    }
    const questions = input.requestQuestions ?? [];
    const ids = questions.map((q) => q.id);
    const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
    if (repeated !== undefined) {
      throw badRequest('Each request question needs its own id', [{ field: 'requestQuestions', message: `id "${repeated}" repeated` }]);
    }
    const licence = input.licence.trim();
    if (licence === '') throw badRequest('A release needs a licence', [{ field: 'licence', message: 'empty', messageKo: '비어 있습니다' }]);

    const version = (await repo.getVersion(input.versionId)) as VersionRow | undefined;
    const dataset = version && (await repo.getDataset(version.dataset_id));
    if (!version || !dataset) {
      throw new AppError('not_found', 'The version was not found', { problems: [{ field: 'versionId', message: 'not found' }] });
    }
    authorizeFor(dataset.org_id);
    if (version.status !== 'ready') {
      throw new AppError('conflict', `Version ${version.number} is ${version.status}: only a ready version can be released`, {
        problems: [{ field: 'versionId', message: `the version is ${version.status}`, messageKo: '준비되지 않은 버전입니다' }],
      });
    }
    const earlier = await repo.listReleases(dataset.id);
    if (earlier.some((r) => r.semver === semver)) {
      throw new AppError('conflict', `Release ${semver} of this dataset exists already; releases never change`, {
        problems: [{ field: 'semver', message: 'exists already', messageKo: '이미 있는 버전입니다' }],
      });
    }
    const highest = earlier.reduce<ReleaseRow | undefined>(
      (max, r) => (!max || compareSemver(r.semver, max.semver) > 0 ? r : max),
      undefined,
    );
    if (highest && compareSemver(semver, highest.semver) <= 0) {
      throw new AppError('conflict', `Release ${semver} must be above the latest release ${highest.semver}`, {
        problems: [{ field: 'semver', message: `not above ${highest.semver}`, messageKo: `${highest.semver}보다 높아야 합니다` }],
      });
    }
    const previous = earlier
      .filter((r) => r.withdrawn_at === null)
      .reduce<ReleaseRow | undefined>((max, r) => (!max || compareSemver(r.semver, max.semver) > 0 ? r : max), undefined);
    return { input, semver, licence, questions, version, dataset, previous };
  }

  /** Converts, describes and stores the release of an accepted request (the conversions take the time). */
  async function buildRelease(
    { input, semver, licence, questions, version, dataset, previous }: AcceptedRequest,
    createdBy: string | null,
    options: LayoutBuildOptions = {},
  ): Promise<ReleaseDetail> {
    // The files, in the Hugging Face layout.
    const files = await repo.listVersionFiles(version.id);
    const profile = parseJson<{
      files?: Array<{ path: string; rows: number | null; error?: string; columns?: Array<{ name: string; type: string }> }>;
    }>((await repo.getReport(version.id, 'profile'))?.body, {});
    const profiled = new Map((profile.files ?? []).filter((f) => !f.error).map((f) => [f.path, f]));
    const sources: LayoutSource[] = files.map((f) => {
      const p = profiled.get(f.path);
      return {
        path: f.path,
        blobKey: f.blob_key,
        size: f.size,
        format: f.format,
        mediaType: f.media_type,
        ...(p ? { profiledRows: p.rows, profiledTypes: (p.columns ?? []).map((c) => ({ name: c.name, type: c.type })) } : {}),
      };
    });
    const run = parseJson<{ outputs?: Array<{ path: string; split?: string }> }>(
      (await repo.getReport(version.id, 'recipe_run'))?.body,
      {},
    );
    const splits = (run.outputs ?? []).filter((o) => typeof o.split === 'string').map((o) => ({ path: o.path, split: o.split! }));
    const built = await layout.build(planLayout(sources, splits), options);

    // What the datasheet and card say.
    const census = await censusOf(dataset.id);
    const org = await repo.getOrganization(dataset.org_id);
    const agency = { name: org?.name ?? dataset.org_id, nameEn: org?.name_en ?? null };
    const title = input.title?.trim() || census?.title || dataset.title;
    const titleEn = input.titleEn?.trim() || census?.titleEn || null;
    const description = input.description?.trim() || census?.description || null;
    const now = clock.now();
    const id = uuidv7(now.getTime());
    const citation =
      input.citation?.trim() ||
      defaultCitation({ agency: agency.name, title, year: now.getUTCFullYear(), semver, url: releasePageUrl(id) });
    const qualityReport = parseJson<{ indicators?: Array<{ name: { ko: string; en: string }; value: number | null }> } | null>(
      (await repo.getReport(version.id, 'quality'))?.body,
      null,
    );
    const diff = previous
      ? diffManifests(JSON.parse(previous.manifest) as ReleaseManifest, { files: built.files }, { ignore: [CARD_PATH] })
      : null;
    const tabular = built.files.filter((f) => f.columns);
    const datasheet = buildDatasheet(
      {
        title: { ko: title, en: titleEn },
        description: { ko: description, en: census?.descriptionEn ?? null },
        agency,
        semver,
        tier: input.tier,
        accountRequired: input.accountRequired ?? true,
        licence,
        licenceUrl: input.licenceUrl ?? null,
        citation,
        census,
        files: {
          count: built.files.length + 1,
          totalBytes: built.files.reduce((sum, f) => sum + f.size, 0),
          records: tabular.reduce((sum, f) => sum + (f.records ?? 0), 0),
          formats: [...new Set(built.files.map((f) => f.format))].sort(),
          columns: new Set(tabular.flatMap((f) => f.columns!.map((c) => c.name))).size,
        },
        lineage: await lineageOf(version),
        quality: qualityReport?.indicators ?? null,
        previousSemver: previous?.semver ?? null,
        changelog:
          diff && previous
            ? { ko: changelogMarkdown(diff, 'ko', previous.semver), en: changelogMarkdown(diff, 'en', previous.semver) }
            : null,
      },
      input.datasheet,
    );
    const card = datasetCard({
      title: titleEn ?? title,
      licence,
      licenceUrl: input.licenceUrl ?? null,
      files: built.files,
      ...(input.taskCategories ? { taskCategories: input.taskCategories } : {}),
      body: `${datasheetMarkdown(datasheet, title, titleEn)}\n## Citation / 인용\n\n\`\`\`\n${citation}\n\`\`\`\n`,
    });
    const cardBlob = await blobs.put(Buffer.from(card, 'utf8'));
    const cardFile: ReleaseManifestFile = {
      path: CARD_PATH,
      size: cardBlob.size,
      sha256: cardBlob.key,
      format: 'markdown',
      mediaType: 'text/markdown',
      records: null,
    };
    const all = [...built.files, cardFile].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const manifest: ReleaseManifest = {
      files: all,
      totalBytes: all.reduce((sum, f) => sum + f.size, 0),
      version: { id: version.id, number: version.number, manifestSha256: version.manifest_sha256 },
      warnings: built.warnings,
    };
    const canonical = canonicalManifest(manifest);
    const changelog: Changelog | null = diff && previous ? { ...diff, previous: { id: previous.id, semver: previous.semver } } : null;
    const row: ReleaseRow = {
      id,
      dataset_id: dataset.id,
      version_id: version.id,
      org_id: dataset.org_id,
      semver,
      tier: input.tier,
      account_required: input.accountRequired === false ? 0 : 1,
      title,
      title_en: titleEn,
      description,
      licence,
      licence_url: input.licenceUrl ?? null,
      citation,
      datasheet: JSON.stringify(datasheet),
      manifest: canonical,
      manifest_sha256: manifestSha256(canonical),
      changelog: changelog ? JSON.stringify(changelog) : null,
      previous_release_id: previous?.id ?? null,
      request_questions: questions.length > 0 ? JSON.stringify(questions) : null,
      created_by: createdBy,
      created_at: now.toISOString(),
      withdrawn_at: null,
    };
    const fileRows: ReleaseFileRow[] = all.map((f) => ({
      release_id: id,
      path: f.path,
      blob_key: f.sha256,
      size: f.size,
      sha256: f.sha256,
      format: f.format,
      media_type: f.mediaType,
      records: f.records,
    }));
    try {
      await repo.insertRelease(row, fileRows);
    } catch (error) {
      // Another release with this semantic version got in first (the unique index).
      if ((await repo.listReleases(dataset.id)).some((r) => r.semver === semver)) {
        throw new AppError('conflict', `Release ${semver} of this dataset exists already`, {
          problems: [{ field: 'semver', message: 'exists already' }],
        });
      }
      throw error;
    }
    return toDetail(row, fileRows);
  }

  async function censusOf(datasetId: string): Promise<Partial<CensusForm> | null> {
    const dataset = await repo.getDataset(datasetId);
    if (!dataset?.census_entry_id) return null;
    const entry = await repo.getCensusEntry(dataset.census_entry_id);
    return entry ? parseJson<Partial<CensusForm> | null>(entry.form, null) : null;
  }

  return {
    /**
     * Freezes a ready version as a release. The version's dataset must be of the caller's agency
     * (or the caller the operator); the semantic version must be new and above every earlier
     * release of the dataset.
     *
     * @example await releases.create(steward, { versionId, semver: '1.0.0', tier: 'open', licence: 'CC-BY-4.0' })
     */
    /**
     * Makes a release of a ready version: built now when the version is small (`release`), else
     * accepted and built by a background job whose progress `getBuild` tells (`build`).
     */
    async create(actor: Actor, input: NewRelease): Promise<{ release: ReleaseDetail } | { build: ReleaseBuild }> {
      if (actor.kind === 'anonymous') throw unauthenticated();
      const accepted = await acceptRequest(input, (orgId) => authorize(actor, 'release.create', { orgId }));
      const active = await repo.activeBuild(accepted.dataset.id);
      if (active) throw buildUnderWay(active);
      const createdBy = actor.kind === 'user' ? actor.userId : null;
      if (accepted.version.total_bytes <= inlineBuildBytes) return { release: await buildRelease(accepted, createdBy) };
      const now = clock.now().toISOString();
      const row: ReleaseBuildRow = {
        id: uuidv7(clock.now().getTime()),
        dataset_id: accepted.dataset.id,
        version_id: accepted.version.id,
        org_id: accepted.dataset.org_id,
        semver: accepted.semver,
        request: JSON.stringify(input),
        status: 'queued',
        files_done: 0,
        files_total: 0,
        error: null,
        release_id: null,
        created_by: createdBy,
        created_at: now,
        updated_at: now,
      };
      if (!(await repo.insertBuild(row))) throw buildUnderWay((await repo.activeBuild(accepted.dataset.id)) ?? row);
      await queue.enqueue(BUILD_RELEASE_JOB, { buildId: row.id }, { idempotencyKey: `release-build:${row.id}` });
      return { build: toBuild(row) };
    },

    /** A background build: its state, progress, and release or error (the dataset's agency and the operator). */
    async getBuild(actor: Actor, id: string): Promise<ReleaseBuild> {
      if (actor.kind === 'anonymous') throw unauthenticated();
      const row = await repo.getBuild(id);
      if (!row) throw notFound(`Release build ${id}`);
      authorize(actor, 'release.create', { orgId: row.org_id });
      return toBuild(row);
    },

    /**
     * The job: checks the request again (the version may have changed, another release may have
     * taken the semantic version), builds the release, and records the outcome on the build. A
     * failure is recorded, not retried; a build whose release was stored before its worker died
     * is marked done.
     */
    async runBuild(id: string, ctx: Pick<JobRunContext, 'signal'>): Promise<ReleaseBuild | undefined> {
      const build = await repo.getBuild(id);
      if (!build || build.status === 'done' || build.status === 'failed') return build && toBuild(build);
      const at = () => clock.now().toISOString();
      const finish = async (change: Parameters<ReleasesRepository['updateBuild']>[1]) => {
        await repo.updateBuild(id, change);
        return toBuild((await repo.getBuild(id))!);
      };
      const stored = (await repo.listReleases(build.dataset_id)).find(
        (r) => r.semver === build.semver && r.version_id === build.version_id,
      );
      if (stored) return finish({ status: 'done', release_id: stored.id, updated_at: at() });
      await repo.updateBuild(id, { status: 'running', updated_at: at() });
      try {
        const accepted = await acceptRequest(JSON.parse(build.request) as NewRelease, () => undefined);
        const release = await buildRelease(accepted, build.created_by, {
          signal: ctx.signal,
          onProgress: (done, total) =>
            repo.updateBuild(id, { files_done: done, files_total: total, updated_at: at() }).then(() => undefined),
        });
        return await finish({ status: 'done', release_id: release.id, updated_at: at() });
      } catch (error) {
        // A worker that lost its lease stops; the one that took the job over carries on.
        if (ctx.signal.aborted) throw error;
        return finish({ status: 'failed', error: error instanceof Error ? error.message : String(error), updated_at: at() });
      }
    },

    /** A release, if the caller may see it (withdrawn ones: their agency and oversight). */
    async get(actor: Actor, id: string): Promise<ReleaseDetail> {
      return toDetail(await visibleRelease(actor, id));
    },

    /**
     * Every published release, newest first (metadata is public, whatever the tier: a conditional
     * or safe-zone release is found here and asked for, not downloaded); a page of `limit` and a
     * cursor for the next.
     *
     * @example await releases.listPublished({ kind: 'anonymous' }, { tier: 'open', limit: 20 })
     */
    async listPublished(
      _actor: Actor,
      query: { tier?: ReleaseTier | undefined; orgId?: string | undefined; limit?: number | undefined; cursor?: string | undefined },
    ): Promise<{ items: Release[]; nextCursor: string | null }> {
      const limit = Math.min(Math.max(query.limit ?? 20, 1), 100);
      let before: { createdAt: string; id: string } | undefined;
      if (query.cursor !== undefined) {
        const [createdAt, id] = Buffer.from(query.cursor, 'base64url').toString('utf8').split('|');
        if (!createdAt || !id)
          throw badRequest('The cursor is not one this API gave out', [{ field: 'cursor', message: 'unknown cursor' }]);
        before = { createdAt, id };
      }
      const rows = await repo.listPublished({
        limit: limit + 1,
        ...(query.tier !== undefined ? { tier: query.tier } : {}),
        ...(query.orgId !== undefined ? { orgId: query.orgId } : {}),
        ...(before ? { before } : {}),
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: await Promise.all(page.map(toRelease)),
        nextCursor: rows.length > limit && last ? Buffer.from(`${last.created_at}|${last.id}`, 'utf8').toString('base64url') : null,
      };
    },

    /** A refinery dataset's releases the caller may see, newest semantic version first. */
    async listForDataset(actor: Actor, datasetId: string): Promise<Release[]> {
      const dataset = await repo.getDataset(datasetId);
      if (!dataset) throw notFound('The dataset');
      const rows = (await repo.listReleases(dataset.id)).filter((r) => visible(actor, r)).sort((a, b) => compareSemver(b.semver, a.semver));
      return Promise.all(rows.map(toRelease));
    },

    /** Releases made from a census entry's refinery datasets that the caller may see, for the data map's lineage. */
    async listForCensusEntry(actor: Actor, entryId: string): Promise<Release[]> {
      const rows = (await repo.listReleasesOfCensusEntry(entryId)).filter((r) => visible(actor, r));
      return Promise.all(rows.map(toRelease));
    },

    /** Sets `withdrawn_at`; nothing else of a release ever changes. */
    async withdraw(actor: Actor, id: string): Promise<ReleaseDetail> {
      if (actor.kind === 'anonymous') throw unauthenticated();
      const row = await visibleRelease(actor, id);
      authorize(actor, 'release.withdraw', { orgId: row.org_id });
      const at = clock.now().toISOString();
      if (!(await repo.withdraw(row.id, at))) throw conflict(`Release ${row.semver} was withdrawn already`);
      return toDetail({ ...row, withdrawn_at: at });
    },

    /** The datasheet as Markdown, Korean then English. */
    async datasheetMarkdown(actor: Actor, id: string): Promise<string> {
      const row = await visibleRelease(actor, id);
      return datasheetMarkdown(JSON.parse(row.datasheet) as Datasheet, row.title, row.title_en);
    },

    /** Croissant 1.1 JSON-LD: a FileObject per file (with its SHA-256) and a RecordSet per tabular file. */
    async croissant(actor: Actor, id: string): Promise<JsonObject> {
      const release = await toDetail(await visibleRelease(actor, id));
      return { ...croissant(catalogDataset(release, await censusOf(release.datasetId))), citeAs: release.citation };
    },

    /** DCAT-AP JSON-LD: a dcat:Dataset with a dcat:Distribution per file. */
    async dcat(actor: Actor, id: string): Promise<Record<string, unknown>> {
      const release = await toDetail(await visibleRelease(actor, id));
      return toJsonLd(dcatDatasetNode(catalogDataset(release, await censusOf(release.datasetId))), PREFIXES);
    },

    /** Recomputes a stored manifest's SHA-256 (an integrity check: it never changes). */
    async verifyManifest(actor: Actor, id: string): Promise<{ stored: string; computed: string; ok: boolean }> {
      const row = await visibleRelease(actor, id);
      const computed = manifestSha256(canonicalManifest(JSON.parse(row.manifest) as ReleaseManifest));
      return { stored: row.manifest_sha256, computed, ok: computed === row.manifest_sha256 };
    },
  };
}

export type ReleasesService = ReturnType<typeof createReleasesService>;
