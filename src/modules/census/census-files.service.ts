/**
 * Bulk import of census entries (exports stream from the census service): a file (CSV in any of its Korean encodings, XLSX, JSON, JSONL)
 * read row by row through a mapping, validated, and written in one transaction, so that an import
 * either lands whole (or, when asked, with its valid rows only) or leaves nothing behind — also
 * when the process is killed half-way. Memory stays flat: rows are written in batches as they come.
 */
import { authorize, can, requireUser, type Actor } from '../../core/auth/policy.js';
import { isoNow, type Clock } from '../../core/clock.js';
import { uuidv7 } from '../../core/ids.js';
import type { BlobStore, JobQueue } from '../../core/ports.js';
import { AppError, notFound } from '../../core/errors.js';
import { DEFAULT_DOMAINS, type Labels } from './census.form.js';
import type { CensusRepository } from './census.repository.js';
import { formColumns, importedEntryRow, type FormColumns } from './census.service.js';
import type { CensusEntryRow, CensusImportRow, EntryStatus, ImportStatus } from './census.tables.js';
import { DuplicateIndex } from './import/duplicates.js';
import { NAMED_MAPPINGS, NATIVE_MAPPING, type Mapping } from './import/mapping.js';
import { ImportFileError, type ReadMeta, type RowError } from './import/types.js';
import { importRows, type MappedRow } from './import/validate.js';

/** Errors kept in a report; the count of all of them is kept besides. */
export const MAX_REPORTED_ERRORS = 1000;
const BATCH_ROWS = 1000;

export interface ImportRequest {
  source: AsyncIterable<Uint8Array>;
  fileName: string;
  mapping: Mapping;
  /** Import the valid rows even when others are rejected (otherwise nothing is imported then). */
  validRowsOnly: boolean;
  /** Validate and count everything, then roll back. */
  dryRun?: boolean;
  /** The agency every row belongs to; required for stewards, and for mappings without agency columns. */
  orgId?: string;
  campaignId?: string;
  /** The status imported entries get: 'draft' for stewards to review and submit, 'accepted' for a published catalog. */
  status?: Extract<EntryStatus, 'draft' | 'accepted'>;
  /** Who the entries are recorded as made by, when not the actor (an import job runs for its requester). */
  by?: string | null;
  onProgress?: (progress: ImportProgress) => void;
}

export interface ImportProgress {
  rows: number;
  valid: number;
  rejected: number;
}

export interface ImportReport {
  /** Entries written (in a dry run, or when the import was refused: that would have been written). */
  imported: number;
  rejected: number;
  /** Rows whose (source, external id) an earlier import already brought in; left as they are. */
  unchanged: number;
  errors: RowError[];
  /** All errors, of which `errors` holds the first MAX_REPORTED_ERRORS. */
  errorCount: number;
  /** The agencies that received entries: hand them to `flagSimilarTitles` once the import is in. */
  orgIds: string[];
  rows: number;
  /** True when the entries are in the database. */
  committed: boolean;
  format: string | undefined;
  encoding: string | undefined;
  agenciesCreated: number;
}

/**
 * Reads, maps and validates a file's rows, a batch at a time, filling `meta` as it learns the format
 * and encoding. Throws ImportFileError (after the batches before it) when the file cannot be read.
 * It may do its work on another thread, so that parsing overlaps the database writes.
 */
export type RowBatchReader = (
  source: AsyncIterable<Uint8Array>,
  options: { mapping: Mapping; fileName: string; meta: ReadMeta },
) => AsyncIterable<PreparedRow[]>;

/**
 * A row ready for the database: its form already as JSON with its summary columns, so that a
 * reader on another thread does that work, and so that rows cross threads as a few strings.
 */
export interface PreparedRow {
  row: number;
  errors: RowError[];
  form?: { json: string; columns: FormColumns };
  agency?: { code?: string; name?: string };
  externalId?: string;
}

/** A mapped row made ready for the database. @example prepareRow(mapped).form?.json // '{"title":…}' */
export function prepareRow(mapped: MappedRow): PreparedRow {
  return {
    row: mapped.row,
    errors: mapped.errors,
    ...(mapped.form ? { form: { json: JSON.stringify(mapped.form), columns: formColumns(mapped.form) } } : {}),
    ...(mapped.agency ? { agency: mapped.agency } : {}),
    ...(mapped.externalId === undefined ? {} : { externalId: mapped.externalId }),
  };
}

