/**
 * Releases for access and download tests, made without the releases service: real bytes go into
 * the platform's blob store, and the rows (a refinery dataset and version, the release and its
 * files) are inserted directly.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ReleaseTier } from '../../src/modules/distribution/distribution.tables.js';
import type { DistributionTables } from '../../src/modules/distribution/distribution.tables.js';
import type { LedgerTables } from '../../src/modules/ledger/ledger.repository.js';
import type { Platform } from '../../src/server/platform.js';
import { uuidv7 } from '../../src/core/ids.js';
import { DATASHEET_SECTIONS } from '../../src/modules/distribution/datasheet.js';

export interface TestReleaseFile {
  path: string;
  /** The content, stored now; or `stored`, a blob already in the store (for large files). */
  bytes?: Buffer;
  stored?: { key: string; size: number };
  format?: string;
  mediaType?: string;
  records?: number | null;
}

export interface TestReleaseOptions {
  /** The providing agency's slug (default nia). */
  org?: string;
  /** An existing refinery dataset to add the release to (default: a new one). */
  datasetId?: string;
  tier: ReleaseTier;
  accountRequired?: boolean;
  semver?: string;
  title?: string;
  licence?: string;
  licenceUrl?: string | null;
  questions?: { id: string; labelKo: string; labelEn: string; required: boolean }[];
  files: TestReleaseFile[];
  withdrawn?: boolean;
}

export interface TestRelease {
  id: string;
  datasetId: string;
  semver: string;
  files: { path: string; size: number; sha256: string; bytes: Buffer | undefined }[];
}

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');
let counter = 0;

/** Stores the files' bytes and inserts a release over them; returns its id and files. */
export async function createTestRelease(platform: Platform, options: TestReleaseOptions): Promise<TestRelease> {
  const db = platform.database.db as Kysely<DistributionTables>;
  const org = await platform.identity.getOrganization(options.org ?? 'nia');
  const now = new Date().toISOString();
  const n = ++counter;
  let datasetId = options.datasetId;
  if (datasetId === undefined) {
    datasetId = uuidv7();
    await db
      .insertInto('refinery_datasets')
      .values({
        id: datasetId,
        org_id: org.id,
        census_entry_id: null,
        title: options.title ?? `시험 데이터 ${n}`,
        created_by: null,
        created_at: now,
      })
      .execute();
  }
  const number =
    Number(
      (
        await db
          .selectFrom('dataset_versions')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('dataset_id', '=', datasetId)
          .executeTakeFirst()
      )?.n ?? 0,
    ) + 1;
  const versionId = uuidv7();
  const sizeOf = (f: TestReleaseFile) => f.stored?.size ?? f.bytes?.length ?? 0;
  const totalBytes = options.files.reduce((s, f) => s + sizeOf(f), 0);
  await db
    .insertInto('dataset_versions')
    .values({
      id: versionId,
      dataset_id: datasetId,
      number,
      parent_version_id: null,
      origin: 'upload',
      recipe: null,
      status: 'ready',
      error: null,
      file_count: options.files.length,
      total_bytes: totalBytes,
      manifest_sha256: null,
      created_by: null,
      created_at: now,
      finished_at: now,
    })
    .execute();

  const files: TestRelease['files'] = [];
  for (const file of options.files) {
    const key = file.stored?.key ?? (await platform.blobStore.put(file.bytes ?? Buffer.alloc(0))).key;
    files.push({ path: file.path, size: sizeOf(file), sha256: key, bytes: file.bytes });
  }
  // The shapes the releases service stores (its manifest and datasheet), so its routes can read these rows too.
  const manifest = JSON.stringify({
    files: options.files.map((f, i) => ({
      path: f.path,
      size: sizeOf(f),
      sha256: files[i]!.sha256,
      format: f.format ?? 'other',
      mediaType: f.mediaType ?? 'application/octet-stream',
      records: f.records ?? null,
    })),
    totalBytes,
    version: { id: versionId, number, manifestSha256: null },
    warnings: [],
  });
  const sections = Object.fromEntries(DATASHEET_SECTIONS.map((s) => [s, '']));
  const id = uuidv7();
  const semver = options.semver ?? `1.0.${n}`;
  await db
    .insertInto('releases')
    .values({
      id,
      dataset_id: datasetId,
      version_id: versionId,
      org_id: org.id,
      semver,
      tier: options.tier,
      account_required: options.accountRequired === false ? 0 : 1,
      title: options.title ?? `시험 데이터 ${n}`,
      title_en: `Test data ${n}`,
      description: null,
      licence: options.licence ?? 'CC-BY-4.0',
      licence_url: options.licenceUrl ?? 'https://creativecommons.org/licenses/by/4.0/',
      citation: `Test data ${n} (${semver})`,
      datasheet: JSON.stringify({ ko: sections, en: sections }),
      manifest,
      manifest_sha256: sha256(manifest),
      changelog: null,
      previous_release_id: null,
      request_questions: options.questions ? JSON.stringify(options.questions) : null,
      created_by: null,
      created_at: now,
      withdrawn_at: options.withdrawn ? now : null,
    })
    .execute();
  for (const [i, file] of options.files.entries()) {
    await db
      .insertInto('release_files')
      .values({
        release_id: id,
        path: file.path,
        blob_key: files[i]!.sha256,
        size: sizeOf(file),
        sha256: files[i]!.sha256,
        format: file.format ?? 'other',
        media_type: file.mediaType ?? 'application/octet-stream',
        records: file.records ?? null,
      })
      .execute();
  }
  return { id, datasetId, semver, files };
}

/** The usage events recorded so far for a release, oldest first. */
export async function usageOf(platform: Platform, releaseId: string) {
  const db = platform.database.db as Kysely<LedgerTables>;
  const rows = await db.selectFrom('usage_events').selectAll().where('release_id', '=', releaseId).orderBy('seq').execute();
  return rows.map((r) => ({ ...r, seq: Number(r.seq), quantity: Number(r.quantity) }));
}
