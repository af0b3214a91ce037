import { describe, expect, it } from 'vitest';
import { detectEntities } from '../detect.js';
import { findEmails } from './email.js';

function emails(text: string): string[] {
  return detectEntities(text, { types: ['EMAIL'] }).map((e) => text.slice(e.start, e.end));
}

describe('EMAIL', () => {
  it('finds addresses between Hangul, particles and punctuation', () => {
    expect(emails('메일은 hong.gildong@example.co.kr으로 보내 주세요')).toEqual(['hong.gildong@example.co.kr']);
    expect(emails('문의:kim_01+tag@data.go.kr, lee@korea.kr.')).toEqual(['kim_01+tag@data.go.kr', 'lee@korea.kr']);
    expect(emails('<a href="mailto:park@example.com">')).toEqual(['park@example.com']);
  });

  it('folds full-width characters and maps back', () => {
    const text = '이메일 ｈｏｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ입니다';
    expect(emails(text)).toEqual(['ｈｏｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ']);
  });

  it('rejects what only looks like an address', () => {
    expect(findEmails('@mention, user@localhost, icon@2x.png, a@b, .@x.com, x@-bad-.com, 가격@5000원')).toEqual([]);
  });
});
