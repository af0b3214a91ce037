/**
 * The ledger's signing key. Every process of a deployment must sign with the same key, so it is
 * derived from the platform secret (DATADAM_SECRET, or the one the embedded data folder keeps):
 * HKDF-SHA256(secret, salt = "", info = "datadam ledger ed25519") → 32-byte seed → Ed25519 private
 * key (the seed wrapped in its fixed PKCS #8 DER prefix). An operator who keeps the key apart from
 * the platform secret sets DATADAM_LEDGER_KEY to a PKCS #8 PEM Ed25519 private key instead.
 */
import { createPrivateKey, createPublicKey, hkdfSync, type KeyObject } from 'node:crypto';
import { keyIdOf, privateKeyFromPem } from './tree-head.js';

/** PKCS #8 PrivateKeyInfo for Ed25519 (RFC 8410) up to the 32-byte seed. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export const LEDGER_KEY_INFO = 'datadam ledger ed25519';

export interface LedgerKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
}

/**
 * The Ed25519 key derived from the platform secret: the same secret gives the same key everywhere.
 * @example keyIdOf(ledgerKeyFromSecret('s3cret').publicKey) === keyIdOf(ledgerKeyFromSecret('s3cret').publicKey) // true
 */
export function ledgerKeyFromSecret(secret: string): LedgerKeys {
  if (secret.length === 0) throw new RangeError('the platform secret is empty');
  const seed = Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), Buffer.from(LEDGER_KEY_INFO, 'utf8'), 32));
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  return withPublic(privateKey);
}

/** DATADAM_LEDGER_KEY (PKCS #8 PEM) when given, else the key derived from the platform secret. */
export function loadLedgerKeys(options: { secret: string; pem?: string | undefined }): LedgerKeys {
  if (options.pem !== undefined && options.pem.trim() !== '') return withPublic(privateKeyFromPem(options.pem.replace(/\\n/g, '\n')));
  return ledgerKeyFromSecret(options.secret);
}

function withPublic(privateKey: KeyObject): LedgerKeys {
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}
