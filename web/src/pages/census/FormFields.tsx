// One field of the census form, drawn from its definition: label, "required to submit" marker,
// the input for its type, a hint, and its error tied to it with aria-describedby. And the same
// field read-only, for entries that are no longer editable.
import { useTranslation } from 'react-i18next';
import { currentLanguage } from '../../i18n';
import type { FormField } from './censusApi';
import { label, splitList } from './formModel';

export const fieldId = (key: string) => `census-field-${key}`;
export const errorId = (key: string) => `census-field-${key}-error`;
const hintId = (key: string) => `census-field-${key}-hint`;

const TEXTAREA_ROWS: Record<string, number> = { description: 5, descriptionEn: 4 };

interface FieldProps {
  field: FormField;
  value: string | string[];
  error: string | undefined;
  disabled?: boolean;
  onChange: (value: string | string[]) => void;
  onBlur: () => void;
}

export function FieldInput({ field, value, error, disabled, onChange, onBlur }: FieldProps) {
  const { t } = useTranslation();
  const lang = currentLanguage();
  const id = fieldId(field.key);
  // The error says what the hint would; one message at a time.
  const hint = error ? undefined : hintFor(field, t);
  const describedBy = [error ? errorId(field.key) : null, hint ? hintId(field.key) : null].filter(Boolean).join(' ') || undefined;
  const text = typeof value === 'string' ? value : '';
  const title = label(field.labels, lang);
  const requiredMark = field.required ? (
    <span className="dd-required" aria-hidden="true">
      *
    </span>
  ) : null;

  if (field.type === 'multi') {
    const selected = Array.isArray(value) ? value : [];
    return (
      <fieldset
        className={`form-group dd-field dd-field-wide${error ? ' is-error' : ''}`}
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
        id={id}
        tabIndex={-1}
      >
        <legend className="form-tit dd-legend">
          {title}
          {requiredMark}
        </legend>
        <div className="form-conts">
          <div className="krds-check-area dd-check-grid">
            {(field.choices ?? []).map((choice) => {
              const choiceId = `${id}-${choice.value}`;
              return (
                <div className="krds-form-check" key={choice.value}>
                  <input
                    type="checkbox"
                    id={choiceId}
                    name={field.key}
                    value={choice.value}
                    checked={selected.includes(choice.value)}
                    disabled={disabled}
                    onChange={(e) => {
                      const next = e.target.checked ? [...selected, choice.value] : selected.filter((v) => v !== choice.value);
                      onChange(next);
                    }}
                    onBlur={onBlur}
                  />
                  <label htmlFor={choiceId}>{label(choice.labels, lang)}</label>
                </div>
              );
            })}
          </div>
        </div>
        {hint && (
          <p className="form-hint" id={hintId(field.key)}>
            {hint}
          </p>
        )}
        {error && (
          <p className="form-hint-invalid" id={errorId(field.key)}>
            {error}
          </p>
        )}
      </fieldset>
    );
  }

  const common = {
    id,
    name: field.key,
    disabled,
    onBlur,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
    'aria-required': field.required ? true : undefined,
  } as const;

  let control;
  if (field.type === 'enum') {
    control = (
      <select {...common} className={`krds-form-select${error ? ' is-error' : ''}`} value={text} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('census.form.choose')}</option>
        {(field.choices ?? []).map((choice) => (
          <option key={choice.value} value={choice.value}>
            {label(choice.labels, lang)}
          </option>
        ))}
      </select>
    );
  } else if (field.type === 'textarea' || field.type === 'list') {
    control = (
      <div className="textarea-wrap">
        <textarea
          {...common}
          className="krds-input"
          rows={field.type === 'list' ? 3 : (TEXTAREA_ROWS[field.key] ?? 3)}
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
      </div>
    );
  } else {
    control = (
      <input
        {...common}
        className="krds-input"
        type={field.type === 'email' ? 'email' : 'text'}
        inputMode={field.type === 'number' ? 'decimal' : field.type === 'email' ? 'email' : field.type === 'date' ? 'numeric' : undefined}
        autoComplete={field.type === 'email' ? 'email' : 'off'}
        placeholder={field.type === 'date' ? t('census.form.datePlaceholder') : undefined}
        value={text}
        onChange={(e) => onChange(e.target.value)}
      />
    );
  }

  const wide = field.type === 'textarea' || field.type === 'list' || field.key === 'title' || field.key === 'titleEn';
  return (
    <div className={`form-group dd-field${wide ? ' dd-field-wide' : ''}`}>
      <div className="form-tit">
        <label htmlFor={id}>
          {title}
          {requiredMark}
        </label>
      </div>
      <div className={`form-conts${error ? ' is-error' : ''}`}>{control}</div>
      {hint && (
        <p className="form-hint" id={hintId(field.key)}>
          {hint}
        </p>
      )}
      {error && (
        <p className="form-hint-invalid" id={errorId(field.key)}>
          {error}
        </p>
      )}
    </div>
  );
}

function hintFor(field: FormField, t: ReturnType<typeof useTranslation>['t']): string | undefined {
  switch (field.type) {
    case 'date':
      return t('census.form.hintDate');
    case 'number':
      return t('census.form.hintNumber');
    case 'list':
      return field.key === 'urls' ? t('census.form.hintUrls') : t('census.form.hintList');
    case 'email':
      return t('census.form.hintEmail');
    default:
      return undefined;
  }
}

/** A stored value in words: choice labels, lists joined, numbers with separators. */
export function displayValue(field: FormField, raw: unknown): string {
  const lang = currentLanguage();
  if (raw === undefined || raw === null || raw === '') return '';
  const choice = (v: unknown) => {
    const found = field.choices?.find((c) => c.value === v);
    return found ? label(found.labels, lang) : String(v);
  };
  if (Array.isArray(raw)) return raw.map((v) => (field.choices ? choice(v) : String(v))).join(', ');
  if (field.type === 'enum' || field.choices) return choice(raw);
  if (typeof raw === 'number') return raw.toLocaleString(lang === 'ko' ? 'ko-KR' : 'en-GB');
  if (typeof raw === 'string' && field.type === 'list') return splitList(raw).join(', ');
  return typeof raw === 'string' ? raw : JSON.stringify(raw);
}

export function FieldView({ field, raw }: { field: FormField; raw: unknown }) {
  const { t } = useTranslation();
  const text = displayValue(field, raw);
  const wide = field.type === 'textarea' || field.type === 'list' || field.type === 'multi';
  return (
    <div className={`dd-view-item${wide ? ' dd-field-wide' : ''}`}>
      <dt>{label(field.labels, currentLanguage())}</dt>
      <dd>
        {text ? (
          field.key === 'urls' && Array.isArray(raw) ? (
            <ul className="dd-plain-list">
              {raw.map((u) => (
                <li key={String(u)}>
                  <a href={String(u)} rel="noreferrer noopener" target="_blank">
                    {String(u)}
                  </a>
                </li>
              ))}
            </ul>
          ) : (
            <span className="dd-prewrap">{text}</span>
          )
        ) : (
          <span className="dd-muted">{t('census.form.empty')}</span>
        )}
      </dd>
    </div>
  );
}
