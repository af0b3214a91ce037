import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ageHierarchy,
  categoricalHierarchy,
  dateHierarchy,
  hierarchyFor,
  numericRangeHierarchy,
  numericWidthsFor,
  postalCodeHierarchy,
  suggestHierarchyKind,
  SUPPRESSED,
  wordAddressHierarchy,
  type Hierarchy,
} from './hierarchies.js';

/** Every law a hierarchy must keep, checked on a list of values. */
function expectLawful(hierarchy: Hierarchy, values: readonly string[]): void {
  const top = hierarchy.levels.length - 1;
  for (const v of values) {
    expect(hierarchy.generalize(v, 0)).toBe(v);
    expect(hierarchy.generalize(v, top)).toBe(SUPPRESSED);
  }
  // Functional: equal at a level ⇒ equal at every level above.
  for (let level = 0; level < top; level++) {
    const above = new Map<string, string>();
    for (const v of values) {
      const here = hierarchy.generalize(v, level);
      const next = hierarchy.generalize(v, level + 1);
      if (above.has(here)) expect(next).toBe(above.get(here));
      else above.set(here, next);
    }
  }
}

describe('hierarchies', () => {
  it('age: exact → 5-year → 10-year → *', () => {
    const age = ageHierarchy();
    expect([0, 1, 2, 3].map((l) => age.generalize('37', l))).toEqual(['37', '35-39', '30-39', '*']);
    expect(age.generalize('37세', 2)).toBe('30-39');
    expect(age.generalize('모름', 1)).toBe('*');
    expect(() => age.generalize('37', 4)).toThrow(RangeError);
  });

  it('dates: exact → day → month → year → decade → *, in the forms Korean tables use', () => {
    const date = dateHierarchy();
    expect([0, 1, 2, 3, 4, 5].map((l) => date.generalize('2013.1.28', l))).toEqual([
      '2013.1.28',
      '2013-01-28',
      '2013-01',
      '2013',
      '2010s',
      '*',
    ]);
    expect(date.generalize('2020-01-01 05', 1)).toBe('2020-01-01');
    expect(date.generalize('20200131', 2)).toBe('2020-01');
    expect(date.generalize('2021년 5월 3일', 3)).toBe('2021');
    expect(date.generalize('2021-13-01', 3)).toBe('*');
  });

  it('postal codes: 5 digits → 3 digits → *, old 6-digit codes apart', () => {
    const postal = postalCodeHierarchy();
    expect(postal.generalize('05623', 1)).toBe('056**');
    expect(postal.generalize('138-849', 1)).toBe('138-***');
    expect(postal.generalize('', 1)).toBe('*');
  });

  it('numeric ranges nest, and refuse widths that would not', () => {
    const n = numericRangeHierarchy([10, 100]);
    expect([0, 1, 2, 3].map((l) => n.generalize('57', l))).toEqual(['57', '50-59', '0-99', '*']);
    expect(numericRangeHierarchy([0.5, 1]).generalize('2.7', 1)).toBe('[2.5, 3)');
    expect(() => numericRangeHierarchy([10, 25])).toThrow(/not a multiple/);
    expect(numericWidthsFor(0, 1000)).toEqual([10, 100, 1000]);
    expect(numericWidthsFor(3, 40)).toEqual([1, 10]);
  });

  it('categorical: exact → *; word addresses cut before house numbers', () => {
    expect(categoricalHierarchy().generalize('남', 1)).toBe('*');
    const words = wordAddressHierarchy();
    expect([1, 2, 3].map((l) => words.generalize('서울 강남구 역삼동 123', l))).toEqual(['서울 강남구 역삼동', '서울 강남구', '서울']);
    expect(words.generalize('123', 1)).toBe('*');
  });

  it('every hierarchy is functional, keeps level 0 and ends in * (property)', () => {
    const ages = fc.array(fc.oneof(fc.integer({ min: -5, max: 120 }).map(String), fc.constantFrom('', '모름', '20-24')), { maxLength: 80 });
    const numbers = fc.array(
      fc.oneof(fc.double({ min: -1e4, max: 1e4, noNaN: true }).map(String), fc.integer({ min: 0, max: 999 }).map(String)),
      { maxLength: 80 },
    );
    const dates = fc.array(
      fc.oneof(
        fc.date({ min: new Date('1900-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
        fc
          .date({ min: new Date('1900-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
          .map((d) => `${d.getUTCFullYear()}.${d.getUTCMonth() + 1}.${d.getUTCDate()}`),
        fc.string(),
      ),
      { maxLength: 80 },
    );
    const postcodes = fc.array(fc.oneof(fc.stringMatching(/^\d{5}$/), fc.stringMatching(/^\d{3}-\d{3}$/), fc.string()), { maxLength: 80 });
    const addresses = fc.array(
      fc.array(fc.constantFrom('서울', '경기', '강남구', '수원시', '역삼동', '123', '2층', ''), { maxLength: 5 }).map((w) => w.join(' ')),
      { maxLength: 80 },
    );
    fc.assert(fc.property(ages, (v) => expectLawful(ageHierarchy(), v)));
    fc.assert(fc.property(numbers, (v) => expectLawful(numericRangeHierarchy([5, 50, 500]), v)));
    fc.assert(fc.property(dates, (v) => expectLawful(dateHierarchy(), v)));
    fc.assert(fc.property(postcodes, (v) => expectLawful(postalCodeHierarchy(), v)));
    fc.assert(fc.property(addresses, (v) => expectLawful(wordAddressHierarchy(), v)));
  });

  it('guesses a kind from the column name and values', () => {
    expect(suggestHierarchyKind('연령', ['34', '51'])).toBe('age');
    expect(suggestHierarchyKind('인허가일자', ['2013.1.28', '2015.5.1'])).toBe('date');
    expect(suggestHierarchyKind('소재지우편번호', ['138-849'])).toBe('postal');
    expect(suggestHierarchyKind('소재지전체주소', ['서울특별시 송파구'])).toBe('address');
    expect(
      suggestHierarchyKind(
        '임산부정원수',
        Array.from({ length: 30 }, (_, i) => String(i)),
      ),
    ).toBe('numeric');
    expect(suggestHierarchyKind('성별', ['남', '여'])).toBe('categorical');
    expect(hierarchyFor('numeric', ['3', '40']).levels).toEqual(['exact', 'width 1', 'width 10', '*']);
    expect(hierarchyFor('address', []).kind).toBe('address-words');
  });
});
