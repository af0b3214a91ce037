// Pieces the release pages share: their words, the breadcrumb, the tier and status badges, a
// grant's state, and a release's title in the interface language.
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Breadcrumb, type Crumb } from '../../components/Breadcrumb';
import { currentLanguage } from '../../i18n';
import { sessionQuery } from '../../session';
import { releaseRoles, type AccessGrant, type Release, type ReleaseRoles, type RequestStatus, type Tier } from './releasesApi';
import { pick } from '../evaluation/strings';
import { en, ko, type Messages } from './strings';
import './releases.css';

/** The release pages' words in the interface language (re-rendered when it changes). */
export function useMessages(): Messages {
  const { i18n } = useTranslation();
  return i18n.language === 'en' ? en : ko;
}

export function useReleaseRoles(): ReleaseRoles {
  return releaseRoles(useQuery(sessionQuery).data);
}

/** Home › 개방 › …: `trail` ends with the current page. */
export function ReleasesBreadcrumb({ trail }: { trail: Crumb[] }) {
  const { t } = useTranslation();
  return <Breadcrumb trail={[{ label: t('modules.releases.title'), to: '/releases' }, ...trail]} />;
}

const TIER_CLASS: Record<Tier, string> = {
  open: 'bg-light-success',
  conditional: 'bg-light-warning',
  safe_zone: 'bg-light-danger',
};

/** 개방 / 조건부 / 안심구역, with the other language beside for a screen reader's title. */
export function TierBadge({ tier }: { tier: Tier }) {
  const m = useMessages();
  const other = m === ko ? en : ko;
  return (
    <span className={`krds-badge ${TIER_CLASS[tier] ?? 'bg-light-gray'} dd-status`} data-tier={tier} title={pick(other.tier, tier)}>
      {pick(m.tier, tier)}
    </span>
  );
}

const REQUEST_CLASS: Record<RequestStatus, string> = {
  pending: 'bg-light-information',
  approved: 'bg-light-success',
  rejected: 'bg-light-danger',
  withdrawn: 'bg-light-gray',
};

export function RequestStatusBadge({ status }: { status: RequestStatus }) {
  const m = useMessages();
  return (
    <span className={`krds-badge ${REQUEST_CLASS[status] ?? 'bg-light-gray'} dd-status`} data-request-status={status}>
      {pick(m.requestStatus, status)}
    </span>
  );
}

export type GrantState = 'active' | 'revoked' | 'expired' | 'notYet';

export function grantState(grant: AccessGrant, now = Date.now()): GrantState {
  if (grant.revokedAt) return 'revoked';
  if (grant.active) return 'active';
  if (Date.parse(grant.expiresAt) <= now) return 'expired';
  return 'notYet';
}

const GRANT_CLASS: Record<GrantState, string> = {
  active: 'bg-light-success',
  revoked: 'bg-light-danger',
  expired: 'bg-light-gray',
  notYet: 'bg-light-information',
};

export function GrantStateBadge({ grant }: { grant: AccessGrant }) {
  const m = useMessages();
  const state = grantState(grant);
  return (
    <span className={`krds-badge ${GRANT_CLASS[state]} dd-status`} data-grant-state={state}>
      {m.grantState[state]}
    </span>
  );
}

/** The release's title in the interface language, and the other beside it when there is one. */
export function releaseTitle(release: Pick<Release, 'title' | 'titleEn'>): { main: string; other: string | null } {
  if (currentLanguage() === 'en' && release.titleEn) return { main: release.titleEn, other: release.title };
  return { main: release.title, other: release.titleEn };
}

export function agencyName(release: Pick<Release, 'agency'>): string {
  return currentLanguage() === 'en' && release.agency.nameEn ? release.agency.nameEn : release.agency.name;
}
