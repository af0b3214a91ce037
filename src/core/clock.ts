/** Time as the services see it; tests substitute a clock they can move. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Times are stored and exchanged as ISO 8601 UTC strings with milliseconds, which sort as they compare. */
export function isoNow(clock: Clock): string {
  return clock.now().toISOString();
}

export function isoAfter(clock: Clock, milliseconds: number): string {
  return new Date(clock.now().getTime() + milliseconds).toISOString();
}

/** A clock that only moves when told to. @example const c = manualClock('2026-01-01T00:00:00Z'); c.advance(1000); */
export function manualClock(start: string | Date): Clock & { advance(ms: number): void; set(at: string | Date): void } {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    advance(ms: number) {
      current = new Date(current.getTime() + ms);
    },
    set(at: string | Date) {
      current = new Date(at);
    },
  };
}
