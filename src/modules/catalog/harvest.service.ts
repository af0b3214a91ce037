/**
 * Federation (issue 4): the operator registers other portals as harvest sources, CKAN action APIs
 * or DCAT catalogs (Turtle or JSON-LD, paged with Hydra or Link headers); their datasets become
 * search documents (kind 'harvested', visible to everyone) that carry their source and follow it,
 * changes and deletions included. Each source runs on its own with a timeout per request and
 * retries with backoff, and its failures go to its own log and `last_error`: a slow, hanging or
 * broken portal never holds up another. Two runs of one source never overlap: a run holds the
 * source's lease (renewed while it works, expiring if its process dies). Source URLs pass the
 * deployment's outbound policy when they are added, and again at every fetch (SSRF guard).
 *
 * Rules only; HTTP through the `HttpFetch` port, SQL through the repositories.
 */
import { authorize, type Actor } from '../../core/auth/policy.js';
import { isoNow, type Clock } from '../../core/clock.js';
import { badRequest, conflict, notFound } from '../../core/errors.js';
import { uuidv7 } from '../../core/ids.js';
import type { HttpFetch, HttpResponse, JobQueue, OutboundUrlCheck } from '../../core/ports.js';
import { analyzeDocument, toFtsText } from './analyzer.js';
import { DCAT_ACCEPT, DcatReadError, readDcatPage, type DcatDatasetRecord, type DcatPageContent } from './harvest/dcat-source.js';
import type { CatalogRepository, NewDocument } from './catalog.repository.js';
import type { HarvestLogRow, HarvestRepository, HarvestSourceRow } from './harvest.repository.js';

export const HARVEST_JOB = 'catalog.harvest';
export const HARVEST_DUE_JOB = 'catalog.harvest-due';
export const PAGE_ROWS = 100;
export const HARVEST_KINDS = ['ckan', 'dcat'] as const;
export type HarvestKind = (typeof HARVEST_KINDS)[number];

export interface HarvestSource {
  id: string;
  name: string;
  kind: HarvestKind;
  url: string;
  scheduleMinutes: number;
  enabled: boolean;
  lastRunAt: string | null;
  lastOkAt: string | null;
  lastError: string | null;
  createdAt: string;
  /** A run holds the source's lease now. */
  running: boolean;
  /** Search documents the source has brought in (what it holds now). */
  documentCount: number;
}

