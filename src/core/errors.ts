/**
 * Errors the services raise. The HTTP layer turns them into RFC 9457 problem documents and the CLI
 * into exit codes, so a service never needs to know which one called it.
 */
export type ErrorCode =
  | 'bad_request'
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  validation: 422,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export interface FieldProblem {
  /** Where the problem is: a field path, a column name, or `row 40213`. */
  field: string;
  /** In English. */
  message: string;
  /** The same in Korean, where the service has it (forms shown to Korean stewards do). */
  messageKo?: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly problems: FieldProblem[];

  constructor(code: ErrorCode, message: string, options: { problems?: FieldProblem[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = STATUS[code];
    this.problems = options.problems ?? [];
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} was not found`);
export const forbidden = (message = 'You are not allowed to do this') => new AppError('forbidden', message);
export const unauthenticated = (message = 'Sign in first') => new AppError('unauthenticated', message);
export const conflict = (message: string) => new AppError('conflict', message);
export const badRequest = (message: string, problems?: FieldProblem[]) =>
  new AppError('bad_request', message, problems ? { problems } : {});

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
