// Pieces the refinery pages share: the breadcrumb, badges for a version's and a job's state, and
// numbers as percentages.
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { currentLanguage } from '../../i18n';
import type { DatasetVersion, TaskStatus } from './refineryApi';

type Crumb = { label: string; to?: string; params?: Record<string, string> };

/** Home › 정제 › …: `trail` ends with the current page. */
export function RefineryBreadcrumb({ trail }: { trail: Crumb[] }) {
  const { t } = useTranslation();
  const items: Crumb[] = [{ label: t('modules.refinery.title'), to: '/refinery' }, ...trail];
  return (
    <nav className="krds-breadcrumb-wrap" aria-label={t('module.breadcrumb')}>
      <ol className="breadcrumb">
        <li className="home">
          <Link to="/" className="txt">
            {t('nav.home')}
          </Link>
        </li>
        {items.map((item, index) =>
          index === items.length - 1 || !item.to ? (
            <li key={`${index}-${item.label}`}>
              <span className="txt" aria-current={index === items.length - 1 ? 'page' : undefined}>
                {item.label}
              </span>
            </li>
          ) : (
            <li key={`${index}-${item.label}`}>
              <Link to={item.to} params={item.params as never} className="txt">
                {item.label}
              </Link>
            </li>
          ),
        )}
      </ol>
    </nav>
  );
}

const VERSION_CLASS: Record<DatasetVersion['status'], string> = {
  ingesting: 'bg-light-information',
  ready: 'bg-light-success',
  failed: 'bg-light-danger',
};

export function VersionStatusBadge({ status }: { status: DatasetVersion['status'] }) {
  const { t } = useTranslation();
  return <span className={`krds-badge ${VERSION_CLASS[status]} dd-status`}>{t(`refinery.versionStatus.${status}`)}</span>;
}

const TASK_CLASS: Record<TaskStatus, string> = {
  queued: 'bg-light-gray',
  running: 'bg-light-information',
  done: 'bg-light-success',
  failed: 'bg-light-danger',
};

export function TaskBadge({ kind, status }: { kind: 'profile' | 'quality' | 'recipe'; status: TaskStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`krds-badge ${TASK_CLASS[status]} dd-status`} data-task={kind} data-status={status}>
      {t(`refinery.tasks.${kind}`)}: {t(`refinery.taskStatus.${status}`)}
    </span>
  );
}

export function percent(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined) return '—';
  return `${(value * 100).toLocaleString(currentLanguage() === 'ko' ? 'ko-KR' : 'en-GB', { maximumFractionDigits: digits })}%`;
}

/** The indicator's name in the interface language, the other beside it. */
export function bilingual(name: { ko: string; en: string }): { main: string; other: string } {
  return currentLanguage() === 'ko' ? { main: name.ko, other: name.en } : { main: name.en, other: name.ko };
}
