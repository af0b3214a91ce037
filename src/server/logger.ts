import pino, { type Logger } from 'pino';

/** JSON logs on stdout (or stderr for commands whose stdout is data), one line an event. */
export function createLogger(level: string, destination: 1 | 2 = 1): Logger {
  return pino(
    { level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ fd: destination, sync: false }),
  );
}
