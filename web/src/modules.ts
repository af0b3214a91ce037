// The modules of DESIGN §1 in lifecycle order. Each has a page; none is built yet.

export const MODULES = ['census', 'evaluation', 'refinery', 'deid', 'releases', 'safe-zone', 'ledger', 'vouchers', 'data-map'] as const;
export type ModuleKey = (typeof MODULES)[number];

export const modulePath = <K extends ModuleKey>(key: K): `/${K}` => `/${key}`;
