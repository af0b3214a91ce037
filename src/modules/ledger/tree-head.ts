/**
 * Signed tree heads: the log operator's Ed25519 signature over {tree size, root hash, timestamp}.
 * Anyone holding the published public key can check a head offline, and a witness that keeps heads can
 * later demand a consistency proof between them. The byte encoding signed here is fixed in
 * docs/ledger.md; changing it breaks every signature ever issued, so it carries a version string.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { fromHex, HASH_SIZE, type Hash, toHex } from './merkle.js';

/** What the log commits to at one moment. */
export interface TreeHead {
  /** Number of events in the log. */
  treeSize: number;
  /** RFC 9162 root (MTH) of those events. */
  rootHash: Hash;
  /** When the head was issued: milliseconds since the Unix epoch, UTC (as RFC 9162's timestamps). */
  timestamp: number;
}

/** A tree head with the signature that vouches for it. */
export interface SignedTreeHead extends TreeHead {
  /** Hex SHA-256 of the signer's raw 32-byte Ed25519 public key. */
  keyId: string;
  /** The 64-byte Ed25519 signature over {@link encodeTreeHead}(head). */
  signature: Uint8Array;
}

/** A signed tree head as JSON (the API and files): hashes in hex, signature in base64, time as ISO text. */
export interface SignedTreeHeadJson {
  treeSize: number;
  rootHash: string;
  /** ISO 8601 UTC with milliseconds (docs/decisions/0002); exactly the signed millisecond value. */
  timestamp: string;
  keyId: string;
  signature: string;
}

/**
 * Domain separation: the signed bytes start with this string and a zero byte, so a tree-head signature
 * can never be replayed as a signature over any other message the same key might sign.
 */
export const TREE_HEAD_CONTEXT = 'datadam ledger tree head v1';

const CONTEXT_BYTES = Buffer.from(`${TREE_HEAD_CONTEXT}\0`, 'ascii');

/** Length of {@link encodeTreeHead}'s output: context (28) + timestamp (8) + size (8) + hash (1 + 32) + extensions (2). */
export const TREE_HEAD_ENCODED_LENGTH = CONTEXT_BYTES.length + 8 + 8 + 1 + HASH_SIZE + 2;

function assertHead(head: TreeHead): void {
  if (!Number.isSafeInteger(head.treeSize) || head.treeSize < 0) throw new RangeError(`treeSize must be a non-negative safe integer`);
  if (!Number.isSafeInteger(head.timestamp) || head.timestamp < 0)
    throw new RangeError(`timestamp must be non-negative integer milliseconds`);
  if (head.rootHash.byteLength !== HASH_SIZE) throw new RangeError(`rootHash must be ${HASH_SIZE} bytes`);
}

/**
 * The canonical bytes that are signed: the context string and a zero byte, then RFC 9162's
 * TreeHeadDataV2 (§4.9) with no extensions — uint64 timestamp, uint64 tree_size, a one-byte length and
 * the root hash, a two-byte zero extensions length — all big-endian. Always 79 bytes.
 * @example encodeTreeHead({ treeSize: 8, rootHash, timestamp: Date.parse('2026-01-01T00:00:00Z') }).length // 79
 */
export function encodeTreeHead(head: TreeHead): Uint8Array {
  assertHead(head);
  const out = Buffer.alloc(TREE_HEAD_ENCODED_LENGTH);
  let at = CONTEXT_BYTES.copy(out, 0);
  at = out.writeBigUInt64BE(BigInt(head.timestamp), at);
  at = out.writeBigUInt64BE(BigInt(head.treeSize), at);
  at = out.writeUInt8(HASH_SIZE, at);
  at += Buffer.from(head.rootHash).copy(out, at);
  out.writeUInt16BE(0, at);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * A new Ed25519 key pair for signing tree heads.
 * @example const { privateKey, publicKey } = generateLedgerKeyPair()
 */
export function generateLedgerKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ed25519');
}

/**
 * The raw 32-byte Ed25519 public key (RFC 8032 encoding), from a public or private key.
 * @example rawPublicKey(publicKey).length // 32
 */
export function rawPublicKey(key: KeyObject): Uint8Array {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new Error(`not an Ed25519 key: ${publicKey.asymmetricKeyType}`);
  const jwk = publicKey.export({ format: 'jwk' });
  return new Uint8Array(Buffer.from(jwk.x!, 'base64url'));
}

/**
 * The key id: hex SHA-256 of the raw public key. Published beside the key and carried in every head,
 * so a verifier holding several keys (after a rotation) knows which one to use.
 * @example keyIdOf(publicKey) // '3b1f…' (64 hex characters)
 */
export function keyIdOf(key: KeyObject): string {
  return createHash('sha256').update(rawPublicKey(key)).digest('hex');
}

/**
 * The public key as standard base64 of its 32 raw bytes: the short form to publish (web page, docs).
 * @example publicKeyToBase64(publicKey).length // 44 (32 bytes in base64, ending in '=')
 */
