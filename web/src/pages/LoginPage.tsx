import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter, useSearch } from '@tanstack/react-router';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, fetchProviders, login } from '../api';
import { useTitle } from '../components/useTitle';
import { replaceSession, safeRedirect } from '../session';

interface FieldErrors {
  email?: string;
  password?: string;
}

export function LoginPage() {
  const { t } = useTranslation();
  useTitle(t('login.pageTitle'));
  const router = useRouter();
  const queryClient = useQueryClient();
  const { redirect } = useSearch({ from: '/login' });
  const id = useId();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const alertRef = useRef<HTMLDivElement>(null);
  const providers = useQuery({ queryKey: ['auth', 'providers'], queryFn: ({ signal }) => fetchProviders(signal), staleTime: Infinity });
  const ssoUrl = providers.data?.oidc.enabled ? providers.data.oidc.loginUrl : null;

  const signIn = useMutation({
    mutationFn: (credentials: { email: string; password: string }) => login(credentials.email, credentials.password),
    onSuccess: (session) => {
      replaceSession(queryClient, session);
      router.history.push(safeRedirect(redirect));
    },
  });

  // Put focus on the message so keyboard users land where the problem is explained.
  useEffect(() => {
    if (signIn.isError) alertRef.current?.focus();
  }, [signIn.isError, signIn.failureCount]);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const errors: FieldErrors = {};
    if (!email.trim()) errors.email = t('login.emailRequired');
    if (!password) errors.password = t('login.passwordRequired');
    setFieldErrors(errors);
    if (errors.email || errors.password) {
      document.getElementById(errors.email ? `${id}-email` : `${id}-password`)?.focus();
      return;
    }
    signIn.mutate({ email: email.trim(), password });
  }

  const failure = signIn.error ? describe(signIn.error, t) : undefined;

  return (
    <div className="inner dd-section">
      <div className="dd-login">
        <h1 className="dd-page-title">{t('login.title')}</h1>
        {redirect && safeRedirect(redirect) !== '/' && <p className="dd-login-notice">{t('login.redirectNotice')}</p>}
        <p className="dd-body">{t('login.lead')}</p>

        {failure && (
          <div className="dd-alert" role="alert" tabIndex={-1} ref={alertRef} id={`${id}-failure`}>
            <p className="dd-alert-title">{failure.message}</p>
            {failure.detail && (
              <p className="dd-alert-detail">
                <span className="sr-only">{t('login.serverSaid')}: </span>
                {failure.detail}
              </p>
            )}
          </div>
        )}

        <form className="fieldset" onSubmit={onSubmit} noValidate aria-describedby={failure ? `${id}-failure` : undefined}>
          <div className="form-group">
            <div className="form-tit">
              <label htmlFor={`${id}-email`}>{t('login.email')}</label>
            </div>
            <div className={`form-conts${fieldErrors.email ? ' is-error' : ''}`}>
              <input
                id={`${id}-email`}
                name="email"
                type="email"
                className="krds-input"
                autoComplete="username"
                inputMode="email"
                value={email}
                onChange={(e) => setEmail(e.target.value)}
                aria-invalid={fieldErrors.email ? true : undefined}
                aria-describedby={fieldErrors.email ? `${id}-email-error` : undefined}
                required
              />
            </div>
            {fieldErrors.email && (
              <p className="form-hint-invalid" id={`${id}-email-error`}>
                {fieldErrors.email}
              </p>
            )}
          </div>

          <div className="form-group">
            <div className="form-tit">
              <label htmlFor={`${id}-password`}>{t('login.password')}</label>
            </div>
            <div className={`form-conts${fieldErrors.password ? ' is-error' : ''}`}>
              <input
                id={`${id}-password`}
                name="password"
                type="password"
                className="krds-input"
                autoComplete="current-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                aria-invalid={fieldErrors.password ? true : undefined}
                aria-describedby={fieldErrors.password ? `${id}-password-error` : undefined}
                required
              />
            </div>
            {fieldErrors.password && (
              <p className="form-hint-invalid" id={`${id}-password-error`}>
                {fieldErrors.password}
              </p>
            )}
          </div>

          <button type="submit" className="krds-btn primary xlarge dd-block" disabled={signIn.isPending}>
            {signIn.isPending ? t('login.submitting') : t('login.submit')}
          </button>
        </form>

        {ssoUrl && (
          <a className="krds-btn secondary xlarge dd-block" href={ssoUrl}>
            {t('login.sso')}
          </a>
        )}
      </div>
    </div>
  );
}

/**
 * What to tell the user about a failed sign-in: our own words for the cases we know, in the
 * interface language, and the server's explanation (RFC 9457 `detail`) under them.
 */
function describe(error: Error, t: ReturnType<typeof useTranslation>['t']): { message: string; detail?: string } {
  if (!(error instanceof ApiError)) return { message: t('login.failed') };
  const detail = error.detail;
  switch (error.status) {
    case 0:
      return { message: t('common.networkError') };
    case 401:
      return { message: t('login.wrongCredentials'), detail };
    case 429:
      return { message: t('login.rateLimited'), detail };
    default:
      return { message: t('login.failed'), detail };
  }
}
