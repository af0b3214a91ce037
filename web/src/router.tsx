// Code-based routes: home, login, and one page per module to come. Module pages need a session;
// visitors without one go to the login page and come back after signing in.
import type { QueryClient } from '@tanstack/react-query';
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  redirect,
  type ParsedLocation,
} from '@tanstack/react-router';
import { Layout } from './components/Layout';
import { MODULES, modulePath, type ModuleKey } from './modules';
import { ErrorPage } from './pages/ErrorPage';
import { HomePage } from './pages/HomePage';
import { LoginPage } from './pages/LoginPage';
import { CensusHomePage, type CensusHomeSearch } from './pages/census/CensusHomePage';
import { EntryPage } from './pages/census/EntryPage';
import { ImportPage } from './pages/census/ImportPage';
import { ModulePage } from './pages/ModulePage';
import { validateDataMapSearch } from './pages/datamap/catalogApi';
import { DataMapPage } from './pages/datamap/DataMapPage';
import { DeidHomePage } from './pages/deid/DeidHomePage';
import { DemandPage } from './pages/evaluation/DemandPage';
import { EvaluationHomePage } from './pages/evaluation/EvaluationHomePage';
import { MyAssignmentsPage } from './pages/evaluation/MyAssignmentsPage';
import { RoundPage, validateRoundSearch } from './pages/evaluation/RoundPage';
import { DatasetPage } from './pages/datamap/DatasetPage';
import { HarvestPage } from './pages/harvest/HarvestPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { InspectionPage } from './pages/refinery/InspectionPage';
import { RefineryDatasetPage } from './pages/refinery/RefineryDatasetPage';
import { RefineryHomePage } from './pages/refinery/RefineryHomePage';
import { ReleasePage } from './pages/releases/ReleasePage';
import { ReleasesHomePage } from './pages/releases/ReleasesHomePage';
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

type PlaceholderModule = Exclude<ModuleKey, 'census' | 'data-map' | 'refinery' | 'deid' | 'evaluation' | 'releases' | 'ledger'>;

function moduleRoute<K extends PlaceholderModule>(key: K) {
  return createRoute({
    getParentRoute: () => rootRoute,
    path: modulePath(key),
    beforeLoad: requireSession,
    component: function Module() {
      return <ModulePage moduleKey={key} />;
    },
  });
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

const censusRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/census',
  beforeLoad: requireSession,
  validateSearch: (search: Record<string, unknown>): CensusHomeSearch => {
    const status = text(search.status);
    return {
      ...(text(search.campaign) ? { campaign: text(search.campaign) } : {}),
      ...(text(search.org) ? { org: text(search.org) } : {}),
      ...(status === 'draft' || status === 'submitted' || status === 'returned' || status === 'accepted' ? { status } : {}),
    };
  },
  component: CensusHomePage,
});

/** One entry; `new` is the form of an entry not saved yet (same route, so the form survives its first save). */
const censusEntryRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/census/entries/$id',
  beforeLoad: requireSession,
  validateSearch: (search: Record<string, unknown>): { campaign?: string; org?: string } => ({
    ...(text(search.campaign) ? { campaign: text(search.campaign) } : {}),
    ...(text(search.org) ? { org: text(search.org) } : {}),
  }),
  component: EntryPage,
});

const censusDashboardRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/census/dashboard',
  beforeLoad: requireSession,
  validateSearch: (search: Record<string, unknown>): { campaign?: string } =>
    text(search.campaign) ? { campaign: text(search.campaign) } : {},
  // The charts library is big: only those who open the dashboard load it.
  component: lazyRouteComponent(() => import('./pages/census/DashboardPage'), 'DashboardPage'),
});

const censusImportRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/census/import',
  beforeLoad: requireSession,
  component: ImportPage,
});

/** The data map is public: anyone may search what agencies hold (accepted entries). */
const dataMapRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/datamap',
  validateSearch: validateDataMapSearch,
  component: DataMapPage,
});

const datasetRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/datasets/$id',
  component: DatasetPage,
});

/** Federation: the operator's harvest sources (the page says so to anyone else). */
const harvestRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/harvest',
  beforeLoad: requireSession,
  component: HarvestPage,
});

/** The refinery: datasets an agency refines, their versions, quality reports and inspections. */
const refineryRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/refinery',
  beforeLoad: requireSession,
  component: RefineryHomePage,
});

const refineryDatasetRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/refinery/datasets/$id',
  beforeLoad: requireSession,
  component: RefineryDatasetPage,
});

/** A version's quality report; its charts load only when it is opened. */
const refineryVersionRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/refinery/versions/$id',
  beforeLoad: requireSession,
  component: lazyRouteComponent(() => import('./pages/refinery/QualityReportPage'), 'QualityReportPage'),
});

const refineryInspectionRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/refinery/inspections/$id',
  beforeLoad: requireSession,
  component: InspectionPage,
});

/** De-identification: the runs the user may see, and each run (its chart loads only when it is opened). */
const deidRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/deid',
  beforeLoad: requireSession,
  component: DeidHomePage,
});

const deidRunRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/deid/runs/$id',
  beforeLoad: requireSession,
  component: lazyRouteComponent(() => import('./pages/deid/DeidRunPage'), 'DeidRunPage'),
});

/** Evaluation and selection: the rounds, one round's steps (operator), an evaluator's entries, the demand survey. */
const evaluationRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/evaluation',
  beforeLoad: requireSession,
  component: EvaluationHomePage,
});

const evaluationMyRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/evaluation/my',
  beforeLoad: requireSession,
  component: MyAssignmentsPage,
});

const evaluationRoundRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/evaluation/rounds/$id',
  beforeLoad: requireSession,
  validateSearch: validateRoundSearch,
  component: RoundPage,
});

const evaluationDemandRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/evaluation/rounds/$id/demand',
  beforeLoad: requireSession,
  component: DemandPage,
});

/** Releases and access: finding releases, requests and grants (signed in); one release is public, as its metadata is. */
const releasesRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/releases',
  beforeLoad: requireSession,
  component: ReleasesHomePage,
});

const releaseRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/releases/$id',
  component: ReleasePage,
});

/**
 * The usage record: public (anyone may verify the log); the usage views follow the session's roles.
 * Its charts load only when it is opened.
 */
const ledgerRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/ledger',
  component: lazyRouteComponent(() => import('./pages/ledger/LedgerPage'), 'LedgerPage'),
});

/** The module's earlier address. */
const oldDataMapRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/data-map',
  beforeLoad: () => {
    throw redirect({ to: '/datamap', replace: true });
  },
});

const routeTree = rootRoute.addChildren([
  homeRoute,
  loginRoute,
  censusRoute,
  censusEntryRoute,
  censusDashboardRoute,
  censusImportRoute,
  dataMapRoute,
  datasetRoute,
  harvestRoute,
  refineryRoute,
  refineryDatasetRoute,
  refineryVersionRoute,
  refineryInspectionRoute,
  deidRoute,
  deidRunRoute,
  evaluationRoute,
  evaluationMyRoute,
  evaluationRoundRoute,
  evaluationDemandRoute,
  releasesRoute,
  releaseRoute,
  ledgerRoute,
  oldDataMapRoute,
  ...MODULES.filter(
    (key): key is PlaceholderModule =>
      key !== 'census' &&
      key !== 'data-map' &&
      key !== 'refinery' &&
      key !== 'deid' &&
      key !== 'evaluation' &&
      key !== 'releases' &&
      key !== 'ledger',
  ).map(moduleRoute),
]);

/**
 * The address's search parameters as plain text: `?domain=a&domain=b` is `{ domain: ['a', 'b'] }`
 * and back (a list is a repeated parameter, as the API takes it), and `?year=2024` stays the text
 * '2024' (no JSON in the address). Each route's validateSearch makes what it needs of them.
 */
export function parseSearch(searchStr: string): Record<string, unknown> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(searchStr.startsWith('?') ? searchStr.slice(1) : searchStr)) {
    const had = out[key];
    out[key] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
  }
  return out;
}

export function stringifySearch(search: Record<string, unknown>): string {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(search)) {
    for (const one of Array.isArray(value) ? (value as unknown[]) : [value]) {
      if (one === undefined || one === null) continue;
      out.append(key, typeof one === 'object' ? JSON.stringify(one) : String(one as string | number | boolean));
    }
  }
  const text = out.toString();
  return text ? `?${text}` : '';
}

export function createAppRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    parseSearch,
    stringifySearch,
    scrollRestoration: true,
    defaultPendingMinMs: 0,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}

declare module '@tanstack/history' {
  interface HistoryState {
    /** The navigation only changes the address of the page shown: leave keyboard focus where it is. */
    keepFocus?: boolean;
  }
}
