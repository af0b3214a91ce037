// Pieces the refinery pages share: the breadcrumb, badges for a version's and a job's state, and
// numbers as percentages.
import { useTranslation } from 'react-i18next';
import { Breadcrumb, type Crumb } from '../../components/Breadcrumb';
import { currentLanguage } from '../../i18n';
import type { DatasetVersion, TaskStatus } from './refineryApi';

/** Home › 정제 › …: `trail` ends with the current page. */
export function RefineryBreadcrumb({ trail }: { trail: Crumb[] }) {
  const { t } = useTranslation();
  return <Breadcrumb trail={[{ label: t('modules.refinery.title'), to: '/refinery' }, ...trail]} />;
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
