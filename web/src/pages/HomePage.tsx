import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { Membership, Org, Session } from '../api';
import { useTitle } from '../components/useTitle';
import { currentLanguage } from '../i18n';
import { orgKindLabel, roleLabel } from '../labels';
import { AVAILABLE_MODULES, MODULES, modulePath } from '../modules';
import { orgsQuery, sessionQuery } from '../session';

export function HomePage() {
  const { t } = useTranslation();
  useTitle(t('home.pageTitle'));
  const session = useQuery(sessionQuery).data;
  const orgs = useQuery(orgsQuery);

  return (
    <>
      <section className="dd-hero" aria-labelledby="home-title">
        <div className="inner dd-hero-in">
          <div className="dd-hero-text">
            <p className="dd-eyebrow">{t('home.eyebrow')}</p>
            <h1 id="home-title" className="dd-hero-title">
              {t('home.title')}
            </h1>
            <p className="dd-lead">{t('home.lead')}</p>
            <dl className="dd-stats">
              <div className="dd-stat">
                <dt>{t('home.orgCountLabel')}</dt>
                <dd>
                  {orgs.isPending ? (
                    <span className="dd-muted">{t('common.loading')}</span>
                  ) : orgs.isError ? (
                    <span className="dd-muted">{t('home.orgCountError')}</span>
                  ) : (
                    <strong className="dd-stat-value">{orgs.data.length.toLocaleString(currentLanguage())}</strong>
                  )}
                </dd>
              </div>
            </dl>
          </div>
          {session ? <AccountPanel session={session} orgs={orgs.data ?? []} /> : <SignInPanel />}
        </div>
      </section>

      <section className="inner dd-section" aria-labelledby="lifecycle-title">
        <h2 id="lifecycle-title" className="dd-section-title">
          {t('home.lifecycleTitle')}
        </h2>
        <p className="dd-section-lead">{t('home.lifecycleLead')}</p>
        <ol className="krds-structured-list dd-lifecycle">
          {MODULES.map((key, index) => (
            <li key={key} className="structured-item">
              <div className="in">
                <div className="card-top">
                  <span className="krds-badge bg-light-primary">{t('home.step', { n: index + 1 })}</span>
                  {AVAILABLE_MODULES.has(key) ? (
                    <span className="krds-badge bg-light-success">{t('home.available')}</span>
                  ) : (
                    <span className="krds-badge outline-gray">{t('home.comingSoon')}</span>
                  )}
                </div>
                <div className="card-body">
                  <Link to={modulePath(key)} className="c-text">
                    <h3 className="c-tit">
                      <span className="span">{t(`modules.${key}.full`)}</span>
                    </h3>
                    <p className="c-txt">{t(`modules.${key}.description`)}</p>
                  </Link>
                </div>
              </div>
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

/** One row per organisation, with every role the user holds in it. */
function byOrganisation(memberships: Membership[]) {
  const rows = new Map<string, { orgId: string; orgName: string; orgNameEn: string | null; orgKind: string; roles: string[] }>();
  for (const m of memberships) {
    const row = rows.get(m.orgId) ?? { orgId: m.orgId, orgName: m.orgName, orgNameEn: m.orgNameEn ?? null, orgKind: m.orgKind, roles: [] };
    if (!row.roles.includes(m.role)) row.roles.push(m.role);
    rows.set(m.orgId, row);
  }
  return [...rows.values()];
}

function AccountPanel({ session, orgs }: { session: Session; orgs: Org[] }) {
  const { t } = useTranslation();
  const english = currentLanguage() === 'en';
  const nameOf = (row: { orgId: string; orgName: string; orgNameEn: string | null }) => {
    const nameEn = row.orgNameEn ?? orgs.find((o) => o.id === row.orgId)?.nameEn;
    return english && nameEn ? nameEn : row.orgName;
  };
  const rows = byOrganisation(session.memberships);
  return (
    <section className="dd-panel" aria-labelledby="account-title">
      <p className="dd-panel-kicker">{t('home.yourAccount')}</p>
      <h2 id="account-title" className="dd-panel-title">
        {t('home.welcome', { name: session.user.displayName })}
      </h2>
      <dl className="dd-facts">
        <dt>{t('home.email')}</dt>
        <dd>{session.user.email}</dd>
      </dl>
      <h3 className="dd-panel-subtitle">{t('home.memberships')}</h3>
      {rows.length === 0 ? (
        <p className="dd-muted">{t('home.noMemberships')}</p>
      ) : (
        <div className="krds-table-wrap">
          <table className="tbl col data dd-memberships">
            <caption className="sr-only">{t('home.membershipsCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('home.org')}</th>
                <th scope="col">{t('home.orgKind')}</th>
                <th scope="col">{t('home.role')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.orgId}>
                  <td>{nameOf(row)}</td>
                  <td>{orgKindLabel(t, row.orgKind)}</td>
                  <td>
                    <ul className="dd-roles">
                      {row.roles.map((role) => (
                        <li key={role}>
                          <span className="krds-badge bg-light-secondary">{roleLabel(t, role)}</span>
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function SignInPanel() {
  const { t } = useTranslation();
  return (
    <section className="dd-panel" aria-labelledby="signin-title">
      <h2 id="signin-title" className="dd-panel-title">
        {t('home.signedOutTitle')}
      </h2>
      <p className="dd-panel-body">{t('home.signedOutBody')}</p>
      <Link to="/login" className="krds-btn primary large dd-block">
        {t('header.login')}
      </Link>
    </section>
  );
}
