import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENTITY_TYPES } from '../entities.js';
import { dateShiftDays, shiftDate } from './date-shift.js';
import { decryptText, decryptValue, encryptValue, parseEncryptionKey } from './encrypt.js';
import { generalizeAddress, generalizeAge, generalizeDate, parseDate } from './generalize.js';
import { KOREAN_LABELS } from './labels.js';
import { pseudonym } from './pseudonym.js';
import { mask, redact, replaceToken } from './text.js';

const secret = Buffer.from('test-secret-of-the-project-0001');
const otherSecret = Buffer.from('another-secret-entirely-0002');
const graphemes = (s: string) => [...new Intl.Segmenter('ko', { granularity: 'grapheme' }).segment(s)].length;

describe('redact, mask, replace', () => {
  it('redact removes the value', () => {
    fc.assert(fc.property(fc.string(), (s) => redact(s) === ''));
  });

  it('masks Hangul syllable by syllable, keeping the first and last', () => {
    expect(mask('홍길동')).toBe('홍*동');
    expect(mask('남궁민수')).toBe('남**수');
    expect(mask('이산')).toBe('이*');
    expect(mask('김')).toBe('*');
    // Decomposed jamo (NFD) are one syllable each, as a reader sees them.
    expect(mask('홍길동'.normalize('NFD')).normalize('NFC')).toBe('홍*동');
  });

  it('keeps separators and honours the options', () => {
    expect(mask('010-1234-5678', { keepFirst: 3, keepLast: 4 })).toBe('010-****-5678');
    expect(mask('hong@example.com', { keepFirst: 2, keepLast: 0, char: '#' })).toBe('ho##@#######.###');
    expect(mask('a-b', { keepSeparators: false, keepFirst: 0, keepLast: 0 })).toBe('***');
  });

  it('keeps the number of characters and always hides one at least', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'가나다라마바사ab12-@ '), minLength: 1 }),
        fc.nat(5),
        fc.nat(5),
        (value, keepFirst, keepLast) => {
          const masked = mask(value, { keepFirst, keepLast });
          expect(graphemes(masked)).toBe(graphemes(value));
          if (/[\p{L}\p{N}]/u.test(value)) expect(masked).toContain('*');
        },
      ),
    );
  });

  it('replace writes the Korean label of the type, or the configured one', () => {
    expect(replaceToken('PERSON')).toBe('[이름]');
    expect(replaceToken('KR_RRN')).toBe('[주민등록번호]');
    expect(replaceToken('PHONE')).toBe('[전화번호]');
    expect(replaceToken('ADDRESS')).toBe('[주소]');
    expect(replaceToken('PHONE', { labels: { PHONE: '연락처' } })).toBe('[연락처]');
    expect(replaceToken('PHONE', { token: '<PHONE>' })).toBe('<PHONE>');
    for (const type of ENTITY_TYPES) expect(replaceToken(type)).toBe(`[${KOREAN_LABELS[type]}]`);
  });
});

