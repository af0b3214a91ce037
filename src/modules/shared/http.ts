/**
 * What every module's routes share: the typed Fastify instance they register on, the actor the
 * server resolved for each request, and the problem document schema of RFC 9457.
 */
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Actor } from '../../core/auth/policy.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking: resolved from the session cookie or the bearer token before any route runs. */
    actor: Actor;
  }
}

export type ApiApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    code: z.string().optional(),
    requestId: z.string().optional(),
    problems: z
      .array(
        z.object({
          field: z.string(),
          message: z.string().describe('In English'),
          messageKo: z.string().optional().describe('The same in Korean, when the service has it'),
        }),
      )
      .optional(),
  })
  .meta({ id: 'Problem', description: 'An RFC 9457 problem document' });

/** The error replies every authenticated route can give, for the OpenAPI document. */
export const commonErrors = {
  400: problemSchema,
  401: problemSchema,
  403: problemSchema,
  404: problemSchema,
  422: problemSchema,
} as const;

export const SESSION_COOKIE = 'datadam_session';

/** Sets the session cookie: HttpOnly (scripts cannot read it), SameSite=Lax, Secure behind https. */
export function setSessionCookie(reply: FastifyReply, token: string, options: { secure: boolean; maxAgeSeconds: number }): void {
  void reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: options.secure,
    maxAge: options.maxAgeSeconds,
  });
}