export function publicKeyToBase64(key: KeyObject): string {
  return Buffer.from(rawPublicKey(key)).toString('base64');
}

/**
 * A public key from the base64 of its 32 raw bytes.
 * @example verifyTreeHead(head, publicKeyFromBase64(published))
 */
export function publicKeyFromBase64(base64: string): KeyObject {
  const raw = Buffer.from(base64, 'base64');
  if (raw.length !== 32) throw new Error(`an Ed25519 public key is 32 bytes, got ${raw.length}`);
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}

/**
 * The public key as PEM (SubjectPublicKeyInfo), the form OpenSSL and most tools read.
 * @example publicKeyToPem(publicKey).startsWith('-----BEGIN PUBLIC KEY-----') // true
 */
export function publicKeyToPem(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return publicKey.export({ format: 'pem', type: 'spki' }).toString();
}

/**
 * A public key from PEM; throws unless it is Ed25519.
 * @example publicKeyFromPem(fs.readFileSync('ledger.pub', 'utf8'))
 */
export function publicKeyFromPem(pem: string): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`not an Ed25519 key: ${key.asymmetricKeyType}`);
  return key;
}

/**
 * The private key as PEM (PKCS #8), for the operator's secret store.
 * @example privateKeyToPem(privateKey).startsWith('-----BEGIN PRIVATE KEY-----') // true
 */
export function privateKeyToPem(key: KeyObject): string {
  return key.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/**
 * A private key from PEM; throws unless it is Ed25519.
 * @example signTreeHead(head, privateKeyFromPem(process.env.DATADAM_LEDGER_KEY!))
 */
export function privateKeyFromPem(pem: string): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`not an Ed25519 key: ${key.asymmetricKeyType}`);
  return key;
}

/**
 * Signs a tree head with the log's Ed25519 private key.
 * @example const sth = signTreeHead({ treeSize, rootHash, timestamp: clock.now().getTime() }, privateKey)
 */
export function signTreeHead(head: TreeHead, privateKey: KeyObject): SignedTreeHead {
  const bytes = encodeTreeHead(head);
  return {
    treeSize: head.treeSize,
    rootHash: head.rootHash,
    timestamp: head.timestamp,
    keyId: keyIdOf(privateKey),
    signature: new Uint8Array(sign(null, bytes, privateKey)),
  };
}

/**
 * What is wrong with a signed head under `publicKey`, or undefined when it is well formed, names this
 * key and carries a valid signature. Never throws.
 * @example treeHeadProblem(head, publicKey) // 'the signature does not verify'
 */
export function treeHeadProblem(head: SignedTreeHead, publicKey: KeyObject): string | undefined {
  let bytes: Uint8Array;
  try {
    bytes = encodeTreeHead(head);
  } catch (error) {
    return `malformed: ${(error as Error).message}`;
  }
  if (head.keyId !== keyIdOf(publicKey))
    return `signed by key ${head.keyId.slice(0, 16)}…, not by the log's key ${keyIdOf(publicKey).slice(0, 16)}…`;
  if (head.signature.byteLength !== 64) return 'the signature does not verify';
  return verify(null, bytes, publicKey, head.signature) ? undefined : 'the signature does not verify';
}

/**
 * Whether a signed tree head carries a valid signature by `publicKey`.
 * @example verifyTreeHead(signTreeHead(head, privateKey), publicKey) // true
 */
export function verifyTreeHead(head: SignedTreeHead, publicKey: KeyObject): boolean {
  return treeHeadProblem(head, publicKey) === undefined;
}

/**
 * The JSON form of a signed head.
 * @example JSON.stringify(treeHeadToJson(sth)) // {"treeSize":8,"rootHash":"5dc9…","timestamp":"2026-…Z",…}
 */
export function treeHeadToJson(head: SignedTreeHead): SignedTreeHeadJson {
  return {
    treeSize: head.treeSize,
    rootHash: toHex(head.rootHash),
    timestamp: new Date(head.timestamp).toISOString(),
    keyId: head.keyId,
    signature: Buffer.from(head.signature).toString('base64'),
  };
}

/**
 * A signed head from its JSON form; throws on a malformed field (the signature is not checked here).
 * @example verifyTreeHead(treeHeadFromJson(JSON.parse(text)), publicKey)
 */
export function treeHeadFromJson(json: SignedTreeHeadJson): SignedTreeHead {
  const timestamp = Date.parse(json.timestamp);
  if (!Number.isSafeInteger(timestamp)) throw new Error(`timestamp is not an ISO time: ${json.timestamp}`);
  const rootHash = fromHex(json.rootHash);
  if (rootHash.byteLength !== HASH_SIZE) throw new Error(`rootHash must be ${HASH_SIZE} bytes of hex`);
  if (!/^[0-9a-f]{64}$/.test(json.keyId)) throw new Error('keyId must be 64 lower-case hex characters');
  const head = {
    treeSize: json.treeSize,
    rootHash,
    timestamp,
    keyId: json.keyId,
    signature: new Uint8Array(Buffer.from(json.signature, 'base64')),
  };
  assertHead(head);
  return head;
}
