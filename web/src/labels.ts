// Display names for the codes the API returns (roles, organisation kinds), in the current language.
import type { TFunction } from 'i18next';
import ko from './i18n/ko.json';

type RoleKey = keyof typeof ko.roles;
type OrgKindKey = keyof typeof ko.orgKinds;

const isRole = (code: string): code is RoleKey => Object.hasOwn(ko.roles, code);
const isOrgKind = (code: string): code is OrgKindKey => Object.hasOwn(ko.orgKinds, code);

/** The role's name, or its code when this version of the app does not know it. */
export function roleLabel(t: TFunction, code: string): string {
  return isRole(code) ? t(`roles.${code}`) : code;
}

export function orgKindLabel(t: TFunction, code: string): string {
  return isOrgKind(code) ? t(`orgKinds.${code}`) : code;
}
