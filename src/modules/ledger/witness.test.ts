import { describe, expect, it } from 'vitest';
import { consistencyProof, leafHash, MemorySubtreeStore, appendLeaves, rootAt } from './merkle.js';
import { buildLog, usageEvents } from './testing.js';
import { generateLedgerKeyPair, signTreeHead } from './tree-head.js';
import { checkHistoryKept, Witness } from './witness.js';

const { privateKey, publicKey } = generateLedgerKeyPair();

describe('witness', () => {
  it('accepts a log that only grows, and keeps each head', async () => {
    const log = await buildLog(usageEvents(1500), [0, 1, 1000, 1000, 1234, 1500], privateKey);
    const witness = new Witness(publicKey);
    const changes: string[] = [];
    for (const head of log.heads) {
      const need = witness.proofNeeded(head);
      const proof = need ? await consistencyProof(log.store, need.size1, need.size2) : [];
      const verdict = witness.observe(head, proof);
      expect(verdict.ok, JSON.stringify(verdict)).toBe(true);
      if (verdict.ok) changes.push(verdict.change);
    }
    expect(changes).toEqual(['first', 'grown', 'grown', 'same', 'grown', 'grown']);
    expect(witness.heads.map((h) => h.treeSize)).toEqual([0, 1, 1000, 1000, 1234, 1500]);
    // Saved and resumed, it still holds the same history.
    const resumed = Witness.fromJson(JSON.parse(JSON.stringify(witness.toJson())) as ReturnType<Witness['toJson']>, publicKey);
    expect(resumed.latest?.treeSize).toBe(1500);
  });

  it('detects a rewrite of history through a failed consistency proof', async () => {
    const events = usageEvents(1500);
    const honest = await buildLog(events, [1000], privateKey);
    const witness = new Witness(publicKey);
    expect(witness.observe(honest.heads[0]!, []).ok).toBe(true);

    // The operator (holding the key) changes event 500 and rebuilds everything, then grows the log.
    const rewritten = events.slice();
    rewritten[500] = Buffer.from(JSON.stringify({ seq: 500, dataset: 'ds-0', bytes: 1 }));
    const forged = await buildLog(rewritten, [1200], privateKey);
    const proof = await consistencyProof(forged.store, 1000, 1200);
    const verdict = witness.observe(forged.heads[0]!, proof);
    expect(verdict).toMatchObject({ ok: false, problem: 'inconsistent' });
    expect(witness.latest?.treeSize).toBe(1000);
    // The honest log's proof for the same sizes still works.
    const honestLater = await buildLog(events, [1000, 1200], privateKey);
    expect(witness.observe(honestLater.heads[1]!, await consistencyProof(honestLater.store, 1000, 1200)).ok).toBe(true);
  });

  it('names a shrinking tree, a fork at the same size, and a bad signature', async () => {
    const events = usageEvents(300);
    const log = await buildLog(events, [100, 200], privateKey);
    const witness = new Witness(publicKey, [log.heads[1]!]);

    expect(witness.check(log.heads[0]!, [])).toMatchObject({ ok: false, problem: 'shrinking-tree' });

    const other = events.slice();
    other[150] = Buffer.from('{}');
    const fork = await buildLog(other, [200], privateKey);
    const forkVerdict = witness.check(fork.heads[0]!, []);
    expect(forkVerdict).toMatchObject({ ok: false, problem: 'fork' });
    if (!forkVerdict.ok) expect(forkVerdict.message).toMatch(/size 200 with different roots/);

    const stranger = generateLedgerKeyPair();
    const store = new MemorySubtreeStore();
    store.put((await appendLeaves(0, events.map(leafHash), store)).nodes);
    const strangeHead = signTreeHead({ treeSize: 300, rootHash: await rootAt(store, 300), timestamp: Date.now() }, stranger.privateKey);
    expect(witness.check(strangeHead, await consistencyProof(store, 200, 300))).toMatchObject({ ok: false, problem: 'bad-signature' });
    const tampered = { ...log.heads[1]!, treeSize: 201 };
    expect(checkHistoryKept(log.heads[0], tampered, [], publicKey)).toMatchObject({ ok: false, problem: 'bad-signature' });
  });

  it('will not resume from a state whose heads shrink or fork', async () => {
    const log = await buildLog(usageEvents(50), [10, 20], privateKey);
    expect(() => new Witness(publicKey, [log.heads[1]!, log.heads[0]!])).toThrow(/smaller/);
  });
});
