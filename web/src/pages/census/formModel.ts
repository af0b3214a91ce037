// The census form in the browser: which fields go in which fieldset, the values as the inputs hold
// them (text), the conversion to and from what the API stores, and the checks run on blur, which
// mirror the field types the server checks.
import type { FieldType, FormData, FormDefinition, FormField, Labels } from './censusApi';

export type GroupKey = 'basic' | 'nature' | 'volume' | 'provision' | 'rights' | 'quality' | 'other';

/** The fieldsets in order; a field the server adds later lands in "other". */
export const GROUPS: Array<{ key: GroupKey; fields: string[] }> = [
  {
    key: 'basic',
    fields: ['title', 'titleEn', 'description', 'descriptionEn', 'department', 'contactName', 'contactEmail', 'contactPhone'],
  },
  { key: 'nature', fields: ['readiness', 'structure', 'modality', 'domain', 'purpose', 'legalMandate'] },
  {
    key: 'volume',
    fields: ['volumeRecords', 'volumeFiles', 'volumeBytes', 'volumeHours', 'formats', 'collectionStart', 'collectionEnd', 'updateCycle'],
  },
  { key: 'provision', fields: ['provisionScope', 'restrictionReason', 'legalBasis'] },
  { key: 'rights', fields: ['personalInfo', 'sensitiveCategories', 'copyrightHolder', 'licence'] },
  { key: 'quality', fields: ['qualityWork', 'knownIssues', 'sampleAvailability', 'relatedSystems', 'urls'] },
];

export interface FieldGroup {
  key: GroupKey;
  fields: FormField[];
}

/** The server's fields in our fieldsets, in the order of the lists above. */
export function groupFields(definition: FormDefinition): FieldGroup[] {
  const byKey = new Map(definition.fields.map((f) => [f.key, withDomains(f, definition)]));
  const placed = new Set<string>();
  const groups: FieldGroup[] = [];
  for (const group of GROUPS) {
    const fields = group.fields.flatMap((key) => {
      const field = byKey.get(key);
      if (!field) return [];
      placed.add(key);
      return [field];
    });
    if (fields.length > 0) groups.push({ key: group.key, fields });
  }
  const rest = definition.fields.filter((f) => !placed.has(f.key)).map((f) => withDomains(f, definition));
  if (rest.length > 0) groups.push({ key: 'other', fields: rest });
  return groups;
}

/** 'domain' takes its choices from the deployment's domain list. */
function withDomains(field: FormField, definition: FormDefinition): FormField {
  if (field.key === 'domain' && !field.choices?.length) return { ...field, type: 'enum', choices: definition.domains };
  return field;
}

/** The input values: text for most fields, the chosen values for multi-choice ones. */
export type FormValues = Record<string, string | string[]>;

const isListType = (type: FieldType) => type === 'list';

/** The stored form as the inputs show it. */
export function toValues(fields: FormField[], form: FormData | undefined): FormValues {
  const values: FormValues = {};
  for (const field of fields) {
    const raw = form?.[field.key];
    if (field.type === 'multi') values[field.key] = Array.isArray(raw) ? raw.map(String) : [];
    else if (isListType(field.type)) values[field.key] = Array.isArray(raw) ? raw.map(String).join('\n') : raw == null ? '' : String(raw);
    else values[field.key] = raw == null ? '' : String(raw);
  }
  return values;
}

/** Splits a list input: one item a line, or separated by commas. */
export function splitList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

const NUMBER = /^\d+(\.\d+)?$/;

/** The values as the API stores them; empty inputs are left out. Invalid numbers are left out too. */
export function toForm(fields: FormField[], values: FormValues): FormData {
  const form: FormData = {};
  for (const field of fields) {
    const value = values[field.key];
    if (value === undefined) continue;
    if (field.type === 'multi') {
      if (Array.isArray(value) && value.length > 0) form[field.key] = value;
      continue;
    }
    const text = Array.isArray(value) ? value.join('\n') : value;
    if (isListType(field.type)) {
      const items = splitList(text);
      if (items.length > 0) form[field.key] = items;
      continue;
    }
    const trimmed = text.trim();
    if (trimmed === '') continue;
    if (field.type === 'number') {
      const normalised = trimmed.replace(/,/g, '');
      if (NUMBER.test(normalised)) form[field.key] = Number(normalised);
      continue;
    }
    form[field.key] = trimmed;
  }
  return form;
}

