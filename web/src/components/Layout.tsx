// The frame of every page, after KRDS: skip link, masthead, header with utility links and the
// main menu, the page, and the footer.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, Outlet, useRouter, useRouterState } from '@tanstack/react-router';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, logout } from '../api';
import { currentLanguage, setLanguage } from '../i18n';
import { MODULES, modulePath } from '../modules';
import { replaceSession, sessionQuery } from '../session';
import { Wordmark } from './Wordmark';

export function Layout() {
  const { t } = useTranslation();
  const router = useRouter();
  const queryClient = useQueryClient();
  const session = useQuery(sessionQuery).data;
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  const keepFocus = useRouterState({ select: (s) => s.location.state.keepFocus === true });
  const mainRef = useRef<HTMLElement>(null);
  const firstPath = useRef(pathname);

  // After moving to another page, put keyboard and screen-reader focus at the start of its content
  // (unless the page only changed its address, e.g. a new form saved for the first time).
  useEffect(() => {
    if (firstPath.current === pathname) return;
    firstPath.current = pathname;
    if (!keepFocus) mainRef.current?.focus({ preventScroll: true });
  }, [pathname, keepFocus]);

  const signOut = useMutation({
    mutationFn: logout,
    onSuccess: async () => {
      replaceSession(queryClient, null);
      await router.navigate({ to: '/login' });
    },
  });

  const otherLanguage = currentLanguage() === 'ko' ? 'en' : 'ko';

  return (
    <div id="wrap">
      <div id="krds-skip-link">
        <a href="#main-content">{t('skip.toContent')}</a>
        <a href="#main-nav">{t('skip.toNav')}</a>
      </div>

      <div id="krds-masthead">
        <div className="toggle-wrap">
          <div className="toggle-head">
            <div className="inner">
              <span className="nuri-txt">{t('masthead.text')}</span>
            </div>
          </div>
        </div>
      </div>

      <header id="krds-header">
        <div className="header-in">
          <div className="header-container">
            <div className="inner">
              <div className="header-utility">
                <ul className="utility-list" aria-label={t('header.utility')}>
                  <li>
                    <button
                      type="button"
                      className="krds-btn small text dd-lang"
                      lang={otherLanguage}
                      aria-label={t('header.switchToLabel')}
                      onClick={() => void setLanguage(otherLanguage)}
                    >
                      <i className="svg-icon ico-global" aria-hidden="true" />
                      {t('header.switchTo')}
                    </button>
                  </li>
                </ul>
              </div>
              <div className="header-branding">
                <div className="logo">
                  <Link to="/" aria-label={t('app.homeLink')}>
                    <Wordmark />
                  </Link>
                </div>
                <div className="header-actions">
                  {session ? (
                    <>
                      <span className="btn-navi my navi-row dd-user">{t('header.signedInAs', { name: session.user.displayName })}</span>
                      <button
                        type="button"
                        className="btn-navi logout"
                        onClick={() => signOut.mutate()}
                        disabled={signOut.isPending}
                        aria-describedby={signOut.isError ? 'logout-error' : undefined}
                      >
                        {signOut.isPending ? t('header.loggingOut') : t('header.logout')}
                      </button>
                    </>
                  ) : (
                    <Link to="/login" className="btn-navi login">
                      {t('header.login')}
                    </Link>
                  )}
                </div>
              </div>
              {signOut.isError && (
                <p id="logout-error" className="form-hint-invalid dd-logout-error" role="alert">
                  {signOut.error instanceof ApiError && signOut.error.detail ? signOut.error.detail : t('common.error')}
                </p>
              )}
            </div>
          </div>

          <nav className="krds-main-menu" id="main-nav" aria-label={t('header.mainNav')} tabIndex={-1}>
            <div className="inner">
              <ul className="gnb-menu">
                <li>
                  <Link to="/" className="gnb-main-trigger is-link" activeOptions={{ exact: true }} activeProps={{ className: 'active' }}>
                    {t('nav.home')}
                  </Link>
                </li>
                {MODULES.map((key) => (
                  <li key={key}>
                    <Link to={modulePath(key)} className="gnb-main-trigger is-link" activeProps={{ className: 'active' }}>
                      {t(`modules.${key}.title`)}
                    </Link>
                  </li>
                ))}
                {session?.memberships.some((m) => m.role === 'operator') && (
                  <li>
                    <Link to="/harvest" className="gnb-main-trigger is-link" activeProps={{ className: 'active' }}>
                      {t('nav.harvest')}
                    </Link>
                  </li>
                )}
              </ul>
            </div>
          </nav>
        </div>
      </header>

      <main id="main-content" ref={mainRef} tabIndex={-1}>
        <Outlet />
      </main>

      <footer id="krds-footer">
        <div className="inner">
          <div className="f-logo">
            <Wordmark />
          </div>
          <div className="f-cnt">
            <div className="f-info">
              <p className="info-addr">{t('footer.about')}</p>
            </div>
            <div className="f-link">
              <nav className="link-go" aria-label={t('footer.links')}>
                <a href="/api/docs" className="krds-btn medium text">
                  {t('footer.apiDocs')} <i className="svg-icon ico-angle right" aria-hidden="true" />
                </a>
                <a href="/api/openapi.json" className="krds-btn medium text">
                  {t('footer.openapi')} <i className="svg-icon ico-angle right" aria-hidden="true" />
                </a>
              </nav>
            </div>
          </div>
          <div className="f-btm">
            <div className="f-btm-text">
              <p className="f-copy">© datadam · {t('footer.license')}</p>
            </div>
          </div>
        </div>
      </footer>
    </div>
  );
}
