import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromHex, leafHash, toHex } from './merkle.js';
import { VECTOR_ROOTS } from './merkle.vectors.js';
import {
  encodeTreeHead,
  generateLedgerKeyPair,
  keyIdOf,
  privateKeyFromPem,
  privateKeyToPem,
  publicKeyFromBase64,
  publicKeyFromPem,
  publicKeyToBase64,
  publicKeyToPem,
  rawPublicKey,
  signTreeHead,
  TREE_HEAD_ENCODED_LENGTH,
  treeHeadFromJson,
  treeHeadProblem,
  treeHeadToJson,
  verifyTreeHead,
} from './tree-head.js';

const head = { treeSize: 8, rootHash: fromHex(VECTOR_ROOTS[7]!), timestamp: Date.parse('2026-03-01T09:30:00.123Z') };

describe('tree head encoding', () => {
  it('is the context string, then RFC 9162 TreeHeadDataV2 with no extensions, big-endian', () => {
    const bytes = encodeTreeHead(head);
    expect(bytes.length).toBe(79);
    expect(TREE_HEAD_ENCODED_LENGTH).toBe(79);
    expect(toHex(bytes)).toBe(
      Buffer.from('datadam ledger tree head v1\0', 'ascii').toString('hex') +
        '0000019ca8bbb63b' + // 1772357400123 ms = 2026-03-01T09:30:00.123Z
        '0000000000000008' +
        '20' +
        VECTOR_ROOTS[7] +
        '0000',
    );
    expect(Number(Buffer.from(bytes).readBigUInt64BE(28))).toBe(head.timestamp);
  });

  it('refuses heads that cannot be encoded faithfully', () => {
    expect(() => encodeTreeHead({ ...head, treeSize: -1 })).toThrow(RangeError);
    expect(() => encodeTreeHead({ ...head, treeSize: 2 ** 53 })).toThrow(RangeError);
    expect(() => encodeTreeHead({ ...head, timestamp: 1.5 })).toThrow(RangeError);
    expect(() => encodeTreeHead({ ...head, rootHash: new Uint8Array(31) })).toThrow(RangeError);
  });
});

describe('signing and keys', () => {
  const { privateKey, publicKey } = generateLedgerKeyPair();

  it('signs with Ed25519 and verifies with the public key, in every published form', () => {
    const sth = signTreeHead(head, privateKey);
    expect(sth.signature.length).toBe(64);
    expect(sth.keyId).toBe(createHash('sha256').update(rawPublicKey(publicKey)).digest('hex'));
    expect(verifyTreeHead(sth, publicKey)).toBe(true);
    expect(verifyTreeHead(sth, publicKeyFromBase64(publicKeyToBase64(publicKey)))).toBe(true);
    expect(verifyTreeHead(sth, publicKeyFromPem(publicKeyToPem(publicKey)))).toBe(true);
    expect(verifyTreeHead(signTreeHead(head, privateKeyFromPem(privateKeyToPem(privateKey))), publicKey)).toBe(true);
    expect(publicKeyToBase64(publicKey)).toHaveLength(44);
    expect(keyIdOf(privateKey)).toBe(keyIdOf(publicKey));
  });

  it('rejects any change to a signed field, another key, or a bad signature', () => {
    const sth = signTreeHead(head, privateKey);
    expect(treeHeadProblem({ ...sth, treeSize: 9 }, publicKey)).toBe('the signature does not verify');
    expect(treeHeadProblem({ ...sth, timestamp: sth.timestamp + 1 }, publicKey)).toBe('the signature does not verify');
    expect(treeHeadProblem({ ...sth, rootHash: leafHash(Buffer.from('x')) }, publicKey)).toBe('the signature does not verify');
    const flipped = Uint8Array.from(sth.signature);
    flipped[10]! ^= 1;
    expect(treeHeadProblem({ ...sth, signature: flipped }, publicKey)).toBe('the signature does not verify');
    expect(treeHeadProblem({ ...sth, signature: sth.signature.slice(0, 63) }, publicKey)).toBe('the signature does not verify');
    expect(treeHeadProblem({ ...sth, rootHash: new Uint8Array(3) }, publicKey)).toMatch(/^malformed/);
    const other = generateLedgerKeyPair();
    expect(treeHeadProblem(sth, other.publicKey)).toMatch(/not by the log's key/);
    // A head signed by another key but relabelled with our key id still fails on the signature.
    const forged = { ...signTreeHead(head, other.privateKey), keyId: sth.keyId };
    expect(verifyTreeHead(forged, publicKey)).toBe(false);
  });

  it('refuses keys that are not Ed25519', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => publicKeyFromPem(ec.publicKey.export({ type: 'spki', format: 'pem' }).toString())).toThrow(/Ed25519/);
    expect(() => rawPublicKey(ec.publicKey)).toThrow(/Ed25519/);
    expect(() => publicKeyFromBase64('AAAA')).toThrow(/32 bytes/);
  });

  it('round-trips through JSON with ISO time and keeps the signature valid', () => {
    const sth = signTreeHead(head, privateKey);
    const json = JSON.parse(JSON.stringify(treeHeadToJson(sth))) as ReturnType<typeof treeHeadToJson>;
    expect(json.timestamp).toBe('2026-03-01T09:30:00.123Z');
    expect(json.rootHash).toBe(VECTOR_ROOTS[7]);
    const back = treeHeadFromJson(json);
    expect(verifyTreeHead(back, publicKey)).toBe(true);
    expect(() => treeHeadFromJson({ ...json, rootHash: 'zz' })).toThrow();
    expect(() => treeHeadFromJson({ ...json, timestamp: 'yesterday' })).toThrow(/ISO/);
  });
});