/** Rows per batch a reader yields. */
export const READ_BATCH_ROWS = 500;

/** The reader that works on the calling thread. */
export const readRowBatchesHere: RowBatchReader = async function* (source, options) {
  let batch: PreparedRow[] = [];
  try {
    for await (const row of importRows(source, options)) {
      batch.push(prepareRow(row));
      if (batch.length >= READ_BATCH_ROWS) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    // The rows read before a file turned unreadable are reported too, then the error.
    if (batch.length > 0) yield batch;
    throw error;
  }
  if (batch.length > 0) yield batch;
};

/** Thrown inside the transaction to undo it; never escapes `importEntries`. */
class Rollback extends Error {}

export interface CensusFilesServiceDeps {
  repo: CensusRepository;
  clock: Clock;
  /** Where uploaded import files wait for the job that reads them. */
  blobs: BlobStore;
  queue: JobQueue;
  /** Uploads larger than this are refused while they stream in; MAX_IMPORT_BYTES by default. */
  maxImportBytes?: number;
  /** How files are parsed; on this thread unless the server provides a reader on a worker thread. */
  readRowBatches?: RowBatchReader;
  domains?: Record<string, Labels>;
}

export const RUN_IMPORT = 'census.import';
/** The default upload limit of imports. */
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;

/** An import started through the API, as its owner sees it. */
export interface ImportView {
  id: string;
  parentId: string | null;
  status: ImportStatus;
  fileName: string;
  size: number;
  mapping: string;
  orgId: string | null;
  campaignId: string | null;
  dryRun: boolean;
  validRowsOnly: boolean;
  encoding: string | null;
  format: string | null;
  rows: number;
  imported: number;
  rejected: number;
  unchanged: number;
  duplicates: number;
  committed: boolean;
  errorCount: number;
  errors: RowError[];
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** The outcome columns of an import that has not run. */
const NOT_RUN_YET = {
  status: 'queued',
  rows: 0,
  imported: 0,
  rejected: 0,
  unchanged: 0,
  duplicates: 0,
  error_count: 0,
  errors: '[]',
  committed: 0,
} as const satisfies Partial<CensusImportRow>;

const toImportView = (row: CensusImportRow): ImportView => ({
  id: row.id,
  parentId: row.parent_id,
  status: row.status,
  fileName: row.file_name,
  size: row.size,
  mapping: row.mapping,
  orgId: row.org_id,
  campaignId: row.campaign_id,
  dryRun: row.dry_run === 1,
  validRowsOnly: row.valid_rows_only === 1,
  encoding: row.encoding,
  format: row.format,
  rows: row.rows,
  imported: row.imported,
  rejected: row.rejected,
  unchanged: row.unchanged,
  duplicates: row.duplicates,
  committed: row.committed === 1,
  errorCount: row.error_count,
  errors: JSON.parse(row.errors) as RowError[],
  error: row.failure,
  createdAt: row.created_at,
  finishedAt: row.finished_at,
});

export function createCensusFilesService({
  repo,
  clock,
  blobs,
  queue,
  maxImportBytes = MAX_IMPORT_BYTES,
  readRowBatches = readRowBatchesHere,
  domains = DEFAULT_DOMAINS,
}: CensusFilesServiceDeps) {
  async function fixedAgency(actor: Actor, orgId: string | undefined) {
    if (orgId === undefined) {
      authorize(actor, 'census.import_catalog');
      return undefined;
    }
    const org = await repo.findOrganization(orgId);
    if (!org) throw notFound(`Organisation ${orgId}`);
    authorize(actor, 'census.edit', { orgId: org.id });
    if (org.kind !== 'agency') throw new AppError('validation', `${org.name} is not an agency: census entries belong to agencies`);
    return org;
  }

  async function checkCampaign(campaignId: string | undefined) {
    if (campaignId === undefined) return undefined;
    const campaign = await repo.findCampaign(campaignId);
    if (!campaign) throw notFound(`Campaign ${campaignId}`);
    if (campaign.status !== 'open') throw new AppError('conflict', `The campaign "${campaign.title}" is closed`);
    const targets = await repo.campaignTargets([campaign.id]);
    return { id: campaign.id, targets: new Set(targets.map((t) => t.org_id)) };
  }

  async function visibleImport(actor: Actor, id: string): Promise<CensusImportRow> {
    const row = await repo.findImport(id);
    // Others' imports are not even known to exist.
    if (!row || !(row.org_id === null ? can(actor, 'census.import_catalog') : can(actor, 'census.read_private', { orgId: row.org_id }))) {
      throw notFound(`Import ${id}`);
    }
    return row;
  }

  async function enqueue(row: CensusImportRow): Promise<ImportView> {
    await repo.insertImport(row);
    await queue.enqueue(RUN_IMPORT, { importId: row.id }, { idempotencyKey: `census-import:${row.id}` });
    return toImportView(row);
  }

  const service = {
    /**
     * Takes an uploaded file into the blob store (refusing it past MAX_IMPORT_BYTES) and queues its
     * import; who may import into what is checked now, before any byte is kept.
     */
    async startImport(
      actor: Actor,
      input: {
        body: AsyncIterable<Uint8Array>;
        fileName: string;
        mapping: string;
        orgId?: string | undefined;
        campaignId?: string | undefined;
        dryRun: boolean;
        validRowsOnly: boolean;
      },
    ): Promise<ImportView> {
      requireUser(actor);
      const mapping = NAMED_MAPPINGS[input.mapping];
      if (!mapping) {
        throw new AppError('validation', `Unknown mapping "${input.mapping}": use ${Object.keys(NAMED_MAPPINGS).join(' or ')}`, {
          problems: [{ field: 'mapping', message: `one of ${Object.keys(NAMED_MAPPINGS).join(', ')}` }],
        });
      }
      const agency = await fixedAgency(actor, input.orgId);
      const campaign = await checkCampaign(input.campaignId);
      if (campaign && agency && !campaign.targets.has(agency.id))
        throw new AppError('validation', `${agency.name} is not a target of this campaign`);
      const stored = await blobs.put(input.body, { maxBytes: maxImportBytes });
      return enqueue({
        id: uuidv7(),
        parent_id: null,
        org_id: agency?.id ?? null,
        campaign_id: campaign?.id ?? null,
        created_by: actor.kind === 'user' ? actor.userId : null,
        file_name: input.fileName,
        blob_key: stored.key,
        size: stored.size,
        mapping: input.mapping,
        dry_run: input.dryRun ? 1 : 0,
        valid_rows_only: input.validRowsOnly ? 1 : 0,
        ...NOT_RUN_YET,
        encoding: null,
        format: null,
        failure: null,
        created_at: isoNow(clock),
        finished_at: null,
      });
    },

    async getImport(actor: Actor, id: string): Promise<ImportView> {
      return toImportView(await visibleImport(actor, id));
    },

    /** Imports for real the file a finished dry run checked. */
    async commitImport(actor: Actor, id: string, input: { validRowsOnly: boolean }): Promise<ImportView> {
      const dryRun = await visibleImport(actor, id);
      await fixedAgency(actor, dryRun.org_id ?? undefined);
      if (dryRun.dry_run !== 1 || dryRun.status !== 'done') throw new AppError('conflict', 'Only a finished dry run can be committed');
      if (dryRun.rejected > 0 && !input.validRowsOnly) {
        throw new AppError('validation', `${dryRun.rejected} rows are invalid: fix the file, or import the valid rows only`);
      }
      return enqueue({
        ...dryRun,
        id: uuidv7(),
        parent_id: dryRun.id,
        created_by: actor.kind === 'user' ? actor.userId : null,
        dry_run: 0,
        valid_rows_only: input.validRowsOnly ? 1 : 0,
        ...NOT_RUN_YET,
        failure: null,
        created_at: isoNow(clock),
        finished_at: null,
      });
    },

    /**
     * The job: reads the stored file and imports it. Authorization happened when the import was
     * started; here the platform acts for the requester, within the agency the import was bound to.
     */
    async runImport(id: string): Promise<ImportView> {
      const row = await repo.findImport(id);
      if (!row) throw notFound(`Import ${id}`);
      if (row.status === 'done' || row.status === 'failed') return toImportView(row);
      await repo.updateImport(id, { status: 'running' });
      try {
        const report = await service.importEntries(
          { kind: 'system', name: `census-import:${id}` },
          {
            source: await blobs.get(row.blob_key),
            fileName: row.file_name,
            mapping: NAMED_MAPPINGS[row.mapping] ?? NATIVE_MAPPING,
            validRowsOnly: row.valid_rows_only === 1,
            dryRun: row.dry_run === 1,
            ...(row.org_id ? { orgId: row.org_id } : {}),
            ...(row.campaign_id ? { campaignId: row.campaign_id } : {}),
            by: row.created_by,
          },
        );
        await repo.updateImport(id, {
          status: 'done',
          rows: report.rows,
          imported: report.imported,
          rejected: report.rejected,
          unchanged: report.unchanged,
          error_count: report.errorCount,
          errors: JSON.stringify(report.errors),
          committed: report.committed && row.dry_run !== 1 ? 1 : 0,
          encoding: report.encoding ?? null,
          format: report.format ?? null,
          finished_at: isoNow(clock),
        });
        if (report.committed && row.dry_run !== 1) {
          await repo.updateImport(id, { duplicates: (await service.flagSimilarTitles(report.orgIds)).flagged });
        }
      } catch (error) {
        // The job's retries are for passing faults; a file that cannot be imported is a result.
        await repo.updateImport(id, {
          status: 'failed',
          failure: error instanceof Error ? error.message : String(error),
          finished_at: isoNow(clock),
        });
      }
      return toImportView((await repo.findImport(id))!);
    },

    /**
     * Flags entries of the same agency whose titles are near-identical (see DuplicateIndex), for a
     * steward or the operator to merge. Idempotent: flagging a pair again changes nothing. Runs after
     * an import has committed, so the import's transaction stays short.
     */
    async flagSimilarTitles(orgIds: readonly string[]): Promise<{ flagged: number }> {
      const now = isoNow(clock);
      let flagged = 0;
      for (const orgId of orgIds) {
        const index = new DuplicateIndex();
        const pairs: Array<{ id: string; similar: string[] }> = [];
        for (const entry of await repo.titlesOfOrganization(orgId)) {
          const similar = index.add(orgId, entry.id, entry.title, entry.org_name);
          if (similar.length > 0) pairs.push({ id: entry.id, similar });
        }
        if (pairs.length === 0) continue;
        await repo.transaction(async (tx) => {
          for (const { id, similar } of pairs) await tx.flagDuplicatePairs(id, similar, now);
        });
        flagged += pairs.length;
      }
      return { flagged };
    },

    /**
     * Imports a file of census entries. Nothing is written unless every row is valid, or
     * `validRowsOnly` says to write the valid ones; the report names every rejected row and column.
     */
    async importEntries(actor: Actor, request: ImportRequest): Promise<ImportReport> {
      const mapping = request.mapping.domains ? request.mapping : { ...request.mapping, domains };
      const agency = await fixedAgency(actor, request.orgId);
      const campaign = await checkCampaign(request.campaignId);
      if (campaign && agency && !campaign.targets.has(agency.id)) {
        throw new AppError('validation', `${agency.name} is not a target of this campaign`);
      }
      const status = request.status ?? 'draft';
      const by = request.by !== undefined ? request.by : actor.kind === 'user' ? actor.userId : null;
      const now = isoNow(clock);
      const meta: ReadMeta = {};
      const report: ImportReport = {
        imported: 0,
        rejected: 0,
        unchanged: 0,
        errors: [],
        errorCount: 0,
        orgIds: [],
        rows: 0,
        committed: false,
        format: undefined,
        encoding: undefined,
        agenciesCreated: 0,
      };
      const reject = (errors: RowError[]) => {
        report.rejected += 1;
        report.errorCount += errors.length;
        for (const error of errors) if (report.errors.length < MAX_REPORTED_ERRORS) report.errors.push(error);
      };

      try {
        await repo.transaction(async (tx) => {
          const agencies = new Map<string, { id: string; name: string }>();
          const touchedOrgs = new Set<string>();
          let batch: CensusEntryRow[] = [];

          const flush = async () => {
            if (batch.length === 0) return;
            // Entries an earlier import brought in stay as they are: the insert skips their
            // (source, external id), and what it did not write is counted as unchanged.
            const inserted = await tx.insertImportedEntries(batch);
            report.imported += inserted;
            report.unchanged += batch.length - inserted;
            batch = [];
          };

          const resolveAgency = async (
            code: string | undefined,
            name: string | undefined,
          ): Promise<{ id: string; name: string } | RowError[]> => {
            if (agency) {
              const matches =
                (code === undefined || code === agency.code) && (name === undefined || code !== undefined || name === agency.name);
              return matches ? agency : [];
            }
            if (code === undefined || name === undefined) return [];
            const cached = agencies.get(code);
            if (cached) return cached;
            const found = await tx.findOrCreateAgency(code, name, now);
            if (found.created) report.agenciesCreated += 1;
            agencies.set(code, found);
            return found;
          };

          // The agencies a batch names, found or created together before its rows are looked at.
          const preloadAgencies = async (rows: readonly PreparedRow[]) => {
            const wanted = new Map<string, string>();
            for (const { form, agency: named } of rows) {
              if (form && named?.code !== undefined && named.name !== undefined && !agencies.has(named.code))
                wanted.set(named.code, named.name);
            }
            if (wanted.size === 0) return;
            const { found, created } = await tx.findOrCreateAgencies(
              [...wanted].map(([code, name]) => ({ code, name })),
              now,
            );
            report.agenciesCreated += created;
            for (const [code, org] of found) agencies.set(code, org);
          };

          try {
            for await (const rows of readRowBatches(request.source, { mapping, fileName: request.fileName, meta })) {
              if (!agency) await preloadAgencies(rows);
              for (const mapped of rows) {
                report.rows += 1;
                if (!mapped.form) {
                  reject(mapped.errors);
                } else {
                  const org = await resolveAgency(mapped.agency?.code, mapped.agency?.name);
                  if (Array.isArray(org)) {
                    reject([
                      agency
                        ? {
                            row: mapped.row,
                            column: '',
                            message: `이 행의 기관이 가져오기 대상 기관(${agency.name})과 다릅니다`,
                            messageEn: `the row's agency is not the agency being imported into (${agency.name})`,
                          }
                        : {
                            row: mapped.row,
                            column: '',
                            message: '기관 코드와 기관명이 필요합니다(또는 가져올 기관을 지정하세요)',
                            messageEn: 'the agency code and name are required (or choose the agency to import into)',
                          },
                    ]);
                  } else if (campaign && !campaign.targets.has(org.id)) {
                    reject([
                      {
                        row: mapped.row,
                        column: '',
                        message: `${org.name}은(는) 이 조사의 대상 기관이 아닙니다`,
                        messageEn: `${org.name} is not a target of the campaign`,
                      },
                    ]);
                  } else {
                    const row = importedEntryRow({
                      orgId: org.id,
                      agencyName: org.name,
                      form: mapped.form,
                      source: mapping.source,
                      externalId: mapped.externalId ?? null,
                      campaignId: campaign?.id ?? null,
                      status,
                      by,
                      at: now,
                    });
                    touchedOrgs.add(org.id);
                    batch.push(row);
                    if (batch.length >= BATCH_ROWS) await flush();
                  }
                }
                if (report.rows % 1000 === 0)
                  request.onProgress?.({ rows: report.rows, valid: report.rows - report.rejected, rejected: report.rejected });
              }
            }
          } catch (error) {
            // An unreadable file is one more error in the report, at the row where reading stopped.
            if (!(error instanceof ImportFileError)) throw error;
            reject([error.toRowError()]);
          }
          await flush();
          // Likely duplicates (identical or near-identical titles) are flagged by `flagSimilarTitles`
          // once the import is in, so that this transaction stays as short as it can be.
          report.orgIds = [...touchedOrgs];
          report.format = meta.format;
          report.encoding = meta.encoding;
          request.onProgress?.({ rows: report.rows, valid: report.rows - report.rejected, rejected: report.rejected });
          if (request.dryRun || (report.rejected > 0 && !request.validRowsOnly)) throw new Rollback();
        });
        report.committed = true;
      } catch (error) {
        if (!(error instanceof Rollback)) throw error;
      }
      return report;
    },
  };
  return service;
}

export type CensusFilesService = ReturnType<typeof createCensusFilesService>;
