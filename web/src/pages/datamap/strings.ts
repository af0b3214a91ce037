// The dataset page's words for its lineage, quality summary and samples, Korean first. (The data
// map's other words live in i18n/ko.json, which is at TypeScript's limit for typed keys.)
import { useTranslation } from 'react-i18next';

export const ko = {
  lineage: {
    title: '계보',
    lead: '전수조사 항목에서 정제를 거쳐 공개된 배포본입니다.',
    entry: '전수조사 항목',
    none: '아직 공개된 배포본이 없습니다.',
    release: '배포본 {{semver}}',
    withdrawn: '공개 중단',
    caption: '이 데이터의 배포본 (오래된 것부터)',
    version: '버전',
    tier: '이용 방식',
    date: '공개일',
  },
  quality: {
    title: '품질 요약',
    lead: '배포본 {{semver}}의 정제 버전에서 측정한 품질 지표입니다.',
    none: '측정된 품질 지표가 없습니다.',
    caption: '품질 지표',
    indicator: '지표',
    value: '값',
    records: '레코드 {{records}}건',
    notMeasured: '측정 안 됨',
  },
  samples: {
    title: '표본',
    lead: '배포본 {{semver}}의 {{path}} 처음 {{rows}}행입니다.',
    none: '볼 수 있는 표본이 없습니다. 이용 방식에 따라 로그인, 이용허락 동의 또는 이용 신청이 필요할 수 있습니다.',
    caption: '표본 행',
  },
};

export type Messages = typeof ko;

export const en: Messages = {
  lineage: {
    title: 'Lineage',
    lead: 'The releases made from this census entry through the refinery.',
    entry: 'Census entry',
    none: 'Nothing has been released yet.',
    release: 'Release {{semver}}',
    withdrawn: 'Withdrawn',
    caption: 'Releases of this data (oldest first)',
    version: 'Version',
    tier: 'Access',
    date: 'Released',
  },
  quality: {
    title: 'Quality summary',
    lead: "Quality indicators measured on release {{semver}}'s refinery version.",
    none: 'No quality indicators have been measured.',
    caption: 'Quality indicators',
    indicator: 'Indicator',
    value: 'Value',
    records: '{{records}} records',
    notMeasured: 'not measured',
  },
  samples: {
    title: 'Samples',
    lead: 'The first {{rows}} rows of {{path}} in release {{semver}}.',
    none: 'No sample you may see. Depending on the access tier, signing in, accepting the licence or a request may be needed.',
    caption: 'Sample rows',
  },
};

export function useMessages(): Messages {
  const { i18n } = useTranslation();
  return i18n.language === 'en' ? en : ko;
}
