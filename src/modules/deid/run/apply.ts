/**
 * Applying a policy to one text and the entities found in it, and to whole field values. Pure:
 * keys come in through the context, nothing is read or written.
 */
import type { Entity, EntityType } from '../entities.js';
import { dateShiftDays, shiftDate } from '../operators/date-shift.js';
import { encryptValue } from '../operators/encrypt.js';
import { generalizeAddress, generalizeAge, generalizeDate } from '../operators/generalize.js';
import { pseudonym } from '../operators/pseudonym.js';
import { mask, redact, replaceToken } from '../operators/text.js';
import { ruleForType, type DeidKeys, type FieldRule, type OperatorName, type Policy, type TypeRule } from '../policy.js';

/** What a run knows about the record being processed. */
export interface ApplyContext {
  keys: DeidKeys;
  /** The key of the record's subject, for `date_shift` (the value of the policy's `subject_field`). */
  subjectKey?: string;
}

/** One change made to the text: where it was, where its replacement now is, what replaced it. */
export interface Replacement {
  type: EntityType;
  operator: OperatorName;
  /** Offsets of the entity in the input text (UTF-16, end exclusive). */
  start: number;
  end: number;
  /** Offsets of the replacement in the output text. */
  outputStart: number;
  outputEnd: number;
  /** False when the operator could not read the value (a `generalize` of an unparseable address) and fell back to the type's token. */
  applied: boolean;
}

export interface ApplyResult {
  text: string;
  replacements: Replacement[];
  /** A `suppress` rule matched: the whole record must be dropped. */
  suppressed: boolean;
}

function needKey<T>(key: T | undefined, what: string): T {
  if (key === undefined) throw new Error(`The run has no ${what}: resolve the policy's keys first`);
  return key;
}

/**
 * Entities the policy acts on, without overlaps: of two that overlap, the one starting first
 * wins, then the longer, then the more confident (an RRN inside a longer account number is
 * covered by the account number's replacement).
 *
 * @example selectEntities([{ type: 'PERSON', start: 0, end: 3, score: 0.9 }, { type: 'PHONE', start: 2, end: 9, score: 0.99 }], policy, 20) // the PERSON only
 */
export function selectEntities(entities: readonly Entity[], policy: Policy, textLength: number): Entity[] {
  const wanted = entities
    .filter((e) => e.score >= policy.threshold && policy.detect.includes(e.type) && e.start >= 0 && e.end <= textLength && e.start < e.end)
    .sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start) || b.score - a.score);
  const kept: Entity[] = [];
  let covered = 0;
  for (const entity of wanted) {
    if (entity.start < covered) continue;
    kept.push(entity);
    covered = entity.end;
  }
  return kept;
}

/** The replacement of one value under one rule: a string, or `suppress`, or undefined when the operator cannot read the value. */
function transform(
  value: string,
  type: EntityType,
  rule: TypeRule | FieldRule,
  policy: Policy,
  context: ApplyContext,
): string | undefined | 'suppress' {
  switch (rule.operator) {
    case 'keep':
      return value;
    case 'redact':
      return redact(value);
    case 'mask':
      return mask(value, { keepFirst: rule.keep_first, keepLast: rule.keep_last, char: rule.char, keepSeparators: rule.keep_separators });
    case 'replace':
      return replaceToken(type, { token: rule.token, labels: policy.labels });
    case 'pseudonym':
      return pseudonym(value, type, needKey(context.keys.hmacSecret, 'HMAC secret'), { style: rule.style });
    case 'suppress':
      return 'suppress';
    case 'encrypt':
      return encryptValue(value, needKey(context.keys.encryptionKey, 'encryption key'));
    case 'generalize':
      switch (rule.to) {
        case 'sigungu':
        case 'sido':
          return generalizeAddress(value, rule.to);
        case 'month':
        case 'year':
          return generalizeDate(value, rule.to);
        case 'age_band':
          return 'band_width' in rule
            ? generalizeAge(value, { width: rule.band_width, top: rule.top, style: rule.age_style })
            : generalizeAge(value);
      }
      return undefined;
    case 'date_shift': {
      // Without a subject the whole dataset shares one shift: still hides the calendar, links nothing new.
      const days = dateShiftDays(context.subjectKey ?? '', needKey(context.keys.hmacSecret, 'HMAC secret'), rule.max_days);
      return shiftDate(value, days);
    }
  }
}

/**
 * Applies a policy to a text and the entities found in it: each entity is replaced according to
 * its type's rule, working from the end so the offsets of the ones before stay valid. Entities
 * under the threshold, of types not detected, or overlapping an earlier one are left out.
 *
 * @example applyPolicy('홍길동 010-1234-5678', [{ type: 'PERSON', start: 0, end: 3, score: 0.9 }], policy, { keys }).text // '[이름] 010-1234-5678'
 */
export function applyPolicy(text: string, entities: readonly Entity[], policy: Policy, context: ApplyContext): ApplyResult {
  const selected = selectEntities(entities, policy, text.length);
  const pieces: string[] = [];
  const replaced: { entity: Entity; operator: OperatorName; value: string; applied: boolean }[] = [];
  let suppressed = false;
  let cursor = text.length;
  for (let i = selected.length - 1; i >= 0; i--) {
    const entity = selected[i]!;
    const rule = ruleForType(policy, entity.type);
    if (rule.operator === 'keep') continue;
    const original = text.slice(entity.start, entity.end);
    let value = transform(original, entity.type, rule, policy, context);
    if (value === 'suppress') {
      suppressed = true;
      value = replaceToken(entity.type, { labels: policy.labels });
    }
    const applied = value !== undefined;
    value ??= replaceToken(entity.type, { labels: policy.labels });
    pieces.push(text.slice(entity.end, cursor), value);
    cursor = entity.start;
    replaced.push({ entity, operator: rule.operator, value, applied });
  }
  pieces.push(text.slice(0, cursor));
  const output = pieces.reverse().join('');
  // Output offsets, forward: each replacement moves everything after it by its change in length.
  let shift = 0;
  const replacements: Replacement[] = replaced.reverse().map(({ entity, operator, value, applied }) => {
    const outputStart = entity.start + shift;
    shift += value.length - (entity.end - entity.start);
    return {
      type: entity.type,
      operator,
      start: entity.start,
      end: entity.end,
      outputStart,
      outputEnd: outputStart + value.length,
      applied,
    };
  });
  return { text: output, replacements, suppressed };
}

export interface FieldResult {
  /** The new value; undefined when the record is suppressed. */
  value: string | undefined;
  suppressed: boolean;
  /** False when the operator could not read the value and the field's token was written instead. */
  applied: boolean;
}

/**
 * Applies a field rule to a whole value (a column of a CSV row, a key of a JSON record). A value
 * the operator cannot read (a birth date that is not a date) becomes the field's token, never
 * stays as it was.
 *
 * @example applyFieldRule('1987-06-15', { operator: 'generalize', to: 'year', ... }, policy, { keys }).value // '1987'
 */
export function applyFieldRule(value: string, rule: FieldRule, policy: Policy, context: ApplyContext): FieldResult {
  // Validation made sure `pseudonym` and `replace` (without a token) name `as`; the others ignore the type.
  const type: EntityType = rule.as ?? 'PERSON';
  const out = transform(value, type, rule, policy, context);
  if (out === 'suppress') return { value: undefined, suppressed: true, applied: true };
  if (out === undefined) {
    return { value: rule.as ? replaceToken(rule.as, { labels: policy.labels }) : '[비식별]', suppressed: false, applied: false };
  }
  return { value: out, suppressed: false, applied: true };
}
