// Checking the usage ledger in the browser, with WebCrypto only: an event's leaf hash from its
// canonical bytes (RFC 9162 §2.1.1: SHA-256(0x00 || bytes)) and an inclusion proof against a root
// (RFC 9162 §2.1.3.2). The same algorithm as src/modules/ledger/merkle.ts, without node:crypto.
// Sizes and indices are plain numbers; bit operations are written as arithmetic (`% 2`,
// `Math.floor(x / 2)`) because JavaScript's bitwise operators truncate to 32 bits.

export type InclusionFailure = 'index-out-of-range' | 'path-length' | 'bad-hash' | 'root-mismatch';

export type InclusionResult = { ok: true; root: string } | { ok: false; reason: InclusionFailure; root?: string };

const HEX = /^[0-9a-f]{64}$/;

/**
 * Bytes of a lower-case or upper-case hex string (even length), or null when it is not one.
 * @example fromHex('00ff') // Uint8Array [0, 255]
 */
export function fromHex(hex: string): Uint8Array | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** @example toHex(Uint8Array.of(0, 255)) // '00ff' */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Bytes of a base64 text (what GET /events/:seq sends as `canonical`). */
export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

async function sha256(prefix: number, ...parts: Uint8Array[]): Promise<Uint8Array> {
  const input = new Uint8Array(1 + parts.reduce((n, p) => n + p.length, 0));
  input[0] = prefix;
  let at = 1;
  for (const part of parts) {
    input.set(part, at);
    at += part.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', input));
}

/**
 * The hash of one log entry: SHA-256(0x00 || bytes), as hex.
 * @example await leafHashHex(new Uint8Array()) // '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d'
 */
export async function leafHashHex(bytes: Uint8Array): Promise<string> {
  return toHex(await sha256(0x00, bytes));
}

/** SHA-256(0x01 || left || right): an interior node. */
const nodeHash = (left: Uint8Array, right: Uint8Array) => sha256(0x01, left, right);

/**
 * Verifies that the leaf `leafHash` sits at `leafIndex` in the tree of `treeSize` leaves whose root
 * is `rootHash`, along `auditPath` (leaf to root), by RFC 9162 §2.1.3.2. Hashes are hex.
 * @example await verifyInclusion({ leafIndex: 0, treeSize: 1, leafHash: h, auditPath: [], rootHash: h }) // { ok: true, root: h }
 */
export async function verifyInclusion(proof: {
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  auditPath: readonly string[];
  rootHash: string;
}): Promise<InclusionResult> {
  const { leafIndex, treeSize } = proof;
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0 || leafIndex >= treeSize) {
    return { ok: false, reason: 'index-out-of-range' };
  }
  const hashes = [proof.leafHash, proof.rootHash, ...proof.auditPath].map((h) => h.toLowerCase());
  if (hashes.some((h) => !HEX.test(h))) return { ok: false, reason: 'bad-hash' };
  const leaf = fromHex(hashes[0]!)!;
  const path = proof.auditPath.map((h) => fromHex(h.toLowerCase())!);

  // 1-3: fn = leaf_index, sn = tree_size - 1, r = leaf hash.
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  // 4: for each p in the path.
  for (const p of path) {
    // a. If sn is 0, the path is too long.
    if (sn === 0) return { ok: false, reason: 'path-length' };
    // b. If LSB(fn) is set, or fn equals sn: r = HASH(0x01 || p || r), then (when LSB(fn) is not
    //    set) shift fn and sn right until LSB(fn) is set or fn is 0.
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      // Otherwise r = HASH(0x01 || r || p).
      r = await nodeHash(r, p);
    }
    // c. Shift fn and sn right one.
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // 5: sn must be 0 (the path was long enough) and r the root.
  const root = toHex(r);
  if (sn !== 0) return { ok: false, reason: 'path-length', root };
  if (root !== hashes[1]) return { ok: false, reason: 'root-mismatch', root };
  return { ok: true, root };
}
