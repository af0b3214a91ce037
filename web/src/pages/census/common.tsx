// Pieces every census page uses: the breadcrumb, status badges, dates in the interface language,
// errors from the API in words, and the signed-in person's census roles.
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Breadcrumb } from '../../components/Breadcrumb';
import { ApiError } from '../../api';
import { currentLanguage } from '../../i18n';
import { orgsQuery, sessionQuery } from '../../session';
import { censusRoles, type CensusRoles, type EntryStatus } from './censusApi';

export function useCensusRoles(): CensusRoles {
  const session = useQuery(sessionQuery).data;
  return censusRoles(session);
}

/** Home › 전수조사 › …: `trail` ends with the current page. */
export function CensusBreadcrumb({ trail }: { trail: Array<{ label: string; to?: '/census' | '/census/dashboard' | '/census/import' }> }) {
  const { t } = useTranslation();
  return <Breadcrumb trail={[{ label: t('modules.census.title'), to: '/census' }, ...trail]} />;
}

const STATUS_CLASS: Record<EntryStatus, string> = {
  draft: 'bg-light-gray',
  submitted: 'bg-light-information',
  returned: 'bg-light-danger',
  accepted: 'bg-light-success',
};

export function StatusBadge({ status }: { status: EntryStatus }) {
  const { t } = useTranslation();
  return <span className={`krds-badge ${STATUS_CLASS[status] ?? 'bg-light-gray'} dd-status`}>{t(`census.status.${status}`)}</span>;
}

/** 2026. 3. 31. (ko) or 31 Mar 2026 (en). */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso.length === 10 ? `${iso}T00:00:00` : iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(currentLanguage() === 'ko' ? 'ko-KR' : 'en-GB', { dateStyle: 'medium' }).format(date);
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(currentLanguage() === 'ko' ? 'ko-KR' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

export function formatTime(date: Date): string {
  return new Intl.DateTimeFormat(currentLanguage() === 'ko' ? 'ko-KR' : 'en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(date);
}

export function formatNumber(n: number): string {
  return n.toLocaleString(currentLanguage() === 'ko' ? 'ko-KR' : 'en-GB');
}

/** Days from today to a YYYY-MM-DD deadline (negative once past). */
export function daysUntil(deadline: string): number {
  const end = new Date(`${deadline.slice(0, 10)}T00:00:00`);
  const today = new Date();
  today.setHours(0, 0, 0, 0);
  return Math.round((end.getTime() - today.getTime()) / 86_400_000);
}

/** The user-facing explanation of a failed call: our words for the status, the server's detail under them. */
export function useErrorText() {
  const { t } = useTranslation();
  return (error: unknown): { message: string; detail?: string } => {
    if (!(error instanceof ApiError)) return { message: t('common.error') };
    if (error.status === 0) return { message: t('common.networkError') };
    if (error.status === 403) return { message: t('census.errors.forbidden'), detail: error.detail };
    if (error.status === 404) return { message: t('census.errors.notFound'), detail: error.detail };
    return { message: t('common.error'), detail: error.detail };
  };
}

export function ErrorBox({ error, id, children }: { error: unknown; id?: string; children?: ReactNode }) {
  const describe = useErrorText();
  const { message, detail } = describe(error);
  return (
    <div className="dd-alert" role="alert" id={id}>
      <p>{message}</p>
      {detail && <p className="dd-alert-detail">{detail}</p>}
      {children}
    </div>
  );
}

export function Loading() {
  const { t } = useTranslation();
  return (
    <p className="dd-loading" role="status">
      <span className="krds-spinner" aria-hidden="true" />
      {t('common.loading')}
    </p>
  );
}

/** The organisation's name in the interface language when we know its English name. */
export function useOrgName() {
  const orgs = useQuery(orgsQuery).data;
  return (orgId: string, orgName: string) => {
    if (currentLanguage() !== 'en') return orgName;
    return orgs?.find((o) => o.id === orgId)?.nameEn ?? orgName;
  };
}
