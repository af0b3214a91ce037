/**
 * Federation (issue 4): the operator registers other portals' CKAN APIs as harvest sources; their
 * datasets become search documents (kind 'harvested', visible to everyone) that carry their source
 * and follow it, changes and deletions included. Each source runs on its own with a timeout per
 * request and retries with backoff, and its failures go to its own log and `last_error`: a slow,
 * hanging or broken portal never holds up another.
 *
 * Rules only; HTTP through the `HttpFetch` port, SQL through the repositories.
 */
import { authorize, type Actor } from '../../core/auth/policy.js';
import { isoNow, type Clock } from '../../core/clock.js';
import { badRequest, notFound } from '../../core/errors.js';
import { uuidv7 } from '../../core/ids.js';
import type { HttpFetch, JobQueue } from '../../core/ports.js';
import { analyzeDocument, toFtsText } from './analyzer.js';
import type { CatalogRepository, NewDocument } from './catalog.repository.js';
import type { HarvestLogRow, HarvestRepository, HarvestSourceRow } from './harvest.repository.js';

export const HARVEST_JOB = 'catalog.harvest';
export const HARVEST_DUE_JOB = 'catalog.harvest-due';
export const PAGE_ROWS = 100;

export interface HarvestSource {
  id: string;
  name: string;
  kind: 'ckan';
  url: string;
  scheduleMinutes: number;
  enabled: boolean;
  lastRunAt: string | null;
  lastOkAt: string | null;
  lastError: string | null;
  createdAt: string;
}

export interface HarvestLogEntry {
  at: string;
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface HarvestOutcome {
  sourceId: string;
  ok: boolean;
  mode: 'full' | 'incremental';
  /** Packages read from the source. */
  fetched: number;
  upserted: number;
  deleted: number;
  error: string | null;
}

export interface NewHarvestSource {
  name: string;
  url: string;
  scheduleMinutes?: number | undefined;
  enabled?: boolean | undefined;
}

export interface HarvestServiceDeps {
  repo: HarvestRepository;
  documents: Pick<CatalogRepository, 'upsertDocuments' | 'deleteDocuments'>;
  fetch: HttpFetch;
  clock: Clock;
  queue: JobQueue;
  /** Per request; default 10 s. */
  timeoutMs?: number;
  /** Tries per request, the first included; default 3. */
  attempts?: number;
  /** Wait before the second try, doubled before each next; default 500 ms. */
  backoffMs?: number;
  /** A scheduled run is full (and sees deletions) when the last full one is older than this; default a day. */
  fullEveryMs?: number;
}

/** Why a request failed, and whether trying again may help. */
class FetchFailure extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
  }
}

const toSource = (row: HarvestSourceRow): HarvestSource => ({
  id: row.id,
  name: row.name,
  kind: row.kind,
  url: row.url,
  scheduleMinutes: row.schedule_minutes,
  enabled: row.enabled === 1,
  lastRunAt: row.last_run_at,
  lastOkAt: row.last_ok_at,
  lastError: row.last_error,
  createdAt: row.created_at,
});

/** The action API's base: `…/api/3/action` or `…/api/action` as given, else `/api/3/action` added to the portal's address. */
export function actionBase(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return /\/api(\/3)?\/action$/.test(trimmed) ? trimmed : `${trimmed}/api/3/action`;
}

const record = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** CKAN writes UTC times without a zone ('2026-08-04T07:19:14.753556'); ours are ISO with 'Z'. */
function isoOf(ckanTime: string, fallback: string): string {
  if (ckanTime === '') return fallback;
  const date = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(ckanTime) ? ckanTime : `${ckanTime}Z`);
  return Number.isNaN(date.getTime()) ? fallback : date.toISOString();
}

/**
 * The search document of a harvested CKAN package dict: title, notes as description, the
 * organization's title as agency, tags and resource formats.
 *
 * @example harvestedDocument(source, { id: 'p1', title: 'Snow', notes: '…', organization: { name: 'slf', title: 'SLF' } }, now)
 */
export function harvestedDocument(source: { id: string }, pkg: Record<string, unknown>, now: string): NewDocument | undefined {
  const remoteId = str(pkg.id) || str(pkg.name);
  if (remoteId === '') return undefined;
  const organization = record(pkg.organization);
  const agency = str(organization.title) || str(organization.name) || str(pkg.owner_org) || '(unknown)';
  const title = str(pkg.title) || str(pkg.name) || remoteId;
  const tags = (Array.isArray(pkg.tags) ? pkg.tags : [])
    .map((t) => str(record(t).display_name) || str(record(t).name))
    .filter((t) => t !== '');
  const formats = [
    ...new Set(
      (Array.isArray(pkg.resources) ? pkg.resources : [])
        .map((r) => str(record(r).format).replace(/\|/g, '').trim().toUpperCase())
        .filter((f) => f !== ''),
    ),
  ];
  const analyzed = analyzeDocument({ title, description: str(pkg.notes), keywords: [...tags, agency] });
  const created = /^(\d{4})/.exec(str(pkg.metadata_created))?.[1];
  return {
    id: `${source.id}:${remoteId}`,
    kind: 'harvested',
    org_id: `harvest:${source.id}:${str(organization.name) || str(pkg.owner_org) || 'none'}`,
    agency,
    status: 'accepted',
    title,
    domain: null,
    modality: null,
    readiness: null,
    provision_scope: null,
    personal_info: null,
    formats: formats.length > 0 ? `|${formats.join('|')}|` : '',
    year: created === undefined ? null : Number(created),
    updated_at: isoOf(str(pkg.metadata_modified), now),
    source_version: 0,
    title_terms: toFtsText(analyzed.title),
    body_terms: toFtsText(analyzed.body),
    term_count: analyzed.title.length + analyzed.body.length,
    source_id: source.id,
    remote_id: remoteId,
  };
}

