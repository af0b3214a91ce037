/**
 * The usage ledger's rules: ingestion (group-committed, once per key), the integrator that appends
 * new events to the Merkle tree, signed tree heads, proofs, single events and usage aggregates with
 * who may see what. Storage goes through the repository; hashing and proofs through the pure engine.
 */
import { authorize, can, type Actor } from '../../core/auth/policy.js';
import type { Clock } from '../../core/clock.js';
import { AppError, notFound } from '../../core/errors.js';
import type { UsageEventInput } from '../../core/ports.js';
import { canonicalEventBytes, eventLeafHash, frontierNodes, rangeNodes, type UsageEventRow } from './ledger.events.js';
import type { LedgerKeys } from './ledger.keys.js';
import { createLedgerRecorder, type LedgerRecorder } from './ledger.recorder.js';
import type { KeyName, LedgerRepository, LedgerTreeHeadRow, UsageAggregateRow, UsageQuery } from './ledger.repository.js';
import {
  appendLeaves,
  consistencyProof,
  consistencyProofRanges,
  inclusionProof,
  inclusionProofRanges,
  MemorySubtreeStore,
  type ProofRange,
  toHex,
} from './merkle.js';
import {
  publicKeyToBase64,
  publicKeyToPem,
  signTreeHead,
  type SignedTreeHead,
  treeHeadToJson,
  type SignedTreeHeadJson,
} from './tree-head.js';

export const LEDGER_INTEGRATE_JOB = 'ledger.integrate';
export const LEDGER_SIGN_JOB = 'ledger.sign_tree_head';

export interface LedgerServiceDeps {
  repo: LedgerRepository;
  clock: Clock;
  keys: LedgerKeys;
  /** Integrate the tree shortly after each commit of the recorder (default true; the bench and tests may say). */
  autoIntegrate?: boolean;
  /** Events per integrator transaction (default 10,000). */
  integrateBatch?: number;
  recorder?: { maxWaitMs?: number; maxBatch?: number; maxInFlight?: number };
}

export interface PublicKeyInfo {
  algorithm: 'Ed25519';
  keyId: string;
  pem: string;
  /** Base64 of the raw 32-byte public key. */
  raw: string;
}

export interface InclusionProofReply {
  seq: number;
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  auditPath: string[];
  /** The signed head of that size, when one was issued (the proof verifies against its root). */
  treeHead: SignedTreeHeadJson | null;
}

export interface ConsistencyProofReply {
  from: number;
  to: number;
  proof: string[];
  fromHead: SignedTreeHeadJson | null;
  toHead: SignedTreeHeadJson | null;
}

export interface LedgerEvent {
  seq: number;
  leafIndex: number | null;
  event: UsageEventRow;
  /** Base64 of the canonical bytes the leaf hashes. */
  canonical: string;
  leafHash: string;
}

export interface UsageFilter {
  groupBy: 'org' | 'dataset' | 'month';
  from?: string | undefined;
  to?: string | undefined;
  datasetId?: string | undefined;
  orgId?: string | undefined;
  /** provider: use of the reader's organisations' datasets; consumer: the reader's organisations' own use; default both. */
  side?: 'provider' | 'consumer' | undefined;
}

export interface UsageReply {
  groupBy: UsageFilter['groupBy'];
  /** Rows grouped by organisation or dataset carry its name (null when it is gone, and for months). */
  rows: Array<UsageAggregateRow & { name: string | null; nameEn: string | null }>;
  /** Sum of quantity per unit over every row. */
  totals: Array<{ unit: string; quantity: number; events: number }>;
}

export function headRowToSigned(row: LedgerTreeHeadRow): SignedTreeHead {
  return { treeSize: row.size, rootHash: row.root, timestamp: row.timestamp, keyId: row.key_id, signature: row.signature };
}

