/**
 * Which handler runs which job. DESIGN §2: "one handler per job name, checked at start", so a
 * duplicate name or a job nobody can run is an error when the process starts, not a stuck job later.
 */

/** A logger shaped like pino's: an object of fields first, then an optional message. */
export interface JobLogger {
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

export const silentLogger: JobLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** What a handler learns about the attempt it is running. */
export interface JobContext {
  jobId: string;
  name: string;
  /** 1 for the first attempt. */
  attempt: number;
  maxAttempts: number;
  /** Aborted when this worker lost the job's lease: stop, because another worker now owns the job. */
  signal: AbortSignal;
  logger: JobLogger;
}

export interface JobDefinition<P = unknown> {
  name: string;
  /** Must be idempotent: a job whose worker died is run again by another. */
  handler: (payload: P, ctx: JobContext) => Promise<unknown>;
  /** Attempts before the job becomes a dead letter; used when an enqueue does not say. */
  maxAttempts?: number;
  /** Lease for this job's attempts, when it differs from the worker's. */
  leaseMs?: number;
  /** Checks and types the stored payload; a throw here dead-letters the job, since retrying cannot help. */
  parse?: (raw: unknown) => P;
}

/** The handlers a process knows, one per job name. */
export class JobRegistry {
  readonly #definitions = new Map<string, JobDefinition>();

  /** Adds a handler; a second one for the same name throws. @example registry.register({ name: 'mail.send', handler: send }) */
  register<P>(definition: JobDefinition<P>): this {
    if (!definition.name) throw new Error('A job definition needs a name');
    if (this.#definitions.has(definition.name)) throw new Error(`A handler for job "${definition.name}" is already registered`);
    if (definition.maxAttempts !== undefined && (!Number.isInteger(definition.maxAttempts) || definition.maxAttempts < 1)) {
      throw new Error(`Job "${definition.name}": maxAttempts must be a whole number of at least 1`);
    }
    if (definition.leaseMs !== undefined && !(definition.leaseMs > 0)) {
      throw new Error(`Job "${definition.name}": leaseMs must be positive`);
    }
    // The payload type is private to each definition; the worker only ever hands it what parse made.
    this.#definitions.set(definition.name, definition as unknown as JobDefinition);
    return this;
  }

  /** The definition for a name, if any. */
  get(name: string): JobDefinition | undefined {
    return this.#definitions.get(name);
  }

  /** Every registered name, sorted. */
  names(): string[] {
    return [...this.#definitions.keys()].sort();
  }

  /** Defaults the queue applies at enqueue time, e.g. `createDbJobQueue({ defaultsFor: (n) => registry.defaultsFor(n) })`. */
  defaultsFor(name: string): { maxAttempts?: number } | undefined {
    const definition = this.#definitions.get(name);
    if (!definition) return undefined;
    return definition.maxAttempts === undefined ? {} : { maxAttempts: definition.maxAttempts };
  }

  /** Throws, naming every missing one, unless each of `names` has a handler. */
  assertHandlersFor(names: Iterable<string>): void {
    const missing = [...new Set(names)].filter((name) => !this.#definitions.has(name)).sort();
    if (missing.length > 0) {
      throw new Error(`No handler registered for job${missing.length === 1 ? '' : 's'}: ${missing.join(', ')}`);
    }
  }
}
