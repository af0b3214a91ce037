import { describe, expect, it } from 'vitest';
import { leafHash, MemorySubtreeStore, rootOf, storedNodeCount, toHex } from './merkle.js';
import { buildLog, type MemoryLog, usageEvents } from './testing.js';
import { generateLedgerKeyPair, signTreeHead } from './tree-head.js';
import { verifyLog } from './verify-log.js';

const { privateKey, publicKey } = generateLedgerKeyPair();
const N = 1300;
const HEADS = [0, 1, 100, 1000, 1024, N];

async function* stream<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const item of items) yield item;
}

function verify(log: MemoryLog, events: Uint8Array[] = log.events, store: MemorySubtreeStore = log.store) {
  return verifyLog({ events: stream(events), nodes: store, storedNodes: [...store.nodes()].length, heads: stream(log.heads), publicKey });
}

describe('verifyLog', () => {
  it('passes an untouched log and reports its size and root', async () => {
    const log = await buildLog(usageEvents(N), HEADS, privateKey);
    const result = await verify(log);
    expect(result.problems).toEqual([]);
    expect(result).toMatchObject({ ok: true, size: N, root: toHex(rootOf(log.events.map(leafHash))), moreProblems: 0 });
    expect(storedNodeCount(N)).toBe([...log.store.nodes()].length);
  });

  it('names a changed event once, and the heads that no longer match', async () => {
    const log = await buildLog(usageEvents(N), HEADS, privateKey);
    const events = log.events.slice();
    events[41] = Buffer.from('{"seq":41,"dataset":"ds-6","bytes":0}');
    const result = await verify(log, events);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      "event 41: stored leaf hash differs from the event's bytes",
      'tree head at size 100: root does not match the events',
      'tree head at size 1000: root does not match the events',
      'tree head at size 1024: root does not match the events',
      `tree head at size ${N}: root does not match the events`,
    ]);
  });

  it('catches a deleted event (everything after it shifts, and the tail leaf is orphaned)', async () => {
    const log = await buildLog(usageEvents(N), HEADS, privateKey);
    const events = log.events.filter((_, i) => i !== 700);
    const result = await verifyLog({ events: stream(events), nodes: log.store, heads: log.heads, publicKey, maxProblems: 5 });
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toBe("event 700: stored leaf hash differs from the event's bytes");
    expect(result.problems.slice(0, 5)).toContain("event 704: stored leaf hash differs from the event's bytes");
    expect(result.moreProblems).toBeGreaterThan(500);
    // Nothing after the cap is listed, but the verdict counts it.
    const all = await verifyLog({ events: stream(events), nodes: log.store, heads: log.heads, publicKey, maxProblems: 10_000 });
    expect(all.problems).toContain(`event ${N - 1}: a leaf hash is stored but the log has no such event`);
    expect(all.problems).toContain(`tree head at size ${N}: the log holds only ${N - 1} events`);
    expect(all.problems).toContain('tree head at size 1000: root does not match the events');
    expect(all.problems).not.toContain('tree head at size 100: root does not match the events');
  });

  it('catches two reordered events', async () => {
    const log = await buildLog(usageEvents(N), HEADS, privateKey);
    const events = log.events.slice();
    [events[10], events[11]] = [events[11]!, events[10]!];
    const result = await verify(log, events);
    expect(result.problems.slice(0, 3)).toEqual([
      "event 10: stored leaf hash differs from the event's bytes",
      "event 11: stored leaf hash differs from the event's bytes",
      'tree head at size 100: root does not match the events',
    ]);
  });

  it('catches a rewritten tail whose nodes were recomputed, through the heads signed before', async () => {
    // The operator rewrites events 1100.. and rebuilds every node, so the store agrees with the events.
    const log = await buildLog(usageEvents(N), HEADS, privateKey);
    const events = [...log.events.slice(0, 1100), ...usageEvents(N - 1100, 50_000)];
    const rebuilt = await buildLog(events, [], privateKey);
    const resigned = signTreeHead(
      { treeSize: N, rootHash: rootOf(events.map(leafHash)), timestamp: Date.parse('2026-03-02T00:00:00Z') },
      privateKey,
    );
    const result = await verifyLog({ events: stream(events), nodes: rebuilt.store, heads: [...log.heads, resigned], publicKey });
    expect(result.problems).toEqual([`tree head at size ${N}: root does not match the events`]);
    // Without the old head at size 1300, the rewrite of events after the last older head is invisible
    // here — which is why witnesses keep heads (see witness.test.ts).
    const withoutOld = await verifyLog({
      events: stream(events),
      nodes: rebuilt.store,
      heads: [...log.heads.slice(0, -1), resigned],
      publicKey,
    });
    expect(withoutOld.ok).toBe(true);
  });

  it('catches tampered, missing and surplus stored nodes', async () => {
    const log = await buildLog(usageEvents(N), HEADS, privateKey);
    log.store.put([{ level: 3, index: 5, hash: leafHash(Buffer.from('x')) }]);
    log.store.put([{ level: 0, index: 900, hash: leafHash(Buffer.from('y')) }]);
    const result = await verify(log);
    expect(result.problems).toEqual([
      'node level 3 index 5: stored hash differs from the hash of its 8 events',
      "event 900: stored leaf hash differs from the event's bytes",
    ]);

    const full = await buildLog(usageEvents(N), HEADS, privateKey);
    const withoutNode = (level: number, index: number): MemorySubtreeStore => {
      const store = new MemorySubtreeStore();
      store.put([...full.store.nodes()].filter((n) => !(n.level === level && n.index === index)));
      return store;
    };
    const holes = withoutNode(2, 7);
    expect((await verify(full, full.events, holes)).problems).toEqual([
      'node level 2 index 7: missing from the store',
      `the store holds ${storedNodeCount(N) - 1} nodes; a log of ${N} events has ${storedNodeCount(N)}`,
    ]);

    const surplus = withoutNode(-1, -1);
    surplus.put([{ level: 0, index: N + 5, hash: leafHash(Buffer.from('z')) }]);
    expect((await verify(full, full.events, surplus)).problems).toEqual([
      `the store holds ${storedNodeCount(N) + 1} nodes; a log of ${N} events has ${storedNodeCount(N)}`,
    ]);
    const tail = withoutNode(-1, -1);
    tail.put([{ level: 1, index: N / 2, hash: leafHash(Buffer.from('z')) }]);
    expect((await verifyLog({ events: full.events, nodes: tail, heads: [], publicKey })).problems).toEqual([
      `node level 1 index ${N / 2}: stored beyond the log's ${N} events`,
    ]);
  });

  it('checks every head: signature, key and size', async () => {
    const log = await buildLog(usageEvents(200), [50, 100], privateKey);
    const other = generateLedgerKeyPair();
    const bad = { ...log.heads[0]!, timestamp: log.heads[0]!.timestamp + 1 };
    const foreign = signTreeHead({ treeSize: 100, rootHash: log.heads[1]!.rootHash, timestamp: 0 }, other.privateKey);
    const future = signTreeHead({ treeSize: 500, rootHash: log.heads[1]!.rootHash, timestamp: 0 }, privateKey);
    const result = await verifyLog({ events: log.events, nodes: log.store, heads: [bad, foreign, future], publicKey });
    expect(result.problems).toEqual([
      'tree head at size 50: the signature does not verify',
      expect.stringMatching(/^tree head at size 100: signed by key [0-9a-f]{16}…, not by the log's key/),
      'tree head at size 500: the log holds only 200 events',
    ]);
  });

  it('verifies an empty log', async () => {
    const store = (await buildLog([], [0], privateKey)).store;
    const head = signTreeHead({ treeSize: 0, rootHash: rootOf([]), timestamp: 0 }, privateKey);
    const result = await verifyLog({ events: [], nodes: store, storedNodes: 0, heads: [head], publicKey });
    expect(result).toMatchObject({ ok: true, size: 0, root: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' });
  });
});
