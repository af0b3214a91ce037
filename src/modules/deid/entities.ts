/**
 * What the de-identification engine finds: typed spans of personal information in a text. Offsets
 * are JavaScript string indices (UTF-16 code units) into the original text, end exclusive, as the
 * `datadam deid scan` contract says.
 */

/** Every type the engine detects, exactly as the contract names them. */
export const ENTITY_TYPES = [
  'PERSON',
  'KR_RRN',
  'KR_FRN',
  'KR_PASSPORT',
  'KR_DRIVER_LICENSE',
  'KR_BRN',
  'KR_CRN',
  'PHONE',
  'EMAIL',
  'CREDIT_CARD',
  'BANK_ACCOUNT',
  'KR_HEALTH_INSURANCE',
  'ADDRESS',
  'VEHICLE_PLATE',
  'IP_ADDRESS',
] as const;

export type EntityType = (typeof ENTITY_TYPES)[number];

/** PIPA's unique identifiers (고유식별정보): never kept by default. */
export const UNIQUE_IDENTIFIERS: readonly EntityType[] = ['KR_RRN', 'KR_FRN', 'KR_PASSPORT', 'KR_DRIVER_LICENSE'];

export interface Entity {
  type: EntityType;
  /** Index of the first UTF-16 code unit in the original text. */
  start: number;
  /** Index after the last code unit (exclusive). */
  end: number;
  /** Confidence in [0, 1]. */
  score: number;
}

/**
 * Type guard for a type name from outside (a policy file, a query string).
 *
 * @example isEntityType('PHONE') // true
 */
export function isEntityType(value: unknown): value is EntityType {
  return typeof value === 'string' && (ENTITY_TYPES as readonly string[]).includes(value);
}
