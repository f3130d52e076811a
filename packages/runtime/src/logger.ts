import { type Logger as PinoLogger, pino } from 'pino';

/**
 * The structured logger every runtime component takes: pino's, so the CLI can hand in its
 * own (pretty, or JSON lines to a file) and tests a silent one.
 */
export type Logger = Pick<PinoLogger, 'info' | 'warn' | 'error' | 'debug' | 'child'>;

/**
 * A pino logger named after the component, JSON lines on stderr (stdout stays for data).
 *
 * @param name - the component or worker id, the `name` field of every line
 * @param level - pino level; default `BALLAST_LOG_LEVEL` or `info`
 * @example
 * const log = createLogger('worker-1');
 * log.info({ partitions: [0, 1] }, 'claimed partitions');
 */
export function createLogger(
  name: string,
  level = process.env.BALLAST_LOG_LEVEL ?? 'info',
): Logger {
  return pino({ name, level }, pino.destination(2));
}

/**
 * A logger that writes nothing, for tests and benchmarks.
 *
 * @example
 * new Worker({ servers, log: silentLogger() });
 */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
