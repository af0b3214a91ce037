// The modules of DESIGN §1 in lifecycle order. Each has a page; those not built yet say so.

export const MODULES = ['census', 'evaluation', 'refinery', 'deid', 'releases', 'safe-zone', 'ledger', 'vouchers', 'data-map'] as const;
export type ModuleKey = (typeof MODULES)[number];

/** The address of a module's page; the data map's is /datamap. */
export type ModulePath<K extends ModuleKey> = K extends 'data-map' ? '/datamap' : `/${K}`;
export const modulePath = <K extends ModuleKey>(key: K): ModulePath<K> => (key === 'data-map' ? '/datamap' : `/${key}`) as ModulePath<K>;

/** The modules that work already; the others show an honest "coming soon". */
export const AVAILABLE_MODULES: ReadonlySet<ModuleKey> = new Set<ModuleKey>([
  'census',
  'evaluation',
  'refinery',
  'deid',
  'releases',
  'ledger',
  'data-map',
]);
