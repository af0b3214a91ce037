import { describe, expect, it } from 'vitest';
import { isAppError } from '../../core/errors.js';
import { decideRange, releasePath, sha256Sums } from './downloads.service.js';

const ETAG = '"abc"';

describe('decideRange', () => {
  it.each([
    [undefined, { kind: 'full' }],
    ['bytes=0-9', { kind: 'partial', start: 0, end: 9 }],
    ['bytes=10-', { kind: 'partial', start: 10, end: 99 }],
    ['bytes=90-1000', { kind: 'partial', start: 90, end: 99 }],
    ['bytes=-10', { kind: 'partial', start: 90, end: 99 }],
    ['bytes=-1000', { kind: 'partial', start: 0, end: 99 }],
    ['bytes=99-99', { kind: 'partial', start: 99, end: 99 }],
    ['bytes=100-', { kind: 'unsatisfiable' }],
    ['bytes=100-200', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    ['bytes=5-1', { kind: 'full' }],
    ['bytes=0-1,5-6', { kind: 'full' }],
    ['items=0-1', { kind: 'full' }],
    ['bytes=-', { kind: 'full' }],
    ['bytes=a-b', { kind: 'full' }],
    [' bytes = 1 - 2 ', { kind: 'partial', start: 1, end: 2 }],
  ])('%s on 100 bytes', (header, expected) => {
    expect(decideRange(header, 100, undefined, ETAG)).toEqual(expected);
  });

  it('treats every range of an empty file as not satisfiable', () => {
    expect(decideRange('bytes=0-', 0, undefined, ETAG)).toEqual({ kind: 'unsatisfiable' });
    expect(decideRange('bytes=-5', 0, undefined, ETAG)).toEqual({ kind: 'unsatisfiable' });
  });

  it('serves the range only when If-Range is this strong ETag', () => {
    expect(decideRange('bytes=0-0', 100, ETAG, ETAG)).toEqual({ kind: 'partial', start: 0, end: 0 });
    expect(decideRange('bytes=0-0', 100, '"other"', ETAG)).toEqual({ kind: 'full' });
    expect(decideRange('bytes=0-0', 100, `W/${ETAG}`, ETAG)).toEqual({ kind: 'full' });
    expect(decideRange('bytes=0-0', 100, 'Wed, 21 Oct 2015 07:28:00 GMT', ETAG)).toEqual({ kind: 'full' });
  });
});

describe('releasePath', () => {
  it('keeps ordinary paths, in NFC', () => {
    expect(releasePath('data/train-00000-of-00001.parquet')).toBe('data/train-00000-of-00001.parquet');
    expect(releasePath('자료/표본 파일.csv'.normalize('NFD'))).toBe('자료/표본 파일.csv'.normalize('NFC'));
    expect(releasePath('a..b/c.d')).toBe('a..b/c.d');
  });

  it.each([
    '',
    '../x',
    'a/../../x',
    './a',
    'a/./b',
    'a//b',
    '/etc/passwd',
    'a\\b',
    'C:x',
    'a\u0000b',
    'a\nb',
    '%2e%2e/x',
    'a/%2F',
    'x'.repeat(1025),
    'a/',
  ])('refuses %j', (raw) => {
    try {
      releasePath(raw);
      expect.unreachable();
    } catch (error) {
      expect(isAppError(error) && error.status).toBe(400);
    }
  });
});

describe('sha256Sums', () => {
  it('writes what sha256sum -c reads', () => {
    expect(sha256Sums([{ path: 'a/b.csv', sha256: 'ff' }])).toBe('ff  a/b.csv\n');
  });
});
