import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useTitle } from '../components/useTitle';

export function NotFoundPage() {
  const { t } = useTranslation();
  useTitle(t('notFound.pageTitle'));
  return (
    <div className="inner dd-section">
      <h1 className="dd-page-title">{t('notFound.title')}</h1>
      <p className="dd-body">{t('notFound.body')}</p>
      <div className="dd-actions">
        <Link to="/" className="krds-btn secondary medium">
          {t('notFound.backHome')}
        </Link>
      </div>
    </div>
  );
}
