// Pieces the evaluation pages share: the breadcrumb, the round's status badge, money in won,
// criteria in the interface language with the other beside, and the server's field problems.
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api';
import { Breadcrumb, type Crumb } from '../../components/Breadcrumb';
import { currentLanguage } from '../../i18n';
import { sessionQuery } from '../../session';
import { formQuery } from '../census/censusApi';
import { evaluationRoles, type Criterion, type EvaluationRoles, type RoundStatus, type SelectionStatus } from './evaluationApi';
import { en, ko, pick, type Messages } from './strings';
import './evaluation.css';

/** The evaluation pages' words in the interface language (re-rendered when it changes). */
export function useMessages(): Messages {
  const { i18n } = useTranslation();
  return i18n.language === 'en' ? en : ko;
}

export function useEvaluationRoles(): EvaluationRoles {
  return evaluationRoles(useQuery(sessionQuery).data);
}

/** Home › 평가·선정 › …: `trail` ends with the current page. */
export function EvaluationBreadcrumb({ trail }: { trail: Crumb[] }) {
  const { t } = useTranslation();
  return <Breadcrumb trail={[{ label: t('modules.evaluation.title'), to: '/evaluation' }, ...trail]} />;
}

const STATUS_CLASS: Record<RoundStatus, string> = {
  setup: 'bg-light-gray',
  scoring: 'bg-light-information',
  consensus: 'bg-light-warning',
  decided: 'bg-light-success',
};

export function RoundStatusBadge({ status }: { status: RoundStatus }) {
  const m = useMessages();
  return (
    <span className={`krds-badge ${STATUS_CLASS[status] ?? 'bg-light-gray'} dd-status`} data-round-status={status}>
      {pick(m.status, status, status)}
    </span>
  );
}

const SELECTION_CLASS: Record<SelectionStatus, string> = {
  optimal: 'bg-light-success',
  infeasible: 'bg-light-danger',
  time_limit: 'bg-light-warning',
  error: 'bg-light-danger',
};

export function SelectionStatusBadge({ status }: { status: SelectionStatus }) {
  const m = useMessages();
  return (
    <span className={`krds-badge ${SELECTION_CLASS[status] ?? 'bg-light-gray'} dd-status`} data-selection-status={status}>
      {pick(m.selection.status, status, status)}
    </span>
  );
}

const locale = () => (currentLanguage() === 'ko' ? 'ko-KR' : 'en-GB');

/** 6000000000 → "6,000,000,000원" (ko) or "KRW 6,000,000,000" (en). */
export function formatKrw(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const n = Math.round(value).toLocaleString(locale());
  return currentLanguage() === 'ko' ? `${n}원` : `KRW ${n}`;
}

/** A score or an objective, two decimals at most. */
export function formatScore(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return value.toLocaleString(locale(), { maximumFractionDigits: digits });
}

/** Digits of a typed amount ("6,000,000,000" → 6000000000), or null when there are none. */
export function parseAmount(text: string): number | null {
  const digits = text.replace(/[^\d]/g, '');
  if (digits === '') return null;
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : null;
}

/** An amount as typed, regrouped with thousands separators. */
export function groupDigits(text: string): string {
  const n = parseAmount(text);
  return n === null ? '' : n.toLocaleString('en-US');
}

/** The criterion's label in the interface language, and the other language beside it. */
export function criterionLabel(c: Pick<Criterion, 'labelKo' | 'labelEn'>): { main: string; other: string } {
  return currentLanguage() === 'ko' ? { main: c.labelKo, other: c.labelEn } : { main: c.labelEn, other: c.labelKo };
}

export function CriterionName({ criterion }: { criterion: Criterion }) {
  const { main, other } = criterionLabel(criterion);
  return (
    <>
      {main}
      {other && other !== main ? <span className="dd-muted dd-ev-other"> {other}</span> : null}
    </>
  );
}

/** Domain and modality codes in words, from the census form. */
export function useCensusLabels() {
  const form = useQuery(formQuery).data;
  const inLang = (labels: { ko: string; en: string }) => (currentLanguage() === 'ko' ? labels.ko : labels.en);
  return {
    domain: (code: string | null) => {
      if (!code) return '—';
      const found = form?.domains.find((d) => d.value === code);
      return found ? inLang(found.labels) : code;
    },
    modality: (code: string | null) => {
      if (!code) return '—';
      const field = form?.fields.find((f) => f.key === 'modality');
      const found = field?.choices?.find((c) => c.value === code);
      return found ? inLang(found.labels) : code;
    },
  };
}

/** The server's field problems in the interface language. */
export function problemsOf(error: unknown): Array<{ field: string; message: string }> {
  if (!(error instanceof ApiError)) return [];
  return error.problems.map((p) => ({ field: p.field, message: currentLanguage() === 'ko' && p.messageKo ? p.messageKo : p.message }));
}

export function ProblemList({ error }: { error: unknown }) {
  const problems = problemsOf(error);
  if (problems.length === 0) return null;
  return (
    <ul className="dd-problems">
      {problems.map((p) => (
        <li key={`${p.field}:${p.message}`}>
          <code>{p.field}</code> {p.message}
        </li>
      ))}
    </ul>
  );
}
