import { describe, expect, it } from 'vitest';
import { JobRegistry } from './registry.js';

const noop = async () => undefined;

describe('JobRegistry', () => {
  it('holds one handler per name and lists the names sorted', () => {
    const registry = new JobRegistry()
      .register({ name: 'b.job', handler: noop })
      .register({ name: 'a.job', handler: noop, maxAttempts: 3 });
    expect(registry.names()).toEqual(['a.job', 'b.job']);
    expect(registry.get('a.job')?.maxAttempts).toBe(3);
    expect(registry.get('missing')).toBeUndefined();
    expect(registry.defaultsFor('a.job')).toEqual({ maxAttempts: 3 });
    expect(registry.defaultsFor('b.job')).toEqual({});
    expect(registry.defaultsFor('missing')).toBeUndefined();
  });

  it('refuses a second handler for the same name', () => {
    const registry = new JobRegistry().register({ name: 'a.job', handler: noop });
    expect(() => registry.register({ name: 'a.job', handler: noop })).toThrow('A handler for job "a.job" is already registered');
  });

  it('refuses nonsense limits', () => {
    expect(() => new JobRegistry().register({ name: 'x', handler: noop, maxAttempts: 0 })).toThrow('maxAttempts');
    expect(() => new JobRegistry().register({ name: 'x', handler: noop, leaseMs: -1 })).toThrow('leaseMs');
    expect(() => new JobRegistry().register({ name: '', handler: noop })).toThrow('needs a name');
  });

  it('names every job without a handler when checked at start', () => {
    const registry = new JobRegistry().register({ name: 'a.job', handler: noop });
    expect(() => registry.assertHandlersFor(['a.job'])).not.toThrow();
    expect(() => registry.assertHandlersFor(['z.job', 'a.job', 'm.job', 'z.job'])).toThrow('No handler registered for jobs: m.job, z.job');
    expect(() => registry.assertHandlersFor(['m.job'])).toThrow('No handler registered for job: m.job');
  });

  it('types the payload through parse', () => {
    const registry = new JobRegistry().register({
      name: 'typed',
      parse: (raw) => {
        if (typeof raw !== 'object' || raw === null || typeof (raw as { n?: unknown }).n !== 'number')
          throw new Error('n must be a number');
        return raw as { n: number };
      },
      handler: async (payload) => payload.n + 1,
    });
    expect(() => registry.get('typed')?.parse?.({ n: 'x' })).toThrow('n must be a number');
  });
});
