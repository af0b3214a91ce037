// Pieces of the usage-record page: its words, units with their Korean and English names, and
// quantities written out (thousands separators; bytes also as KB/MB/GB).
import { useTranslation } from 'react-i18next';
import { currentLanguage } from '../../i18n';
import { formatNumber } from '../census/common';
import { pick } from '../evaluation/strings';
import { en, ko, type Messages } from './strings';
import './ledger.css';

/** The page's words in the interface language (re-rendered when it changes). */
export function useMessages(): Messages {
  const { i18n } = useTranslation();
  return i18n.language === 'en' ? en : ko;
}

/** 바이트 bytes: the unit in the interface language, the other language beside it. */
export function UnitLabel({ unit }: { unit: string }) {
  const m = useMessages();
  const otherLang = m === ko ? 'en' : 'ko';
  const other = pick(m.unitsOther, unit, '');
  return (
    <span className="dd-led-unit" data-unit-label={unit}>
      {pick(m.units, unit)}
      {other && (
        <>
          {' '}
          <span className="dd-muted" lang={otherLang}>
            {other}
          </span>
        </>
      )}
    </span>
  );
}

const BYTE_SCALES = [
  { unit: 'GB', factor: 1024 ** 3 },
  { unit: 'MB', factor: 1024 ** 2 },
  { unit: 'KB', factor: 1024 },
  { unit: 'B', factor: 1 },
] as const;

/** The scale a chart of byte counts up to `max` reads best in: GB, MB, KB or B. */
export function byteScale(max: number): { unit: string; factor: number } {
  return BYTE_SCALES.find((s) => max >= s.factor) ?? BYTE_SCALES[BYTE_SCALES.length - 1]!;
}

/** 1536 → "1.5 KB"; below 1 KB the plain count of bytes. */
export function readableBytes(n: number): string {
  const scale = byteScale(n);
  if (scale.factor === 1) return `${formatNumber(n)} B`;
  const value = n / scale.factor;
  const locale = currentLanguage() === 'ko' ? 'ko-KR' : 'en-GB';
  return `${value.toLocaleString(locale, { maximumFractionDigits: value < 10 ? 2 : 1 })} ${scale.unit}`;
}
