/**
 * The usage ledger through the HTTP API on both engines: trusted producers record events (once per
 * key), heads are signed on demand, the public key is published, inclusion proofs verify against the
 * signed head with the engine's verifier, consistency proofs link heads, a witness holding an earlier
 * head catches a rewritten tail through the API, aggregates and CSV add up, and each reader sees only
 * what is theirs.
 */
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/support/app.js';
import { ENGINES } from '../../../test/support/databases.js';
import type { UsageEventInput } from '../../core/ports.js';
import { tamper } from './ledger.testing.js';
import { fromHex, verifyConsistency, verifyInclusion } from './merkle.js';
import { publicKeyFromPem, treeHeadFromJson, verifyTreeHead, type SignedTreeHeadJson } from './tree-head.js';
import { Witness } from './witness.js';

for (const engine of ENGINES) {
  describe(`ledger API (${engine})`, () => {
    const t = useTestApp(engine);
    const orgs: Record<string, string> = {};
    let operator: Record<string, string>;
    let producer: Record<string, string>;
    const seqs: number[] = [];

    const event = (i: number, org: string, dataset: string, quantity: number, unit: UsageEventInput['unit'], month: string) => ({
      idempotencyKey: `api-${i}`,
      kind: 'download',
      datasetId: dataset,
      releaseId: `${dataset}-r1`,
      path: 'data/train.csv',
      orgId: orgs[org]!,
      userId: `user-${org}`,
      purpose: 'model training',
      quantity,
      unit,
      occurredAt: `2026-${month}-15T09:00:00.000Z`,
    });

    it('records events from trusted producers only, once per key', async () => {
      const db = t.current.platform.database.db;
      for (const row of await db.selectFrom('organizations').select(['id', 'slug']).execute()) orgs[row.slug as string] = row.id as string;
      const now = new Date().toISOString();
      await db
        .insertInto('refinery_datasets')
        .values([
          { id: 'ds-nia', org_id: orgs.nia, title: 'NIA corpus', created_at: now },
          { id: 'ds-seoul', org_id: orgs.seoul, title: 'Seoul data', created_at: now },
        ])
        .execute();
      operator = await t.current.bearer('operator@demo.datadam.kr', 'operator', ['read', 'admin']);
      producer = await t.current.bearer('operator@demo.datadam.kr', 'operator', ['ledger']);
      const consumerProducer = await t.current.bearer('consumer@demo.datadam.kr', 'hangang-ai', ['ledger']);

      const events = [
        event(1, 'hangang-ai', 'ds-nia', 1000, 'bytes', '01'),
        event(2, 'hangang-ai', 'ds-nia', 500, 'bytes', '02'),
        event(3, 'hangang-ai', 'ds-seoul', 70, 'records', '02'),
        event(4, 'kaist-lab', 'ds-nia', 4000, 'bytes', '02'),
        event(5, 'kaist-lab', 'ds-seoul', 9, 'records', '03'),
      ];
      const replies = await Promise.all(
        events.map((payload) => t.current.app.inject({ method: 'POST', url: '/api/v1/ledger/events', headers: producer, payload })),
      );
      for (const r of replies) expect(r.statusCode, r.body).toBe(201);
      seqs.push(...replies.map((r) => (r.json() as { seq: number }).seq));
      const retried = await t.current.app.inject({ method: 'POST', url: '/api/v1/ledger/events', headers: producer, payload: events[0] });
      expect(retried.statusCode).toBe(200);
      expect(retried.json()).toEqual({ seq: seqs[0], duplicate: true });

      const refused = await t.current.app.inject({
        method: 'POST',
        url: '/api/v1/ledger/events',
        headers: consumerProducer,
        payload: event(9, 'hangang-ai', 'ds-nia', 1, 'bytes', '01'),
      });
      expect(refused.statusCode).toBe(403);
      expect((await t.current.app.inject({ method: 'POST', url: '/api/v1/ledger/events', payload: events[0] })).statusCode).toBe(401);
      const invalid = await t.current.app.inject({
        method: 'POST',
        url: '/api/v1/ledger/events',
        headers: producer,
        payload: { ...events[0], idempotencyKey: 'api-bad', unit: 'litres' },
      });
      expect(invalid.statusCode).toBe(400);
    });

    it('publishes its key and signs heads; inclusion and consistency proofs verify against them', async () => {
      const key = (await t.current.app.inject({ method: 'GET', url: '/api/v1/ledger/public-key' })).json() as {
        pem: string;
        keyId: string;
      };
      const publicKey = publicKeyFromPem(key.pem);
      expect((await t.current.app.inject({ method: 'POST', url: '/api/v1/ledger/tree-heads', payload: {} })).statusCode).toBe(401);
      const signed = await t.current.app.inject({ method: 'POST', url: '/api/v1/ledger/tree-heads', headers: operator, payload: {} });
      expect(signed.statusCode, signed.body).toBe(201);
      const head5 = treeHeadFromJson(signed.json() as SignedTreeHeadJson);
      expect(head5.treeSize).toBe(5);
      expect(head5.keyId).toBe(key.keyId);
      expect(verifyTreeHead(head5, publicKey)).toBe(true);

      // The log's order is seq order (concurrent requests may be recorded in any order).
      const ordered = [...seqs].sort((a, b) => a - b);
      for (const seq of seqs) {
        const r = await t.current.app.inject({ method: 'GET', url: `/api/v1/ledger/proofs/inclusion?seq=${seq}&treeSize=5` });
        expect(r.statusCode, r.body).toBe(200);
        const proof = r.json() as { leafIndex: number; leafHash: string; auditPath: string[]; treeHead: SignedTreeHeadJson };
        const event = (await t.current.app.inject({ method: 'GET', url: `/api/v1/ledger/events/${seq}`, headers: operator })).json() as {
          canonical: string;
          leafHash: string;
        };
        expect(proof.leafHash).toBe(event.leafHash);
        expect(proof.treeHead.rootHash).toBe(Buffer.from(head5.rootHash).toString('hex'));
        expect(verifyInclusion(proof.leafIndex, 5, fromHex(proof.leafHash), proof.auditPath.map(fromHex), head5.rootHash)).toBe(true);
        expect(proof.leafIndex).toBe(ordered.indexOf(seq));
      }

      const more = await t.current.app.inject({
        method: 'POST',
        url: '/api/v1/ledger/events',
        headers: producer,
        payload: event(6, 'hangang-ai', 'ds-nia', 250, 'bytes', '03'),
      });
      seqs.push((more.json() as { seq: number }).seq);
      const head6 = treeHeadFromJson(
        (
          await t.current.app.inject({ method: 'POST', url: '/api/v1/ledger/tree-heads', headers: operator, payload: {} })
        ).json() as SignedTreeHeadJson,
      );
      const heads = (await t.current.app.inject({ method: 'GET', url: '/api/v1/ledger/tree-heads?after=0' })).json() as {
        items: unknown[];
      };
      expect(heads.items).toHaveLength(2);
      const latest = (await t.current.app.inject({ method: 'GET', url: '/api/v1/ledger/tree-heads/latest' })).json() as SignedTreeHeadJson;
      expect(latest.treeSize).toBe(6);
      const c = (await t.current.app.inject({ method: 'GET', url: '/api/v1/ledger/proofs/consistency?from=5&to=6' })).json() as {
        proof: string[];
      };
      expect(verifyConsistency(5, 6, head5.rootHash, head6.rootHash, c.proof.map(fromHex))).toBe(true);
    });

    it('aggregates usage per organisation, dataset and month, as JSON and CSV', async () => {
      const r = await t.current.app.inject({ method: 'GET', url: '/api/v1/ledger/usage?groupBy=dataset', headers: operator });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toEqual({
        groupBy: 'dataset',
        rows: [
          { key: 'ds-nia', name: 'NIA corpus', nameEn: null, unit: 'bytes', quantity: 5750, events: 4 },
          { key: 'ds-seoul', name: 'Seoul data', nameEn: null, unit: 'records', quantity: 79, events: 2 },
        ],
        totals: [
          { unit: 'bytes', quantity: 5750, events: 4 },
          { unit: 'records', quantity: 79, events: 2 },
        ],
      });
      const months = (
        await t.current.app.inject({ method: 'GET', url: '/api/v1/ledger/usage?groupBy=month&unit=bytes', headers: operator })
      ).json() as {
        rows: Array<{ key: string; unit: string; quantity: number }>;
      };
      expect(months.rows.filter((row) => row.unit === 'bytes')).toEqual([
        { key: '2026-01', name: null, nameEn: null, unit: 'bytes', quantity: 1000, events: 1 },
        { key: '2026-02', name: null, nameEn: null, unit: 'bytes', quantity: 4500, events: 2 },
        { key: '2026-03', name: null, nameEn: null, unit: 'bytes', quantity: 250, events: 1 },
      ]);
      const ranged = (
        await t.current.app.inject({
          method: 'GET',
          url: '/api/v1/ledger/usage?groupBy=org&from=2026-02-01T00:00:00Z&to=2026-03-01T00:00:00Z',
          headers: operator,
        })
      ).json() as { totals: unknown };
      expect(ranged.totals).toEqual([
        { unit: 'bytes', quantity: 4500, events: 2 },
        { unit: 'records', quantity: 70, events: 1 },
      ]);
      const csv = await t.current.app.inject({ method: 'GET', url: '/api/v1/ledger/usage.csv?groupBy=org', headers: operator });
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-type']).toMatch(/text\/csv/);
      expect(csv.body.startsWith('\uFEFForg,name,unit,quantity,events\r\n')).toBe(true);
      // Rows name their organisation, as the identity module knows it.
      const nameOf = async (slug: string) => (await t.current.platform.identity.getOrganization(slug)).name;
      expect(csv.body).toContain(`${orgs['hangang-ai']},${await nameOf('hangang-ai')},bytes,1750,3\r\n`);
      expect(csv.body).toContain(`${orgs['kaist-lab']},${await nameOf('kaist-lab')},records,9,1\r\n`);
    });

    it('shows a consumer only its own use, an agency only its datasets, anonymous nothing', async () => {
      expect((await t.current.app.inject({ method: 'GET', url: '/api/v1/ledger/usage' })).statusCode).toBe(401);
      expect((await t.current.app.inject({ method: 'GET', url: `/api/v1/ledger/events/${seqs[0]}` })).statusCode).toBe(401);

      const consumer = await t.current.login('consumer@demo.datadam.kr');
      const mine = (
        await t.current.app.inject({ method: 'GET', url: '/api/v1/ledger/usage?groupBy=org', headers: { cookie: consumer.cookie } })
      ).json() as { rows: Array<{ key: string }>; totals: unknown };
      expect(new Set(mine.rows.map((row) => row.key))).toEqual(new Set([orgs['hangang-ai']]));
      expect(mine.totals).toEqual([
        { unit: 'bytes', quantity: 1750, events: 3 },
        { unit: 'records', quantity: 70, events: 1 },
      ]);
      const own = await t.current.app.inject({
        method: 'GET',
        url: `/api/v1/ledger/events/${seqs[0]}`,
        headers: { cookie: consumer.cookie },
      });
      expect(own.statusCode).toBe(200);
      expect(Buffer.from((own.json() as { canonical: string }).canonical, 'base64').toString()).toContain('"idempotency_key":"api-1"');
      const other = await t.current.app.inject({
        method: 'GET',
        url: `/api/v1/ledger/events/${seqs[3]}`,
        headers: { cookie: consumer.cookie },
      });
      expect(other.statusCode).toBe(403);

      const seoul = await t.current.login('steward.seoul@demo.datadam.kr');
      const theirs = (
        await t.current.app.inject({ method: 'GET', url: '/api/v1/ledger/usage?groupBy=dataset', headers: { cookie: seoul.cookie } })
      ).json() as { rows: Array<{ key: string }> };
      expect(theirs.rows.map((row) => row.key)).toEqual(['ds-seoul']);
      const byOrg = (
        await t.current.app.inject({ method: 'GET', url: '/api/v1/ledger/usage?groupBy=org', headers: { cookie: seoul.cookie } })
      ).json() as { totals: unknown };
      expect(byOrg.totals).toEqual([{ unit: 'records', quantity: 79, events: 2 }]);
      expect(
        (await t.current.app.inject({ method: 'GET', url: `/api/v1/ledger/events/${seqs[2]}`, headers: { cookie: seoul.cookie } }))
          .statusCode,
      ).toBe(200);
      expect(
        (await t.current.app.inject({ method: 'GET', url: `/api/v1/ledger/events/${seqs[0]}`, headers: { cookie: seoul.cookie } }))
          .statusCode,
      ).toBe(403);
      const auditor = await t.current.login('auditor@demo.datadam.kr');
      expect(
        (await t.current.app.inject({ method: 'GET', url: `/api/v1/ledger/events/${seqs[0]}`, headers: { cookie: auditor.cookie } }))
          .statusCode,
      ).toBe(200);
    });

    it('lets a witness holding an earlier head catch a rewritten tail through the API', async () => {
      const key = (await t.current.app.inject({ method: 'GET', url: '/api/v1/ledger/public-key' })).json() as { pem: string };
      const witness = new Witness(publicKeyFromPem(key.pem));
      const latest = async () =>
        treeHeadFromJson(
          (await t.current.app.inject({ method: 'GET', url: '/api/v1/ledger/tree-heads/latest' })).json() as SignedTreeHeadJson,
        );
      const proofFrom = async (from: number, to: number) =>
        (
          (await t.current.app.inject({ method: 'GET', url: `/api/v1/ledger/proofs/consistency?from=${from}&to=${to}` })).json() as {
            proof: string[];
          }
        ).proof.map(fromHex);
      const kept = await latest();
      expect(witness.observe(kept, []).ok).toBe(true);
      // honest growth passes
      await t.current.app.inject({
        method: 'POST',
        url: '/api/v1/ledger/events',
        headers: producer,
        payload: event(7, 'kaist-lab', 'ds-nia', 1, 'bytes', '03'),
      });
      await t.current.app.inject({ method: 'POST', url: '/api/v1/ledger/tree-heads', headers: operator, payload: {} });
      const grown = await latest();
      expect(witness.observe(grown, await proofFrom(kept.treeSize, grown.treeSize))).toMatchObject({ ok: true, change: 'grown' });

      // the operator drops the last three events, records others, recomputes the tree and re-signs with the same key
      await tamper.rewriteTail(t.current.platform.database, t.current.platform.ledger, [...seqs].sort((a, b) => a - b)[4]!, [
        event(20, 'kaist-lab', 'ds-nia', 1, 'bytes', '03'),
        event(21, 'kaist-lab', 'ds-nia', 1, 'bytes', '03'),
        event(22, 'kaist-lab', 'ds-nia', 1, 'bytes', '03'),
        event(23, 'kaist-lab', 'ds-nia', 1, 'bytes', '03'),
      ]);
      const rewritten = await latest();
      expect(rewritten.treeSize).toBe(8);
      const verdict = witness.observe(rewritten, await proofFrom(grown.treeSize, rewritten.treeSize));
      expect(verdict.ok).toBe(false);
      expect(verdict.ok ? '' : verdict.problem).toBe('inconsistent');
    });
  });
}