describe('pseudonym', () => {
  const anyValue = fc.string({ minLength: 1, maxLength: 40 });
  const anyType = fc.constantFrom(...ENTITY_TYPES);

  it('is the same for the same value and secret, and differs with another secret', () => {
    fc.assert(
      fc.property(anyValue, anyType, (value, type) => pseudonym(value, type, secret) === pseudonym(value, type, Buffer.from(secret))),
    );
    const names = ['홍길동', '김철수', '이영희', '박지민', '최수진'];
    const differing = names.filter((n) => pseudonym(n, 'PERSON', secret) !== pseudonym(n, 'PERSON', otherSecret));
    // A name space of ~69,000: one coincidence in five is already unlikely, five is impossible.
    expect(differing.length).toBeGreaterThanOrEqual(4);
  });

  it('gives people Korean-looking three-syllable names, or 이름_ tokens', () => {
    fc.assert(
      fc.property(anyValue, (value) => {
        expect(pseudonym(value, 'PERSON', secret)).toMatch(/^[가-힣]{3}$/);
        expect(pseudonym(value, 'PERSON', secret, { style: 'token' })).toMatch(/^이름_[0-9a-f]{8}$/);
      }),
    );
  });

  it('keeps a phone number’s shape and prefix, and makes a valid-looking subscriber number', () => {
    const phone = fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 9999 }), fc.constantFrom('-', '.', ' ', ''));
    fc.assert(
      fc.property(phone, ([a, b, sep]) => {
        const value = `010${sep}${String(a).padStart(4, '0')}${sep}${String(b).padStart(4, '0')}`;
        const out = pseudonym(value, 'PHONE', secret);
        expect(out.replace(/\d/g, '0')).toBe(value.replace(/\d/g, '0'));
        expect(out.replace(/\D/g, '')).toMatch(/^010[2-9]\d{7}$/);
      }),
    );
    expect(pseudonym('02-123-4567', 'PHONE', secret)).toMatch(/^02-[2-9]\d{2}-\d{4}$/);
    expect(pseudonym('+82-10-1234-5678', 'PHONE', secret)).toMatch(/^\+82-10-[2-9]\d{3}-\d{4}$/);
    // Spelling does not change who it is: the same digits give the same digits.
    expect(pseudonym('010-1234-5678', 'PHONE', secret).replace(/\D/g, '')).toBe(pseudonym('01012345678', 'PHONE', secret));
  });

  it('gives emails an address shape in a reserved domain', () => {
    const out = pseudonym('Hong.GilDong@example.co.kr', 'EMAIL', secret);
    expect(out).toMatch(/^u[0-9a-f]{8}@d[0-9a-f]{6}\.example$/);
    expect(pseudonym('hong.gildong@example.co.kr', 'EMAIL', secret)).toBe(out);
  });

  it('replaces digits and letters in kind for other types', () => {
    const out = pseudonym('123-45-67890', 'KR_BRN', secret);
    expect(out).toMatch(/^\d{3}-\d{2}-\d{5}$/);
    expect(out).not.toBe('123-45-67890');
    expect(pseudonym('192.168.0.1', 'IP_ADDRESS', secret)).toMatch(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/);
  });
});

describe('generalize', () => {
  it('reads dates in the usual Korean spellings and refuses days that do not exist', () => {
    expect(parseDate('2024-03-05')).toMatchObject({ year: 2024, month: 3, day: 5, style: 'dash' });
    expect(parseDate('2024.3.5.')).toMatchObject({ month: 3, day: 5, style: 'dot' });
    expect(parseDate('20240305')).toMatchObject({ style: 'compact' });
    expect(parseDate('2024년 3월 5일')).toMatchObject({ style: 'korean' });
    expect(parseDate('2023-02-29')).toBeUndefined();
    expect(parseDate('어제')).toBeUndefined();
  });

  it('cuts dates to month or year in their own style', () => {
    expect(generalizeDate('1987-06-15', 'month')).toBe('1987-06');
    expect(generalizeDate('1987.6.15', 'month')).toBe('1987.06');
    expect(generalizeDate('19870615', 'year')).toBe('1987');
    expect(generalizeDate('1987년 6월 15일', 'month')).toBe('1987년 6월');
    expect(generalizeDate('1987년 6월 15일', 'year')).toBe('1987년');
    expect(generalizeDate('2024-03-05T10:00:00Z', 'month')).toBe('2024-03');
    expect(generalizeDate('unknown', 'year')).toBeUndefined();
  });

  it('puts ages in bands that contain them', () => {
    expect(generalizeAge('34세')).toBe('30대');
    expect(generalizeAge('만 41세')).toBe('40대');
    expect(generalizeAge(7)).toBe('10세 미만');
    expect(generalizeAge(93)).toBe('90세 이상');
    expect(generalizeAge(34, { style: 'range' })).toBe('30-39');
    expect(generalizeAge(34, { width: 5 })).toBe('30~34세');
    expect(generalizeAge('서른')).toBeUndefined();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 89 }), fc.integer({ min: 1, max: 20 }), (age, width) => {
        const [low, high] = generalizeAge(age, { width, style: 'range' })!.split('-').map(Number);
        expect(low! <= age && age <= high!).toBe(true);
      }),
    );
  });

  it('keeps an address’s 시도 and 시군구 only', () => {
    expect(generalizeAddress('서울특별시 강남구 테헤란로 123, 4층')).toBe('서울특별시 강남구');
    expect(generalizeAddress('경기도 수원시 영통구 매탄동 123')).toBe('경기도 수원시 영통구');
    expect(generalizeAddress('부산 해운대구 우동 1408')).toBe('부산 해운대구');
    expect(generalizeAddress('강원특별자치도 춘천시 중앙로 1')).toBe('강원특별자치도 춘천시');
    expect(generalizeAddress('서울특별시 강남구 테헤란로 123', 'sido')).toBe('서울특별시');
    expect(generalizeAddress('성남시 분당구 정자동 1')).toBe('성남시 분당구');
    expect(generalizeAddress('테헤란로 123')).toBeUndefined();
  });
});

