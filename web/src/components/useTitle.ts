import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

/** Sets the document title to "<page> | datadam" while the page is shown. */
export function useTitle(page: string): void {
  const { t } = useTranslation();
  const name = t('app.name');
  useEffect(() => {
    document.title = `${page} | ${name}`;
  }, [page, name]);
}
