import { useTranslation } from 'react-i18next';

/** The datadam mark and name: a dam wall holding three layers of water. */
export function Wordmark() {
  const { t } = useTranslation();
  return (
    <span className="dd-wordmark">
      <svg className="dd-wordmark-mark" viewBox="0 0 40 40" width="40" height="40" aria-hidden="true" focusable="false">
        <rect width="40" height="40" rx="8" fill="#0b50d0" />
        <path d="M8 11h24M8 19h24M8 27h24" stroke="#fff" strokeWidth="3" strokeLinecap="round" />
        <path d="M32 8v24" stroke="#8bd1ff" strokeWidth="3" strokeLinecap="round" />
      </svg>
      <span className="dd-wordmark-text">
        <span className="dd-wordmark-name">{t('app.name')}</span>
        <span className="dd-wordmark-tag">{t('app.tagline')}</span>
      </span>
    </span>
  );
}
