import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { Breadcrumb } from '../components/Breadcrumb';
import { useTitle } from '../components/useTitle';
import type { ModuleKey } from '../modules';

/** The page of a module that is not built yet: what it will do, and an honest "coming soon". */
export function ModulePage({ moduleKey }: { moduleKey: ModuleKey }) {
  const { t } = useTranslation();
  const title = t(`modules.${moduleKey}.full`);
  useTitle(title);
  return (
    <div className="inner dd-section">
      <Breadcrumb trail={[{ label: t(`modules.${moduleKey}.title`) }]} />
      <div className="dd-page-head">
        <h1 className="dd-page-title">{title}</h1>
        <span className="krds-badge large bg-light-warning">{t('module.comingSoon')}</span>
      </div>

      <div className="dd-notice">
        <h2 className="dd-notice-title">{t('module.comingSoonTitle')}</h2>
        <p>{t('module.comingSoonBody')}</p>
      </div>

      <h2 className="dd-subtitle">{t('module.whatItWillDo')}</h2>
      <p className="dd-body">{t(`modules.${moduleKey}.description`)}</p>

      <div className="dd-actions">
        <Link to="/" className="krds-btn secondary medium">
          {t('module.backHome')}
        </Link>
      </div>
    </div>
  );
}