export function createLedgerService(deps: LedgerServiceDeps) {
  const { repo, clock, keys } = deps;
  const integrateBatch = deps.integrateBatch ?? 10_000;

  // One integration at a time in this process (others, in other processes, are kept out by the
  // compare-and-set on the tree's size); a request while one runs asks for one more pass after it.
  let running: Promise<{ size: number; appended: number }> | undefined;
  let again = false;
  let autoTimer: NodeJS.Timeout | undefined;
  let lastAutoError: unknown;

  /** One integrator pass: appends up to `integrateBatch` events; 0 when nothing new (or another integrator won). */
  async function integrateOnce(): Promise<{ appended: number; size: number; lost: boolean }> {
    const state = await repo.getState();
    const horizon = await repo.horizon();
    if (horizon <= state.last_seq) return { appended: 0, size: state.size, lost: false };
    const events = await repo.eventsAfter(state.last_seq, horizon, integrateBatch);
    if (events.length === 0) return { appended: 0, size: state.size, lost: false };
    const wanted = frontierNodes(state.size);
    const found = await repo.getNodes(wanted);
    const store = new MemorySubtreeStore();
    for (const { level, index } of wanted) {
      const hash = found.get(`${level}:${index}`);
      if (!hash) throw new Error(`ledger: node level ${level} index ${index} of the frontier is missing`);
      store.put([{ level, index, hash }]);
    }
    const result = await appendLeaves(state.size, events.map(eventLeafHash), store);
    const nodes = result.nodes.map((n) => ({ ...n, seq: n.level === 0 ? events[n.index - state.size]!.seq : null }));
    const ok = await repo.commitAppend(
      state.size,
      { size: result.size, root: result.root, lastSeq: events[events.length - 1]!.seq, updatedAt: clock.now().toISOString() },
      nodes,
    );
    return ok ? { appended: events.length, size: result.size, lost: false } : { appended: 0, size: state.size, lost: true };
  }

  async function integrateAll(): Promise<{ size: number; appended: number }> {
    let appended = 0;
    let size: number;
    for (let lost = 0; ;) {
      const pass = await integrateOnce();
      appended += pass.appended;
      size = pass.size;
      if (pass.lost) {
        if (++lost > 20) break;
        continue;
      }
      if (pass.appended < integrateBatch) break;
    }
    return { size, appended };
  }

  function integrate(): Promise<{ size: number; appended: number }> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        let total = 0;
        let size = 0;
        do {
          again = false;
          const r = await integrateAll();
          total += r.appended;
          size = r.size;
        } while (again);
        return { size, appended: total };
      } finally {
        running = undefined;
      }
    })();
    return running;
  }

  const scheduleIntegration = (): void => {
    if (deps.autoIntegrate === false || autoTimer) return;
    autoTimer = setTimeout(() => {
      autoTimer = undefined;
      integrate().catch((error: unknown) => (lastAutoError = error));
    }, 5);
    autoTimer.unref();
  };

  const recorder: LedgerRecorder = createLedgerRecorder({
    insertEvents: repo.insertEvents,
    clock,
    ...deps.recorder,
    onCommitted: scheduleIntegration,
  });

  /** Fetches every node a set of proof ranges needs in one query, into a memory store. */
  async function storeFor(ranges: readonly ProofRange[]): Promise<MemorySubtreeStore> {
    const keysNeeded = ranges.flatMap((r) => rangeNodes(r.start, r.end));
    const found = await repo.getNodes(keysNeeded);
    const store = new MemorySubtreeStore();
    for (const k of keysNeeded) {
      const hash = found.get(`${k.level}:${k.index}`);
      if (hash) store.put([{ level: k.level, index: k.index, hash }]);
    }
    return store;
  }

  const headJson = (row: LedgerTreeHeadRow | undefined): SignedTreeHeadJson | null => (row ? treeHeadToJson(headRowToSigned(row)) : null);

  async function checkSize(size: number, what: string): Promise<void> {
    const state = await repo.getState();
    if (size > state.size) throw new AppError('not_found', `${what} ${size} is beyond the log's ${state.size} integrated events`);
  }

  /** The organisations whose usage `actor` may see, by side; 'all' for oversight. */
  function visibility(actor: Actor, side: UsageFilter['side']): UsageQuery['visibleTo'] {
    if (can(actor, 'ledger.read_usage_all')) return 'all';
    if (actor.kind !== 'user') {
      authorize(actor, 'ledger.read_usage_all');
      return 'all';
    }
    const memberships = actor.tokenOrgId !== undefined ? actor.memberships.filter((m) => m.orgId === actor.tokenOrgId) : actor.memberships;
    const orgs = [...new Set(memberships.map((m) => m.orgId))].filter((orgId) => can(actor, 'ledger.read_usage', { orgId }));
    if (orgs.length === 0) authorize(actor, 'ledger.read_usage', {});
    return { providerOrgs: side === 'consumer' ? [] : orgs, consumerOrgs: side === 'provider' ? [] : orgs };
  }

  return {
    /** The port other modules record usage through: group-committed, durable when it resolves. */
    recorder,

    /** POST /events: a trusted producer records one event. */
    async record(actor: Actor, event: UsageEventInput): Promise<{ seq: number; duplicate: boolean }> {
      authorize(actor, 'ledger.record');
      try {
        return await recorder.record(event);
      } catch (error) {
        if (error instanceof RangeError) throw new AppError('validation', error.message);
        throw error;
      }
    },

    /** Appends every event recorded so far to the tree (the `ledger.integrate` job, and after commits). */
    integrate,

    /** The last error of an automatic integration (the scheduled job retries; tests look here). */
    lastIntegrationError: () => lastAutoError,

    /**
     * Integrates, then signs a head of the current tree when it grew since the latest head (or when
     * `force`); returns the latest head either way.
     */
    async signTreeHead(actor: Actor, options: { force?: boolean } = {}): Promise<SignedTreeHeadJson> {
      authorize(actor, 'ledger.sign');
      await integrate();
      const state = await repo.getState();
      const latest = await repo.latestTreeHead();
      if (latest && latest.size === state.size && !options.force) return treeHeadToJson(headRowToSigned(latest));
      const head = signTreeHead({ treeSize: state.size, rootHash: state.root, timestamp: clock.now().getTime() }, keys.privateKey);
      await repo.insertTreeHead({
        size: head.treeSize,
        root: head.rootHash,
        timestamp: head.timestamp,
        signature: head.signature,
        key_id: head.keyId,
        created_at: clock.now().toISOString(),
      });
      return treeHeadToJson(head);
    },

    publicKey(): PublicKeyInfo {
      return { algorithm: 'Ed25519', keyId: keys.keyId, pem: publicKeyToPem(keys.publicKey), raw: publicKeyToBase64(keys.publicKey) };
    },

    async latestTreeHead(): Promise<SignedTreeHeadJson> {
      const latest = await repo.latestTreeHead();
      if (!latest) throw notFound('A signed tree head');
      return treeHeadToJson(headRowToSigned(latest));
    },

    async treeHeads(after: number, limit: number): Promise<SignedTreeHeadJson[]> {
      return (await repo.treeHeads(after, limit)).map((r) => treeHeadToJson(headRowToSigned(r)));
    },

    /** The state of the tree (integrated size and root), for operators and tests. */
    async state(): Promise<{ size: number; root: string; lastSeq: number }> {
      const s = await repo.getState();
      return { size: s.size, root: toHex(s.root), lastSeq: s.last_seq };
    },

    /** The audit path of event `seq` in the tree of `treeSize` (default: the latest signed head's). */
    async inclusionProof(query: { seq: number; treeSize?: number | undefined }): Promise<InclusionProofReply> {
      const treeSize = query.treeSize ?? (await repo.latestTreeHead())?.size;
      if (treeSize === undefined) throw notFound('A signed tree head');
      await checkSize(treeSize, 'Tree size');
      const leafIndex = await repo.leafIndexOf(query.seq);
      if (leafIndex === undefined) throw notFound(`Usage event ${query.seq} in the log`);
      if (leafIndex >= treeSize)
        throw new AppError('not_found', `Usage event ${query.seq} (leaf ${leafIndex}) is not in the tree of size ${treeSize}`);
      const store = await storeFor(inclusionProofRanges(leafIndex, treeSize));
      const path = await inclusionProof(store, leafIndex, treeSize);
      const leaf = (await repo.getNodes([{ level: 0, index: leafIndex }])).get(`0:${leafIndex}`)!;
      return {
        seq: query.seq,
        leafIndex,
        treeSize,
        leafHash: toHex(leaf),
        auditPath: path.map(toHex),
        treeHead: headJson(await repo.treeHeadAt(treeSize)),
      };
    },

    /** The proof that the tree of size `from` is a prefix of the tree of size `to` (default: the latest head's). */
    async consistencyProof(query: { from: number; to?: number | undefined }): Promise<ConsistencyProofReply> {
      const to = query.to ?? (await repo.latestTreeHead())?.size;
      if (to === undefined) throw notFound('A signed tree head');
      if (query.from > to) throw new AppError('validation', `from (${query.from}) must not exceed to (${to})`);
      await checkSize(to, 'Tree size');
      const store = await storeFor(consistencyProofRanges(query.from, to));
      const proof = await consistencyProof(store, query.from, to);
      return {
        from: query.from,
        to,
        proof: proof.map(toHex),
        fromHead: headJson(await repo.treeHeadAt(query.from)),
        toHead: headJson(await repo.treeHeadAt(to)),
      };
    },

    /** One stored event and the bytes its leaf hashes. */
    async getEvent(actor: Actor, seq: number): Promise<LedgerEvent> {
      const event = await repo.getEvent(seq);
      if (!event) {
        if (actor.kind === 'anonymous') authorize(actor, 'ledger.read_event');
        throw notFound(`Usage event ${seq}`);
      }
      const allowed =
        can(actor, 'ledger.read_event', event.org_id !== null ? { orgId: event.org_id } : {}) ||
        can(actor, 'ledger.read_event', { orgId: (await repo.datasetOrg(event.dataset_id)) ?? '' });
      if (!allowed) authorize(actor, 'ledger.read_event', event.org_id !== null ? { orgId: event.org_id } : {});
      const bytes = canonicalEventBytes(event);
      return {
        seq,
        leafIndex: (await repo.leafIndexOf(seq)) ?? null,
        event,
        canonical: Buffer.from(bytes).toString('base64'),
        leafHash: toHex(eventLeafHash(event)),
      };
    },

    /** Sum of quantity per unit, grouped by organisation, dataset or month, over what `actor` may see. */
    async usage(actor: Actor, filter: UsageFilter): Promise<UsageReply> {
      const visibleTo = visibility(actor, filter.side);
      const rows = await repo.usage({
        groupBy: filter.groupBy,
        visibleTo,
        ...(filter.from !== undefined ? { from: filter.from } : {}),
        ...(filter.to !== undefined ? { to: filter.to } : {}),
        ...(filter.datasetId !== undefined ? { datasetId: filter.datasetId } : {}),
        ...(filter.orgId !== undefined ? { orgId: filter.orgId } : {}),
      });
      const keys = [...new Set(rows.map((r) => r.key).filter((k): k is string => k !== null))];
      const names = filter.groupBy === 'month' || keys.length === 0 ? new Map<string, KeyName>() : await repo.namesOf(filter.groupBy, keys);
      const totals = new Map<string, { unit: string; quantity: number; events: number }>();
      for (const r of rows) {
        const t = totals.get(r.unit) ?? { unit: r.unit, quantity: 0, events: 0 };
        t.quantity += r.quantity;
        t.events += r.events;
        totals.set(r.unit, t);
      }
      return {
        groupBy: filter.groupBy,
        rows: rows.map((r) => {
          const named = r.key === null ? undefined : names.get(r.key);
          return { ...r, name: named?.name ?? null, nameEn: named?.nameEn ?? null };
        }),
        totals: [...totals.values()].sort((a, b) => a.unit.localeCompare(b.unit)),
      };
    },

    /** The same aggregates as CSV (UTF-8 with a BOM, so spreadsheet programs read Korean right). */
    async usageCsv(actor: Actor, filter: UsageFilter): Promise<string> {
      const reply = await this.usage(actor, filter);
      const cell = (value: string | number | null): string => {
        const text = value === null ? '' : String(value);
        // A text starting like a formula is kept as text (CSV injection).
        const safe = typeof value === 'string' && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
        return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
      };
      const lines = [[filter.groupBy, 'name', 'unit', 'quantity', 'events'].join(',')];
      for (const r of reply.rows) lines.push([cell(r.key), cell(r.name), cell(r.unit), cell(r.quantity), cell(r.events)].join(','));
      return `\uFEFF${lines.join('\r\n')}\r\n`;
    },

    /** Writes what the recorder holds and stops the automatic integration (on shutdown). */
    async close(): Promise<void> {
      await recorder.flush();
      if (autoTimer) clearTimeout(autoTimer);
      autoTimer = undefined;
      await running?.catch(() => undefined);
    },
  };
}

export type LedgerService = ReturnType<typeof createLedgerService>;
