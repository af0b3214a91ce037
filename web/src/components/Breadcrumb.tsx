// The KRDS breadcrumb every page opens with: Home › … › the current page.
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';

/** One step of the trail; the last is the current page, shown without a link. */
export type Crumb = { label: string; to?: string; params?: Record<string, string> };

/** Home › `trail`: each step but the last links to its page. */
export function Breadcrumb({ trail }: { trail: Crumb[] }) {
  const { t } = useTranslation();
  return (
    <nav className="krds-breadcrumb-wrap" aria-label={t('module.breadcrumb')}>
      <ol className="breadcrumb">
        <li className="home">
          <Link to="/" className="txt">
            {t('nav.home')}
          </Link>
        </li>
        {trail.map((item, index) =>
          index === trail.length - 1 || !item.to ? (
            <li key={`${index}-${item.label}`}>
              <span className="txt" aria-current={index === trail.length - 1 ? 'page' : undefined}>
                {item.label}
              </span>
            </li>
          ) : (
            <li key={`${index}-${item.label}`}>
              {/* Routes are typed; a trail is data, so its links are checked by the tests, not the compiler. */}
              <Link to={item.to as never} params={item.params as never} className="txt">
                {item.label}
              </Link>
            </li>
          ),
        )}
      </ol>
    </nav>
  );
}
