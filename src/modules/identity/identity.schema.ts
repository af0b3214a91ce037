import { z } from 'zod';
import { ORG_KINDS, ROLES, SCOPES } from '../../core/auth/policy.js';
import { MAX_TOKEN_DAYS } from './identity.service.js';

export const organizationSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    nameEn: z.string().nullable(),
    kind: z.enum(ORG_KINDS),
    createdAt: z.string(),
  })
  .meta({ id: 'Organization' });

export const userSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    displayName: z.string(),
    locale: z.enum(['ko', 'en']),
    disabled: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: 'User' });

export const membershipSchema = z
  .object({
    orgId: z.string(),
    orgName: z.string(),
    orgNameEn: z.string().nullable(),
    orgKind: z.enum(ORG_KINDS),
    role: z.enum(ROLES),
  })
  .meta({ id: 'Membership' });

export const meSchema = z
  .object({
    user: userSchema,
    memberships: z.array(membershipSchema),
    csrfToken: z
      .string()
      .optional()
      .describe('Send it back as the x-csrf-token header on every unsafe request made with the session cookie'),
  })
  .meta({ id: 'Me' });

export const loginBodySchema = z.object({
  email: z.string().trim().min(3).max(320),
  password: z.string().min(1).max(1024),
});

export const orgSlugSchema = z
  .string()
  .min(2)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and hyphens');

export const createOrgBodySchema = z.object({
  slug: orgSlugSchema,
  name: z.string().trim().min(1).max(200),
  nameEn: z.string().trim().min(1).max(200).optional(),
  kind: z.enum(ORG_KINDS),
});

export const createUserBodySchema = z.object({
  email: z.email().max(320),
  displayName: z.string().trim().min(1).max(200),
  password: z.string().min(10).max(1024).optional(),
  locale: z.enum(['ko', 'en']).optional(),
});

export const grantRoleBodySchema = z.object({
  user: z.string().min(1).describe('User id or email'),
  role: z.enum(ROLES),
});

export const memberSchema = z
  .object({ userId: z.string(), email: z.string(), displayName: z.string(), role: z.enum(ROLES), since: z.string() })
  .meta({ id: 'Member' });

export const apiTokenSchema = z
  .object({
    id: z.string(),
    orgId: z.string(),
    userId: z.string(),
    name: z.string(),
    prefix: z.string(),
    scopes: z.array(z.enum(SCOPES)),
    createdAt: z.string(),
    expiresAt: z.string(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiToken' });

export const createTokenBodySchema = z.object({
  org: z.string().min(1).describe('Organisation id or slug the token acts for'),
  name: z.string().trim().min(1).max(100),
  scopes: z.array(z.enum(SCOPES)).min(1),
  expiresInDays: z.number().int().min(1).max(MAX_TOKEN_DAYS).default(90),
});

export const idParamsSchema = z.object({ id: z.string().min(1).max(200) });