export const isEmpty = (value: string | string[] | undefined) =>
  value === undefined || (Array.isArray(value) ? value.length === 0 : value.trim() === '');

/** An error found in the browser, as an i18n key under census.validation and its values. */
export interface ClientError {
  key: 'required' | 'email' | 'number' | 'integer' | 'date' | 'url' | 'endBeforeStart' | 'restrictionNeeded' | 'sensitiveNeedsPersonal';
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PARTIAL_DATE = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/;
const INTEGER_FIELDS = new Set(['volumeRecords', 'volumeFiles', 'volumeBytes']);

/**
 * The problem with one field's value, if any. `forSubmit` also asks for the fields the server
 * needs before submitting.
 *
 * @example checkField({ key: 'contactEmail', type: 'email', … }, { contactEmail: 'kim@' }, false) // { key: 'email' }
 */
export function checkField(field: FormField, values: FormValues, forSubmit: boolean): ClientError | undefined {
  const value = values[field.key];
  if (isEmpty(value)) {
    if (field.key === 'restrictionReason' && !isEmpty(values.provisionScope) && values.provisionScope !== 'open') {
      return { key: 'restrictionNeeded' };
    }
    return forSubmit && field.required ? { key: 'required' } : undefined;
  }
  const text = typeof value === 'string' ? value.trim() : '';
  switch (field.type) {
    case 'email':
      return EMAIL.test(text) ? undefined : { key: 'email' };
    case 'number': {
      const normalised = text.replace(/,/g, '');
      if (!NUMBER.test(normalised)) return { key: 'number' };
      if (INTEGER_FIELDS.has(field.key) && !/^\d+$/.test(normalised)) return { key: 'integer' };
      return undefined;
    }
    case 'date':
      if (!PARTIAL_DATE.test(text)) return { key: 'date' };
      if (field.key === 'collectionEnd') {
        const start = typeof values.collectionStart === 'string' ? values.collectionStart.trim() : '';
        if (PARTIAL_DATE.test(start) && text < start) return { key: 'endBeforeStart' };
      }
      return undefined;
    case 'list':
      if (field.key === 'urls' && splitList(text).some((u) => !/^https?:\/\/\S+$/i.test(u))) return { key: 'url' };
      return undefined;
    case 'multi':
      if (field.key === 'sensitiveCategories' && values.personalInfo === 'none') return { key: 'sensitiveNeedsPersonal' };
      return undefined;
    default:
      return undefined;
  }
}

/** Every field's problem; format problems only unless `forSubmit`. */
export function checkAll(fields: FormField[], values: FormValues, forSubmit: boolean): Record<string, ClientError> {
  const errors: Record<string, ClientError> = {};
  for (const field of fields) {
    const error = checkField(field, values, forSubmit);
    if (error) errors[field.key] = error;
  }
  return errors;
}

/** Fields whose check depends on another field's value, to re-check when that one changes. */
export const DEPENDENTS: Record<string, string[]> = {
  provisionScope: ['restrictionReason'],
  personalInfo: ['sensitiveCategories'],
  collectionStart: ['collectionEnd'],
};

/**
 * The form field a server problem names: `body.form.contactEmail`, `form.urls.0` and
 * `contactEmail` all name `contactEmail`.
 */
export function problemField(field: string, known: Set<string>): string | undefined {
  const parts = field.split('.').filter((p) => p !== 'body' && p !== 'form');
  const key = parts[0];
  return key !== undefined && known.has(key) ? key : undefined;
}

export const label = (labels: Labels, lang: 'ko' | 'en') => labels[lang] || labels.ko;
