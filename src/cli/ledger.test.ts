/**
 * `datadam ledger verify` on both engines: an intact log passes (exit 0, the contract JSON); a
 * changed, deleted or reordered stored event, or a rewritten tail (tree recomputed and re-signed with
 * the same key), fails it (exit 1, problems named), and a witness holding a head signed before the
 * tampering detects the rewrite through the consistency proof the service (the API's code) gives.
 * Proof files from the API are checked against the heads they name.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runInProcess } from '../../test/support/cli.js';
import { ENGINES, createTestDatabase, type TestDatabase } from '../../test/support/databases.js';
import { ledgerKeyFromSecret } from '../modules/ledger/ledger.keys.js';
import type { LedgerService } from '../modules/ledger/ledger.service.js';
import { appendAndSign, openTestLedger, sampleEvent, storedSeqs, tamper, TEST_LEDGER_SECRET } from '../modules/ledger/ledger.testing.js';
import { fromHex } from '../modules/ledger/merkle.js';
import { publicKeyToPem, treeHeadFromJson } from '../modules/ledger/tree-head.js';
import { Witness } from '../modules/ledger/witness.js';
import { registerLedgerCommands } from './ledger.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './output.js';

const dir = mkdtempSync(path.join(tmpdir(), 'datadam-cli-ledger-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  json: { ok: boolean; size: number; root: string; problems: string[] };
}

/** Runs `datadam ledger verify …` in this process against `database`, as program.ts wires it. */
async function verify(database: TestDatabase, args: string[] = []): Promise<Run> {
  const dataCommand = (parent: Command, name: string, description: string) =>
    parent.command(name).description(description).option('--data-dir <dir>', 'data').option('--json', 'json').exitOverride();
  const run = await runInProcess(
    (program, action) => registerLedgerCommands(program, { dataCommand, action }),
    ['ledger', 'verify', '--json', '--data-dir', dir, ...args],
    {
      env: {
        DATADAM_DB: database.config.kind === 'sqlite' ? database.config.file : database.config.url,
        DATADAM_SECRET: TEST_LEDGER_SECRET,
      },
    },
  );
  let json = { ok: false, size: -1, root: '', problems: [] as string[] };
  try {
    json = JSON.parse(run.stdout) as typeof json;
  } catch {
    // usage errors print an error document
  }
  return { ...run, json };
}

