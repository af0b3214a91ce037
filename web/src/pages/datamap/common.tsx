// Pieces the data map's pages share: the breadcrumb.
import { useTranslation } from 'react-i18next';
import { Breadcrumb } from '../../components/Breadcrumb';

/** Home › 데이터 지도 (› the dataset): `current` is the page shown when it is below the map. */
export function DataMapBreadcrumb({ current }: { current?: string }) {
  const { t } = useTranslation();
  const map = { label: t('modules.data-map.title'), to: '/datamap' };
  return <Breadcrumb trail={current ? [map, { label: current }] : [map]} />;
}
