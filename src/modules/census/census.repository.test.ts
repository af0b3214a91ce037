/**
 * The census repository's bulk and transactional SQL on both engines: what the import integration
 * relies on (chunked multi-row inserts, agencies found or created by code, one transaction).
 */
import { describe, expect, it } from 'vitest';
import { ENGINES, useTestDatabase } from '../../../test/support/databases.js';
import { createCensusRepository } from './census.repository.js';
import { importedEntryRow, type DraftForm } from './census.service.js';

const AT = '2026-11-21T00:00:00.000Z';

const FORM: DraftForm = {
  title: '응급실 위치 정보',
  description: '전국 응급실',
  readiness: 'processed',
  structure: 'structured',
  modality: 'tabular',
  domain: 'healthcare',
  provisionScope: 'open',
  personalInfo: 'none',
  formats: ['CSV'],
  sensitiveCategories: [],
  sampleAvailability: 'none',
  urls: [],
};

for (const engine of ENGINES) {
  describe(`census repository: ${engine}`, () => {
    const t = useTestDatabase(engine);
    const repo = () => createCensusRepository(t.current.database.db);

    it('finds or creates an agency by its code, once', async () => {
      const first = await repo().findOrCreateAgency('1741000', '행정안전부', AT);
      expect(first.created).toBe(true);
      const again = await repo().findOrCreateAgency('1741000', '다른 이름', AT);
      expect(again).toEqual({ id: first.id, name: '행정안전부', created: false });
      const races = await Promise.all([1, 2, 3].map(() => repo().findOrCreateAgency('6110000', '서울특별시', AT)));
      expect(new Set(races.map((r) => r.id)).size).toBe(1);
      expect(races.filter((r) => r.created).length).toBeLessThanOrEqual(1);
      expect(await repo().findOrganization(first.id)).toMatchObject({ kind: 'agency', code: '1741000' });
    });

    it('inserts thousands of entries in chunks under the bind-variable limit, skipping ones imported before', async () => {
      const agency = await repo().findOrCreateAgency('1383000', '국토교통부', AT);
      const rows = Array.from({ length: 3_000 }, (_, i) =>
        importedEntryRow({
          orgId: agency.id,
          agencyName: agency.name,
          form: { ...FORM, title: `국토교통부_데이터 ${i}` },
          source: 'data-go-kr',
          externalId: String(15_000_000 + i),
          by: null,
          at: AT,
        }),
      );
      expect(rows[0]).toMatchObject({
        title: '국토교통부_데이터 0',
        title_key: '데이터0',
        change_kind: 'import',
        version: 1,
        status: 'draft',
      });
      expect(await repo().insertImportedEntries(rows)).toBe(3_000);
      // A re-run of the same import adds nothing.
      expect(await repo().insertImportedEntries(rows.slice(0, 10).map((r) => ({ ...r, id: `${r.id.slice(0, -4)}ffff` })))).toBe(0);
      const found = await repo().findEntriesByExternalIds('data-go-kr', ['15000000', '15002999', 'missing']);
      expect(found.map((f) => f.external_id).sort()).toEqual(['15000000', '15002999']);
    });

    it('flags same-title entries of an agency in one statement, once', async () => {
      const agency = await repo().findOrCreateAgency('1320000', '통계청', AT);
      const make = (title: string, externalId: string) =>
        importedEntryRow({
          orgId: agency.id,
          agencyName: agency.name,
          form: { ...FORM, title },
          source: 'test',
          externalId,
          by: null,
          at: AT,
        });
      const a = make('통계청_인구 총조사', 'a');
      const b = make('인구 총조사', 'b');
      const c = make('가계 동향', 'c');
      await repo().insertImportedEntries([a, b, c]);
      expect(await repo().flagSameTitleDuplicates(AT, [agency.id])).toBe(2);
      expect(await repo().flagSameTitleDuplicates(AT, [agency.id])).toBe(0);
      expect(await repo().duplicatesOf(a.id, { all: true })).toEqual([{ id: b.id, title: '인구 총조사' }]);
      expect(await repo().duplicatesOf(c.id, { all: true })).toEqual([]);
    });

    it('commits a transaction whole or not at all', async () => {
      const agency = await repo().findOrCreateAgency('1230000', '법무부', AT);
      const row = importedEntryRow({
        orgId: agency.id,
        agencyName: agency.name,
        form: FORM,
        source: 'tx',
        externalId: '1',
        by: null,
        at: AT,
      });
      await expect(
        repo().transaction(async (tx) => {
          await tx.insertImportedEntries([row]);
          // Nested calls join the same transaction.
          await tx.transaction(async (inner) => expect(await inner.findEntry(row.id)).toBeDefined());
          throw new Error('abort the import');
        }),
      ).rejects.toThrow('abort the import');
      expect(await repo().findEntry(row.id)).toBeUndefined();
      await repo().transaction((tx) => tx.insertImportedEntries([row]));
      expect(await repo().findEntry(row.id)).toMatchObject({ org_name: '법무부', source: 'tx' });
    });
  });
}
