// Pieces the data map's pages share: the breadcrumb.
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';

/** Home › 데이터 지도 (› the dataset): `current` is the page shown when it is below the map. */
export function DataMapBreadcrumb({ current }: { current?: string }) {
  const { t } = useTranslation();
  return (
    <nav className="krds-breadcrumb-wrap" aria-label={t('module.breadcrumb')}>
      <ol className="breadcrumb">
        <li className="home">
          <Link to="/" className="txt">
            {t('nav.home')}
          </Link>
        </li>
        <li>
          {current ? (
            <Link to="/datamap" className="txt">
              {t('modules.data-map.title')}
            </Link>
          ) : (
            <span className="txt" aria-current="page">
              {t('modules.data-map.title')}
            </span>
          )}
        </li>
        {current && (
          <li>
            <span className="txt" aria-current="page">
              {current}
            </span>
          </li>
        )}
      </ol>
    </nav>
  );
}
