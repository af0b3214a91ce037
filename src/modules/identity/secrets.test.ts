import { describe, expect, it } from 'vitest';
import { DUMMY_PASSWORD_HASH, hashPassword, hashSecret, newApiToken, safeEqual, verifyPassword } from './secrets.js';

describe('secrets', () => {
  it('hashes passwords with scrypt and a random salt, and verifies them', async () => {
    const a = await hashPassword('정확한 비밀번호 correct horse');
    const b = await hashPassword('정확한 비밀번호 correct horse');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('정확한 비밀번호 correct horse', a)).toBe(true);
    expect(await verifyPassword('정확한 비밀번호 correct hors', a)).toBe(false);
  });

  it('treats the NFC and NFD spellings of a Korean password as the same', async () => {
    const stored = await hashPassword('한글비밀번호'.normalize('NFD'));
    expect(await verifyPassword('한글비밀번호'.normalize('NFC'), stored)).toBe(true);
  });

  it('refuses malformed hashes and the dummy hash', async () => {
    expect(await verifyPassword('x', 'md5$abc')).toBe(false);
    expect(await verifyPassword('x', '')).toBe(false);
    expect(await verifyPassword('anything', DUMMY_PASSWORD_HASH)).toBe(false);
  });

  it('makes API tokens whose hash, not the token, is kept', () => {
    const { token, hash, prefix } = newApiToken();
    expect(token).toMatch(/^ddm_[A-Za-z0-9_-]{43}$/);
    expect(hash).toBe(hashSecret(token));
    expect(hash).not.toContain(token.slice(4));
    expect(token.startsWith(prefix)).toBe(true);
    expect(newApiToken().token).not.toBe(token);
  });

  it('compares in constant time, including different lengths', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });
});