export function createHarvestService(deps: HarvestServiceDeps) {
  const { repo, documents, fetch, clock, queue } = deps;
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const attempts = Math.max(deps.attempts ?? 3, 1);
  const backoffMs = deps.backoffMs ?? 500;
  const fullEveryMs = deps.fullEveryMs ?? 24 * 60 * 60 * 1000;

  async function log(sourceId: string, level: HarvestLogRow['level'], message: string): Promise<void> {
    await repo.appendLog({ id: uuidv7(clock.now().getTime()), source_id: sourceId, at: isoNow(clock), level, message });
  }

  async function sourceRow(id: string): Promise<HarvestSourceRow> {
    const row = await repo.getSource(id);
    if (!row) throw notFound('The harvest source');
    return row;
  }

  /** One GET with its timeout; throws a FetchFailure that says whether to retry. */
  async function getOnce(url: string, signal: AbortSignal | undefined): Promise<unknown> {
    let response;
    try {
      response = await fetch(url, { timeoutMs, ...(signal ? { signal } : {}) });
    } catch (error) {
      if (signal?.aborted) throw new FetchFailure('cancelled', false);
      const name = error instanceof Error ? error.name : '';
      if (name === 'TimeoutError' || name === 'AbortError') throw new FetchFailure(`timeout: no answer within ${timeoutMs} ms`, true);
      const cause = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      throw new FetchFailure(`network error: ${cause}`, true);
    }
    if (response.status >= 500) throw new FetchFailure(`HTTP ${response.status}`, true, response.status);
    if (response.status >= 400) throw new FetchFailure(`HTTP ${response.status}`, false, response.status);
    try {
      return await response.json();
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (name === 'TimeoutError' || name === 'AbortError') throw new FetchFailure(`timeout: no answer within ${timeoutMs} ms`, true);
      throw new FetchFailure('invalid JSON in the answer', true);
    }
  }

  async function getWithRetries(sourceId: string, url: string, signal: AbortSignal | undefined): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await getOnce(url, signal);
      } catch (error) {
        if (!(error instanceof FetchFailure) || !error.retryable || attempt >= attempts) throw error;
        const wait = backoffMs * 2 ** (attempt - 1);
        await log(sourceId, 'warn', `${error.message} (try ${attempt} of ${attempts}); trying again in ${wait} ms`);
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  /** One page of `package_search`: its total and its package dicts. */
  async function searchPage(source: HarvestSourceRow, start: number, since: string | undefined, signal: AbortSignal | undefined) {
    const params = new URLSearchParams({ rows: String(PAGE_ROWS), start: String(start), sort: 'id asc' });
    if (since !== undefined) params.set('fq', `metadata_modified:[${since} TO *]`);
    const body = record(await getWithRetries(source.id, `${actionBase(source.url)}/package_search?${params.toString()}`, signal));
    const result = record(body.result);
    if (body.success !== true || typeof result.count !== 'number' || !Array.isArray(result.results)) {
      throw new FetchFailure('not a CKAN package_search answer', false);
    }
    return { count: result.count, packages: result.results.map(record) };
  }

  /** Pages through the source; returns the remote ids seen. */
  async function harvest(source: HarvestSourceRow, since: string | undefined, signal: AbortSignal | undefined, outcome: HarvestOutcome) {
    const seen = new Set<string>();
    for (let start = 0; ; start += PAGE_ROWS) {
      const page = await searchPage(source, start, since, signal);
      const now = isoNow(clock);
      const docs = page.packages.flatMap((pkg) => harvestedDocument(source, pkg, now) ?? []);
      for (const doc of docs) seen.add(doc.remote_id ?? '');
      await documents.upsertDocuments(docs);
      outcome.fetched += page.packages.length;
      outcome.upserted += docs.length;
      if (page.packages.length === 0 || start + PAGE_ROWS >= page.count) return seen;
    }
  }

  /** Runs one source now; never throws for the source's own failures, which go to its log. */
  async function runSourceNow(id: string, options: { full?: boolean; signal?: AbortSignal } = {}): Promise<HarvestOutcome> {
    const source = await sourceRow(id);
    const startedAt = isoNow(clock);
    const due = source.last_full_at === null || clock.now().getTime() - Date.parse(source.last_full_at) >= fullEveryMs;
    let mode: HarvestOutcome['mode'] = options.full === true || due || source.last_ok_at === null ? 'full' : 'incremental';
    const outcome: HarvestOutcome = { sourceId: id, ok: false, mode, fetched: 0, upserted: 0, deleted: 0, error: null };
    await repo.updateSource(id, { last_run_at: startedAt });
    await log(id, 'info', `${mode} harvest started`);
    try {
      let seen: Set<string>;
      try {
        seen = await harvest(source, mode === 'incremental' ? (source.last_ok_at ?? undefined) : undefined, options.signal, outcome);
      } catch (error) {
        // A portal that does not take the `fq` filter answers 400: harvest it whole instead.
        if (mode !== 'incremental' || !(error instanceof FetchFailure) || error.status !== 400) throw error;
        await log(id, 'warn', 'the source refused an incremental query; harvesting it whole');
        mode = 'full';
        outcome.mode = 'full';
        outcome.fetched = 0;
        outcome.upserted = 0;
        seen = await harvest(source, undefined, options.signal, outcome);
      }
      if (mode === 'full') {
        const gone = (await repo.documentsOfSource(id)).filter((d) => d.remote_id === null || !seen.has(d.remote_id)).map((d) => d.id);
        outcome.deleted = await documents.deleteDocuments(gone);
      }
      outcome.ok = true;
      await repo.updateSource(id, {
        last_ok_at: startedAt,
        last_error: null,
        ...(mode === 'full' ? { last_full_at: startedAt } : {}),
      });
      await log(id, 'info', `${mode} harvest done: ${outcome.fetched} read, ${outcome.upserted} stored, ${outcome.deleted} removed`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      outcome.error = message;
      await repo.updateSource(id, { last_error: message });
      await log(id, 'error', `harvest failed: ${message}`);
    }
    return outcome;
  }

  return {
    /**
     * Registers a CKAN portal (its address, or its action API's) to harvest every `scheduleMinutes`.
     *
     * @example await harvest.addSource(operator, { name: 'EnviDat', url: 'https://www.envidat.ch/api/action' })
     */
    async addSource(actor: Actor, input: NewHarvestSource): Promise<HarvestSource> {
      authorize(actor, 'catalog.manage_harvest');
      let url: URL;
      try {
        url = new URL(input.url);
      } catch {
        throw badRequest('The URL is not valid', [{ field: 'url', message: 'not a URL' }]);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw badRequest('Only http and https sources can be harvested', [{ field: 'url', message: 'not http(s)' }]);
      }
      const name = input.name.trim();
      if (name === '') throw badRequest('A source needs a name', [{ field: 'name', message: 'empty' }]);
      const row: HarvestSourceRow = {
        id: uuidv7(clock.now().getTime()),
        name,
        kind: 'ckan',
        url: url.toString(),
        schedule_minutes: input.scheduleMinutes ?? 60,
        enabled: input.enabled === false ? 0 : 1,
        last_run_at: null,
        last_ok_at: null,
        last_full_at: null,
        last_error: null,
        created_at: isoNow(clock),
      };
      await repo.insertSource(row);
      await log(row.id, 'info', `source registered: ${row.url}`);
      return toSource(row);
    },

    async listSources(actor: Actor): Promise<HarvestSource[]> {
      authorize(actor, 'catalog.manage_harvest');
      return (await repo.listSources()).map(toSource);
    },

    /** A source's log, newest first. */
    async sourceLog(actor: Actor, id: string, limit = 100): Promise<HarvestLogEntry[]> {
      authorize(actor, 'catalog.manage_harvest');
      await sourceRow(id);
      return (await repo.listLog(id, Math.min(Math.max(limit, 1), 1000))).map(({ at, level, message }) => ({ at, level, message }));
    },

    /** Runs one source now (full when asked, or when due); its failure is its outcome, not an exception. */
    async runSource(actor: Actor, id: string, options: { full?: boolean } = {}): Promise<HarvestOutcome> {
      authorize(actor, 'catalog.manage_harvest');
      return runSourceNow(id, options);
    },

    /** The job's entry: runs one source. */
    runSourceNow,

    /** Runs every enabled source at once, each on its own: one that hangs or fails holds up no other. */
    async runAll(options: { full?: boolean } = {}): Promise<HarvestOutcome[]> {
      const sources = (await repo.listSources()).filter((s) => s.enabled === 1);
      return Promise.all(sources.map((s) => runSourceNow(s.id, options)));
    },

    /** Enqueues a harvest job for each enabled source, at most once per its period. */
    async enqueueDue(): Promise<number> {
      const now = clock.now().getTime();
      let created = 0;
      for (const source of await repo.listSources()) {
        if (source.enabled !== 1) continue;
        const period = Math.floor(now / (Math.max(source.schedule_minutes, 1) * 60_000));
        const job = await queue.enqueue(HARVEST_JOB, { sourceId: source.id }, { idempotencyKey: `harvest:${source.id}:${period}` });
        if (job.created) created++;
      }
      return created;
    },
  };
}

export type HarvestService = ReturnType<typeof createHarvestService>;
