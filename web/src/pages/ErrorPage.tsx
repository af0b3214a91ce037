import { useTranslation } from 'react-i18next';
import { ApiError } from '../api';
import { useTitle } from '../components/useTitle';

/** Shown when a page cannot be prepared, e.g. the server cannot be reached. */
export function ErrorPage({ error, reset }: { error: unknown; reset: () => void }) {
  const { t } = useTranslation();
  useTitle(t('common.error'));
  const message = error instanceof ApiError ? (error.status === 0 ? t('common.networkError') : (error.detail ?? error.title)) : undefined;
  return (
    <div className="inner dd-section">
      <h1 className="dd-page-title">{t('common.error')}</h1>
      {message && (
        <p className="dd-body" role="alert">
          {message}
        </p>
      )}
      <div className="dd-actions">
        <button type="button" className="krds-btn secondary medium" onClick={reset}>
          {t('common.retry')}
        </button>
      </div>
    </div>
  );
}
