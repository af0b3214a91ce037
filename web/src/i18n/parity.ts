// Compile-time check that en.json has exactly the keys of ko.json (tsc fails otherwise).
import type en from './en.json';
import type ko from './ko.json';

type Keys<T> = T extends string ? never : { [K in keyof T & string]: T[K] extends string ? K : K | `${K}.${Keys<T[K]>}` }[keyof T & string];
type Missing<A, B> = Exclude<Keys<A>, Keys<B>>;

/** Both are `never` when the two files agree. */
export type MissingInEnglish = Missing<typeof ko, typeof en>;
export type MissingInKorean = Missing<typeof en, typeof ko>;

const inEnglish: [MissingInEnglish] extends [never] ? true : MissingInEnglish = true;
const inKorean: [MissingInKorean] extends [never] ? true : MissingInKorean = true;
export const translationsAgree = inEnglish && inKorean;
