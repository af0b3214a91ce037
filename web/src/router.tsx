// Code-based routes: home, login, and one page per module to come. Module pages need a session;
// visitors without one go to the login page and come back after signing in.
import type { QueryClient } from '@tanstack/react-query';
import { createRootRouteWithContext, createRoute, createRouter, redirect, type ParsedLocation } from '@tanstack/react-router';
import { Layout } from './components/Layout';
import { MODULES, modulePath, type ModuleKey } from './modules';
import { ErrorPage } from './pages/ErrorPage';
import { HomePage } from './pages/HomePage';
import { LoginPage } from './pages/LoginPage';
import { ModulePage } from './pages/ModulePage';
import { NotFoundPage } from './pages/NotFoundPage';
import { safeRedirect, sessionQuery } from './session';

export interface RouterContext {
  queryClient: QueryClient;
}

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Layout,
  notFoundComponent: NotFoundPage,
  errorComponent: ErrorPage,
});

const homeRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/',
  component: HomePage,
});

const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/login',
  validateSearch: (search: Record<string, unknown>): { redirect?: string } =>
    typeof search.redirect === 'string' ? { redirect: search.redirect } : {},
  beforeLoad: async ({ context, search }) => {
    const session = await context.queryClient.ensureQueryData(sessionQuery).catch(() => null);
    if (session) throw redirect({ href: safeRedirect(search.redirect) });
  },
  component: LoginPage,
});

/** Sends visitors without a session to the login page, remembering where they wanted to go. */
async function requireSession({ context, location }: { context: RouterContext; location: ParsedLocation }): Promise<void> {
  const session = await context.queryClient.ensureQueryData(sessionQuery);
  if (!session) throw redirect({ href: `/login?${new URLSearchParams({ redirect: location.href }).toString()}` });
}

function moduleRoute<K extends ModuleKey>(key: K) {
  return createRoute({
    getParentRoute: () => rootRoute,
    path: modulePath(key),
    beforeLoad: requireSession,
    component: function Module() {
      return <ModulePage moduleKey={key} />;
    },
  });
}

const routeTree = rootRoute.addChildren([homeRoute, loginRoute, ...MODULES.map(moduleRoute)]);

export function createAppRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    scrollRestoration: true,
    defaultPendingMinMs: 0,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
