/** The de-identification operators: pure functions of a value (and a key where one is needed). */
export { KOREAN_LABELS } from './labels.js';
export { mask, redact, replaceToken, type MaskOptions, type ReplaceOptions } from './text.js';
export { keyedBytes, pseudonym, type PseudonymOptions, type PseudonymStyle } from './pseudonym.js';
export {
  formatDate,
  generalizeAddress,
  generalizeAge,
  generalizeDate,
  parseDate,
  type AgeBandOptions,
  type ParsedDate,
} from './generalize.js';
export { dateShiftDays, shiftDate } from './date-shift.js';
export { decryptText, decryptValue, encryptValue, ENCRYPTED_PREFIX, ENCRYPTED_TOKEN, parseEncryptionKey } from './encrypt.js';