for (const engine of ENGINES) {
  describe(`datadam ledger verify (${engine})`, () => {
    let database: TestDatabase;
    let ledger: LedgerService;
    let witness: Witness;
    const publicKey = ledgerKeyFromSecret(TEST_LEDGER_SECRET).publicKey;

    /** 40 events with heads at 16 and 40; the witness saw both. */
    beforeEach(async () => {
      database = await createTestDatabase(engine);
      ledger = openTestLedger(database.database);
      witness = new Witness(publicKey);
      await appendAndSign(ledger, 0, 16);
      expect(witness.observe(treeHeadFromJson(await ledger.latestTreeHead()), []).ok).toBe(true);
      await appendAndSign(ledger, 16, 40);
      const latest = treeHeadFromJson(await ledger.latestTreeHead());
      const proof = await ledger.consistencyProof({ from: 16, to: 40 });
      expect(witness.observe(latest, proof.proof.map(fromHex)).ok).toBe(true);
    });
    afterEach(async () => {
      await ledger.close();
      await database.drop();
    });

    /** What a witness says about the latest head now, given the service's consistency proof from its kept head. */
    async function witnessCheck() {
      const latest = treeHeadFromJson(await ledger.latestTreeHead());
      const need = witness.proofNeeded(latest);
      const proof = need ? (await ledger.consistencyProof({ from: need.size1, to: need.size2 })).proof.map(fromHex) : [];
      return witness.observe(latest, proof);
    }

    it('passes an intact log: exit 0, {"ok": true, size, root, problems: []}', async () => {
      const run = await verify(database);
      expect(run.code, run.stderr + run.stdout).toBe(EXIT_OK);
      expect(run.json).toEqual({ ok: true, size: 40, root: (await ledger.state()).root, problems: [] });
      // more events, not yet integrated, are not the log's yet and do not fail it
      await ledger.recorder.record(sampleEvent(99));
      expect((await verify(database)).code).toBe(EXIT_OK);
    });

    it('catches one changed stored event, and the witness catches the recomputed tree', async () => {
      const seqs = await storedSeqs(database.database);
      await tamper.change(database.database, seqs[10]!);
      const run = await verify(database);
      expect(run.code).toBe(EXIT_FAILED);
      expect(run.json.ok).toBe(false);
      expect(run.json.problems).toContain("event 10: stored leaf hash differs from the event's bytes");
      await tamper.recomputeTree(database.database, ledger);
      const after = await verify(database);
      expect(after.code).toBe(EXIT_FAILED);
      expect(after.json.problems.join('\n')).toMatch(/tree head at size 16: root does not match the events/);
      const verdict = await witnessCheck();
      expect(verdict.ok).toBe(false);
      expect(verdict.ok ? '' : verdict.problem).toBe('fork');
    });

    it('catches one deleted event, and the witness catches the recomputed tree', async () => {
      const seqs = await storedSeqs(database.database);
      await tamper.remove(database.database, seqs[5]!);
      const run = await verify(database);
      expect(run.code).toBe(EXIT_FAILED);
      expect(run.json.problems.join('\n')).toMatch(/event 5: stored leaf hash differs/);
      await tamper.recomputeTree(database.database, ledger);
      // recorded again so that the log is as long as before, heads re-signed
      await appendAndSign(ledger, 100, 101);
      expect((await verify(database)).code).toBe(EXIT_FAILED);
      const verdict = await witnessCheck();
      expect(verdict.ok).toBe(false);
    });

    it('catches two reordered events, and the witness catches the recomputed tree', async () => {
      const seqs = await storedSeqs(database.database);
      await tamper.swap(database.database, seqs[20]!, seqs[21]!);
      const run = await verify(database);
      expect(run.code).toBe(EXIT_FAILED);
      expect(run.json.problems).toEqual(
        expect.arrayContaining([expect.stringMatching(/^event 20: /), expect.stringMatching(/^event 21: /)]),
      );
      await tamper.recomputeTree(database.database, ledger);
      expect((await verify(database)).code).toBe(EXIT_FAILED);
      const verdict = await witnessCheck();
      expect(verdict.ok ? '' : verdict.problem).toBe('fork');
    });

    it('catches a rewritten tail even with every node recomputed and re-signed; the witness too', async () => {
      const seqs = await storedSeqs(database.database);
      await tamper.rewriteTail(
        database.database,
        ledger,
        seqs[30]!,
        Array.from({ length: 15 }, (_, k) => sampleEvent(500 + k, { quantity: 1 })),
      );
      expect((await ledger.state()).size).toBe(45);
      const run = await verify(database);
      expect(run.code).toBe(EXIT_FAILED);
      expect(run.json.problems).toContain('tree head at size 40: root does not match the events');
      // the nodes agree with the events: only the heads signed before tell
      expect(run.json.problems.every((p) => p.startsWith('tree head'))).toBe(true);
      const verdict = await witnessCheck();
      expect(verdict.ok).toBe(false);
      expect(verdict.ok ? '' : verdict.problem).toBe('inconsistent');
      // hiding the old heads makes the log itself pass, but not the witness, who kept them
      await tamper.dropHeadsBelow(database.database, 41);
      expect((await verify(database)).code).toBe(EXIT_OK);
      expect((await witnessCheck()).ok).toBe(false);
    });

    it('checks proof files against the heads they name, with the published key', async () => {
      const seqs = await storedSeqs(database.database);
      const inclusion = await ledger.inclusionProof({ seq: seqs[7]!, treeSize: 40 });
      const file = path.join(dir, `inclusion-${engine}.json`);
      writeFileSync(file, JSON.stringify(inclusion));
      const pem = path.join(dir, 'ledger.pem');
      writeFileSync(pem, publicKeyToPem(publicKey));
      const ok = await verify(database, ['--inclusion', file, '--public-key', pem]);
      expect(ok.code, ok.stdout).toBe(EXIT_OK);
      expect(ok.json).toMatchObject({ ok: true, size: 40 });
      writeFileSync(file, JSON.stringify({ ...inclusion, leafIndex: 8 }));
      expect((await verify(database, ['--inclusion', file])).code).toBe(EXIT_FAILED);

      const consistency = await ledger.consistencyProof({ from: 16, to: 40 });
      writeFileSync(file, JSON.stringify(consistency));
      expect((await verify(database, ['--consistency', file])).code).toBe(EXIT_OK);
      writeFileSync(file, JSON.stringify({ ...consistency, proof: consistency.proof.slice(1) }));
      const bad = await verify(database, ['--consistency', file]);
      expect(bad.code).toBe(EXIT_FAILED);
      expect(bad.json.problems.join()).toMatch(/consistency proof from size 16 to size 40 fails/);

      expect((await verify(database, ['--inclusion', file, '--consistency', file])).code).toBe(EXIT_USAGE);
      expect((await verify(database, ['--inclusion', path.join(dir, 'missing.json')])).code).toBe(EXIT_USAGE);
    });
  });
}