describe('date_shift', () => {
  it('shifts every date of a subject by the same non-zero number of days within the bound', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.integer({ min: 1, max: 365 }), (subject, maxDays) => {
        const days = dateShiftDays(subject, secret, maxDays);
        expect(days).toBe(dateShiftDays(subject, secret, maxDays));
        expect(days !== 0 && Math.abs(days) <= maxDays).toBe(true);
      }),
    );
  });

  it('keeps the intervals between a subject’s dates', () => {
    const day = fc.integer({ min: 0, max: 20000 }).map((n) => new Date(Date.UTC(1980, 0, 1) + n * 86_400_000).toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, day, fc.string({ maxLength: 10 }), (a, b, subject) => {
        const days = dateShiftDays(subject, secret, 30);
        const gap = (x: string, y: string) => (Date.parse(y) - Date.parse(x)) / 86_400_000;
        expect(gap(shiftDate(a, days)!, shiftDate(b, days)!)).toBe(gap(a, b));
        expect(gap(a, shiftDate(a, days)!)).toBe(days);
      }),
    );
  });

  it('moves different subjects by different amounts (mostly) and writes the date back in its style', () => {
    const shifts = new Set(Array.from({ length: 50 }, (_, i) => dateShiftDays(`patient-${i}`, secret, 365)));
    expect(shifts.size).toBeGreaterThan(40);
    expect(shiftDate('2024.2.27', 3)).toBe('2024.3.1');
    expect(shiftDate('2024년 1월 2일', -2)).toBe('2023년 12월 31일');
    expect(shiftDate('20240101', -1)).toBe('20231231');
    expect(shiftDate('2024-01-01 09:30', 1)).toBe('2024-01-02 09:30');
  });
});

describe('encrypt', () => {
  const key = parseEncryptionKey('11'.repeat(32));

  it('decrypts back what it encrypted, and encrypts the same value differently each time', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const token = encryptValue(value, key);
        expect(token).toMatch(/^enc:v1:[A-Za-z0-9_-]+$/);
        expect(decryptValue(token, key)).toBe(value);
      }),
    );
    expect(encryptValue('900101-1234567', key)).not.toBe(encryptValue('900101-1234567', key));
  });

  it('refuses another key and an altered token', () => {
    const token = encryptValue('홍길동', key);
    expect(() => decryptValue(token, parseEncryptionKey('22'.repeat(32)))).toThrow(/does not decrypt/);
    const altered = token.slice(0, -2) + (token.endsWith('A') ? 'B' : 'A') + token.slice(-1);
    expect(() => decryptValue(altered, key)).toThrow();
  });

  it('decrypts every token inside a text', () => {
    const text = `이름 ${encryptValue('홍길동', key)}, 연락처 ${encryptValue('010-1234-5678', key)}.`;
    expect(decryptText(text, key)).toBe('이름 홍길동, 연락처 010-1234-5678.');
  });

  it('reads keys as hex or base64 and refuses others without echoing them', () => {
    const bytes = Buffer.alloc(32, 7);
    expect(parseEncryptionKey(bytes.toString('base64'))).toEqual(bytes);
    expect(parseEncryptionKey(bytes.toString('base64url'))).toEqual(bytes);
    expect(() => parseEncryptionKey('short-secret-value')).toThrow(/32 bytes/);
    try {
      parseEncryptionKey('short-secret-value');
    } catch (error) {
      expect((error as Error).message).not.toContain('short-secret-value');
    }
  });
});