export interface HarvestLogEntry {
  at: string;
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface HarvestOutcome {
  sourceId: string;
  ok: boolean;
  /** Another run held the source: this one did nothing. */
  alreadyRunning: boolean;
  mode: 'full' | 'incremental';
  /** Packages read from the source. */
  fetched: number;
  upserted: number;
  deleted: number;
  error: string | null;
}

export interface NewHarvestSource {
  name: string;
  /** Default 'ckan'. */
  kind?: HarvestKind | undefined;
  url: string;
  scheduleMinutes?: number | undefined;
  enabled?: boolean | undefined;
}

export interface HarvestServiceDeps {
  repo: HarvestRepository;
  documents: Pick<CatalogRepository, 'upsertDocuments' | 'deleteDocuments'>;
  fetch: HttpFetch;
  /** The outbound policy, asked when a source is added; default: http(s) only. */
  checkUrl?: OutboundUrlCheck;
  clock: Clock;
  queue: JobQueue;
  /** How long a run's lease lasts without renewal (it renews after each page); default 5 min. */
  leaseMs?: number;
  /** Pages read from a DCAT catalog at most; a longer one is harvested in part (no deletions). Default 500. */
  maxPages?: number;
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

const toSource = (row: HarvestSourceRow, now: string, documentCount: number): HarvestSource => ({
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
  running: row.lease_until !== null && row.lease_until > now,
  documentCount,
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

/**
 * The search document of a dataset read from a DCAT catalog: its title, description and keywords,
 * its publisher's name as agency, its distributions' formats.
 *
 * @example dcatDocument(source, { remoteId: 'e1', title: '주차장', agency: '서울특별시', formats: ['CSV'], … }, now)
 */
export function dcatDocument(source: { id: string }, record: DcatDatasetRecord, now: string): NewDocument {
  const agency = record.agency ?? '(unknown)';
  const analyzed = analyzeDocument({ title: record.title, description: record.description, keywords: [...record.keywords, agency] });
  const formats = [...new Set(record.formats.map((f) => f.replace(/\|/g, '').trim().toUpperCase()).filter((f) => f !== ''))];
  const year = /^(\d{4})/.exec(record.issued ?? record.modified ?? '')?.[1];
  return {
    id: `${source.id}:${record.remoteId}`,
    kind: 'harvested',
    org_id: `harvest:${source.id}:${agency}`,
    agency,
    status: 'accepted',
    title: record.title,
    domain: null,
    modality: null,
    readiness: null,
    provision_scope: null,
    personal_info: null,
    formats: formats.length > 0 ? `|${formats.join('|')}|` : '',
    year: year === undefined ? null : Number(year),
    updated_at: record.modified ?? record.issued ?? now,
    source_version: 0,
    title_terms: toFtsText(analyzed.title),
    body_terms: toFtsText(analyzed.body),
    term_count: analyzed.title.length + analyzed.body.length,
    source_id: source.id,
    remote_id: record.remoteId,
  };
}

/** Where to look for a queued run. */
export interface QueuedHarvestRun {
  sourceId: string;
  jobId: string;
  status: 'queued';
  /** The source (its `running`, `lastRunAt`, `lastOkAt`, `lastError`). */
  sourceUrl: string;
  /** Its log, newest first. */
  logUrl: string;
}

export const SOURCES_PATH = '/api/v1/catalog/harvest/sources';

export function createHarvestService(deps: HarvestServiceDeps) {
  const { repo, documents, fetch, clock, queue } = deps;
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const attempts = Math.max(deps.attempts ?? 3, 1);
  const backoffMs = deps.backoffMs ?? 500;
  const fullEveryMs = deps.fullEveryMs ?? 24 * 60 * 60 * 1000;
  const leaseMs = deps.leaseMs ?? 5 * 60 * 1000;
  const maxPages = Math.max(deps.maxPages ?? 500, 1);
  const checkUrl: OutboundUrlCheck =
    deps.checkUrl ??
    (async (url) => {
      const protocol = URL.canParse(url) ? new URL(url).protocol : '';
      return protocol === 'http:' || protocol === 'https:' ? null : 'only http and https URLs can be fetched';
    });

  /** What a run keeps between pages: its outcome, its lease and when to renew it. */
  interface RunState {
    source: HarvestSourceRow;
    signal: AbortSignal | undefined;
    outcome: HarvestOutcome;
    token: string;
    renewAt: number;
    /** How CKAN pages are sorted: by id, else (a portal that refuses it) by title. */
    ckanSort: 'id asc' | 'title_string asc';
  }

  const leaseUntil = () => new Date(clock.now().getTime() + leaseMs).toISOString();

  /** Renews the run's lease when a third of it has passed; a run that lost it stops. */
  async function keepLease(run: RunState): Promise<void> {
    if (clock.now().getTime() < run.renewAt) return;
    if (!(await repo.renewLease(run.source.id, run.token, leaseUntil()))) {
      throw new FetchFailure(
        'the run lost its lease (it ran longer than the lease without renewing); another run may hold the source',
        false,
      );
    }
    run.renewAt = clock.now().getTime() + leaseMs / 3;
  }

  async function documentCounts(): Promise<Map<string, number>> {
    return repo.documentCounts();
  }

  async function log(sourceId: string, level: HarvestLogRow['level'], message: string): Promise<void> {
    await repo.appendLog({ id: uuidv7(clock.now().getTime()), source_id: sourceId, at: isoNow(clock), level, message });
  }

  async function sourceRow(id: string): Promise<HarvestSourceRow> {
    const row = await repo.getSource(id);
    if (!row) throw notFound('The harvest source');
    return row;
  }

  /** Why a fetch failed, as a FetchFailure that says whether to retry. */
  function failureOf(error: unknown, signal: AbortSignal | undefined): FetchFailure {
    if (error instanceof FetchFailure) return error;
    if (signal?.aborted) return new FetchFailure('cancelled', false);
    const name = error instanceof Error ? error.name : '';
    if (name === 'TimeoutError' || name === 'AbortError') return new FetchFailure(`timeout: no answer within ${timeoutMs} ms`, true);
    if (name === 'OutboundRefusedError') return new FetchFailure(`refused: ${(error as Error).message}`, false);
    if (error instanceof DcatReadError) return new FetchFailure(error.message, false);
    if (error instanceof SyntaxError) return new FetchFailure('invalid JSON in the answer', true);
    const cause = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    return new FetchFailure(`network error: ${cause}`, true);
  }

  /** One GET with its timeout, its answer read by `read`; throws a FetchFailure that says whether to retry. */
  async function getOnce<T>(
    url: string,
    accept: string,
    signal: AbortSignal | undefined,
    read: (r: HttpResponse) => Promise<T>,
  ): Promise<T> {
    let response: HttpResponse;
    try {
      response = await fetch(url, { timeoutMs, accept, ...(signal ? { signal } : {}) });
    } catch (error) {
      throw failureOf(error, signal);
    }
    if (response.status >= 500) throw new FetchFailure(`HTTP ${response.status}`, true, response.status);
    if (response.status >= 400) throw new FetchFailure(`HTTP ${response.status}`, false, response.status);
    if (response.status >= 300)
      throw new FetchFailure(`HTTP ${response.status} (a redirect without a usable Location)`, false, response.status);
    try {
      return await read(response);
    } catch (error) {
      throw failureOf(error, signal);
    }
  }

  async function getWithRetries<T>(
    sourceId: string,
    url: string,
    accept: string,
    signal: AbortSignal | undefined,
    read: (r: HttpResponse) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await getOnce(url, accept, signal, read);
      } catch (error) {
        if (!(error instanceof FetchFailure) || !error.retryable || attempt >= attempts) throw error;
        const wait = backoffMs * 2 ** (attempt - 1);
        await log(sourceId, 'warn', `${error.message} (try ${attempt} of ${attempts}); trying again in ${wait} ms`);
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  /** One page of `package_search`: its total and its package dicts. */
  /** CKAN answers a query it does not take with 400, or 409 ("Validation Error"). */
  const refusedQuery = (error: unknown) => error instanceof FetchFailure && (error.status === 400 || error.status === 409);

  async function searchPage(run: RunState, start: number, since: string | undefined) {
    try {
      return await searchPageSorted(run.source, start, since, run.signal, run.ckanSort);
    } catch (error) {
      // Not every portal sorts by id (ours sorts by title or time): page by title there.
      if (start !== 0 || run.ckanSort !== 'id asc' || !refusedQuery(error)) throw error;
      run.ckanSort = 'title_string asc';
      await log(run.source.id, 'warn', 'the source does not sort by id; paging by title instead');
      return searchPageSorted(run.source, start, since, run.signal, run.ckanSort);
    }
  }

  async function searchPageSorted(
    source: HarvestSourceRow,
    start: number,
    since: string | undefined,
    signal: AbortSignal | undefined,
    sort: RunState['ckanSort'],
  ) {
    const params = new URLSearchParams({ rows: String(PAGE_ROWS), start: String(start), sort });
    if (since !== undefined) params.set('fq', `metadata_modified:[${since} TO *]`);
    const body = record(
      await getWithRetries(source.id, `${actionBase(source.url)}/package_search?${params.toString()}`, 'application/json', signal, (r) =>
        r.json(),
      ),
    );
    const result = record(body.result);
    if (body.success !== true || typeof result.count !== 'number' || !Array.isArray(result.results)) {
      throw new FetchFailure('not a CKAN package_search answer', false);
    }
    return { count: result.count, packages: result.results.map(record) };
  }

  /** Pages through a CKAN source; returns the remote ids seen (all of them: a CKAN run is always complete). */
  async function harvestCkan(run: RunState, since: string | undefined): Promise<{ seen: Set<string>; complete: boolean }> {
    const { source, outcome } = run;
    const seen = new Set<string>();
    for (let start = 0; ; start += PAGE_ROWS) {
      const page = await searchPage(run, start, since);
      const now = isoNow(clock);
      const docs = page.packages.flatMap((pkg) => harvestedDocument(source, pkg, now) ?? []);
      for (const doc of docs) seen.add(doc.remote_id ?? '');
      await documents.upsertDocuments(docs);
      outcome.fetched += page.packages.length;
      outcome.upserted += docs.length;
      await keepLease(run);
      if (page.packages.length === 0 || start + PAGE_ROWS >= page.count) return { seen, complete: true };
    }
  }

  /**
   * Pages through a DCAT catalog (Hydra's next page, else the Link header's), on the source's own
   * origin only and `maxPages` at most; returns the remote ids seen, and whether every page was read.
   */
  async function harvestDcat(run: RunState): Promise<{ seen: Set<string>; complete: boolean }> {
    const { source, signal, outcome } = run;
    const seen = new Set<string>();
    const visited = new Set<string>();
    const origin = new URL(source.url).origin;
    let url: string | null = source.url;
    for (let pages = 0; url !== null; pages++) {
      if (pages >= maxPages) {
        await log(source.id, 'warn', `stopped after ${maxPages} pages; the rest of the catalog was not read and nothing was removed`);
        return { seen, complete: false };
      }
      visited.add(url);
      const page: DcatPageContent = await getWithRetries(source.id, url, DCAT_ACCEPT, signal, async (r) =>
        readDcatPage(await r.text(), r.header('content-type'), r.url, r.header('link')),
      );
      const now = isoNow(clock);
      const docs = page.datasets.map((d) => dcatDocument(source, d, now));
      for (const doc of docs) seen.add(doc.remote_id ?? '');
      await documents.upsertDocuments(docs);
      outcome.fetched += page.datasets.length + page.skipped;
      outcome.upserted += docs.length;
      if (page.skipped > 0) await log(source.id, 'warn', `${page.skipped} datasets with neither an identifier nor an IRI were skipped`);
      await keepLease(run);
      const next: string | null = page.next;
      if (next !== null && new URL(next).origin !== origin) {
        await log(source.id, 'warn', `the next page ${next} is on another site; not followed, and nothing was removed`);
        return { seen, complete: false };
      }
      url = next !== null && !visited.has(next) ? next : null;
    }
    return { seen, complete: true };
  }

  /**
   * Runs one source now, unless another run holds it (then the outcome says `alreadyRunning`);
   * never throws for the source's own failures, which go to its log.
   */
  async function runSourceNow(id: string, options: { full?: boolean; signal?: AbortSignal } = {}): Promise<HarvestOutcome> {
    const source = await sourceRow(id);
    const startedAt = isoNow(clock);
    const due = source.last_full_at === null || clock.now().getTime() - Date.parse(source.last_full_at) >= fullEveryMs;
    let mode: HarvestOutcome['mode'] =
      source.kind === 'dcat' || options.full === true || due || source.last_ok_at === null ? 'full' : 'incremental';
    const outcome: HarvestOutcome = {
      sourceId: id,
      ok: false,
      alreadyRunning: false,
      mode,
      fetched: 0,
      upserted: 0,
      deleted: 0,
      error: null,
    };
    const token = uuidv7(clock.now().getTime());
    if (!(await repo.acquireLease(id, token, startedAt, leaseUntil()))) {
      outcome.alreadyRunning = true;
      outcome.error = 'already running: another run of this source holds it';
      await log(id, 'warn', 'a run was asked for while another run holds the source; it was not started');
      return outcome;
    }
    const run: RunState = {
      source,
      signal: options.signal,
      outcome,
      token,
      renewAt: clock.now().getTime() + leaseMs / 3,
      ckanSort: 'id asc',
    };
    try {
      await repo.updateSource(id, { last_run_at: startedAt });
      await log(id, 'info', `${mode} harvest started`);
      let result: { seen: Set<string>; complete: boolean };
      if (source.kind === 'dcat') {
        result = await harvestDcat(run);
      } else {
        try {
          result = await harvestCkan(run, mode === 'incremental' ? (source.last_ok_at ?? undefined) : undefined);
        } catch (error) {
          // A portal that does not take the `fq` filter answers 400 or 409: harvest it whole instead.
          if (mode !== 'incremental' || !refusedQuery(error)) throw error;
          await log(id, 'warn', 'the source refused an incremental query; harvesting it whole');
          mode = 'full';
          outcome.mode = 'full';
          outcome.fetched = 0;
          outcome.upserted = 0;
          result = await harvestCkan(run, undefined);
        }
      }
      if (mode === 'full' && result.complete) {
        const gone = (await repo.documentsOfSource(id))
          .filter((d) => d.remote_id === null || !result.seen.has(d.remote_id))
          .map((d) => d.id);
        outcome.deleted = await documents.deleteDocuments(gone);
      }
      outcome.ok = true;
      await repo.updateSource(id, {
        last_ok_at: startedAt,
        last_error: null,
        ...(mode === 'full' && result.complete ? { last_full_at: startedAt } : {}),
      });
      await log(id, 'info', `${mode} harvest done: ${outcome.fetched} read, ${outcome.upserted} stored, ${outcome.deleted} removed`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      outcome.error = message;
      await repo.updateSource(id, { last_error: message });
      await log(id, 'error', `harvest failed: ${message}`);
    } finally {
      await repo.releaseLease(id, token);
    }
    return outcome;
  }

  async function sourceView(row: HarvestSourceRow): Promise<HarvestSource> {
    return toSource(row, isoNow(clock), (await documentCounts()).get(row.id) ?? 0);
  }

  return {
    /**
     * Registers a CKAN portal (its address, or its action API's) or a DCAT catalog (its first page's
     * URL) to harvest every `scheduleMinutes`. The URL must pass the outbound policy.
     *
     * @example await harvest.addSource(operator, { name: 'EnviDat', url: 'https://www.envidat.ch/api/action' })
     * @example await harvest.addSource(operator, { name: 'Portal', kind: 'dcat', url: 'https://data.example.eu/catalog.ttl' })
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
      const kind = input.kind ?? 'ckan';
      if (!HARVEST_KINDS.includes(kind)) {
        throw badRequest(`A source is one of ${HARVEST_KINDS.join(', ')}`, [
          { field: 'kind', message: `not one of ${HARVEST_KINDS.join(', ')}` },
        ]);
      }
      const refused = await checkUrl(url.toString());
      if (refused !== null) throw badRequest(`This URL cannot be harvested: ${refused}`, [{ field: 'url', message: refused }]);
      const row: HarvestSourceRow = {
        id: uuidv7(clock.now().getTime()),
        name,
        kind,
        url: url.toString(),
        schedule_minutes: input.scheduleMinutes ?? 60,
        enabled: input.enabled === false ? 0 : 1,
        last_run_at: null,
        last_ok_at: null,
        last_full_at: null,
        last_error: null,
        created_at: isoNow(clock),
        lease_token: null,
        lease_until: null,
      };
      await repo.insertSource(row);
      await log(row.id, 'info', `${kind} source registered: ${row.url}`);
      return toSource(row, isoNow(clock), 0);
    },

    async listSources(actor: Actor): Promise<HarvestSource[]> {
      authorize(actor, 'catalog.manage_harvest');
      const counts = await documentCounts();
      const now = isoNow(clock);
      return (await repo.listSources()).map((row) => toSource(row, now, counts.get(row.id) ?? 0));
    },

    /** One source and how its runs went. */
    async getSource(actor: Actor, id: string): Promise<HarvestSource> {
      authorize(actor, 'catalog.manage_harvest');
      return sourceView(await sourceRow(id));
    },

    /** A source's log, newest first. */
    async sourceLog(actor: Actor, id: string, limit = 100): Promise<HarvestLogEntry[]> {
      authorize(actor, 'catalog.manage_harvest');
      await sourceRow(id);
      return (await repo.listLog(id, Math.min(Math.max(limit, 1), 1000))).map(({ at, level, message }) => ({ at, level, message }));
    },

    /**
     * Runs one source now and waits for it (full when asked, or when due); its failure is its
     * outcome, not an exception, and so is another run holding the source (`alreadyRunning`).
     */
    async runSource(actor: Actor, id: string, options: { full?: boolean } = {}): Promise<HarvestOutcome> {
      authorize(actor, 'catalog.manage_harvest');
      return runSourceNow(id, options);
    },

    /**
     * Queues a run of one source for the workers; a conflict when a run holds the source now.
     *
     * @example await harvest.enqueueRun(operator, id) // { sourceId, jobId, status: 'queued', sourceUrl, logUrl }
     */
    async enqueueRun(actor: Actor, id: string, options: { full?: boolean } = {}): Promise<QueuedHarvestRun> {
      authorize(actor, 'catalog.manage_harvest');
      const row = await sourceRow(id);
      if (row.lease_until !== null && row.lease_until > isoNow(clock)) {
        throw conflict('This source is being harvested now; wait for that run to end (see its log)');
      }
      const job = await queue.enqueue(HARVEST_JOB, { sourceId: id, full: options.full === true });
      return {
        sourceId: id,
        jobId: job.id,
        status: 'queued',
        sourceUrl: `${SOURCES_PATH}/${encodeURIComponent(id)}`,
        logUrl: `${SOURCES_PATH}/${encodeURIComponent(id)}/log`,
      };
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
