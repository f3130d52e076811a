import { InvalidOptionError } from '../errors.js';
import { numberOption } from '../options.js';
import type { SupervisorContext, SupervisorInput } from './supervisorTypes.js';

/**
 * Defaults of {@link SupervisorInput}.
 *
 * @example
 * createActor(supervisor, { input: { maxRestarts: supervisorDefaults.maxRestarts * 2 } });
 */
export const supervisorDefaults = {
  baseDelayMs: 1_000,
  backoffFactor: 2,
  maxDelayMs: 30_000,
  jitterRatio: 0,
  maxRestarts: 5,
  windowMs: 60_000,
  maxTrackedChildren: 1_000,
} as const;

/**
 * The context a supervisor starts with: no children tracked, every counter at zero.
 *
 * @throws {InvalidOptionError} naming the first bad option
 * @internal
 */
export function initialSupervisorContext(input: SupervisorInput | undefined): SupervisorContext {
  const i = input ?? {};
  const d = supervisorDefaults;
  const jitterRatio = numberOption('jitterRatio', i.jitterRatio, d.jitterRatio);
  if (jitterRatio > 1)
    throw new InvalidOptionError('jitterRatio', jitterRatio, 'a number in [0, 1]');
  return {
    settings: {
      baseDelayMs: numberOption('baseDelayMs', i.baseDelayMs, d.baseDelayMs),
      backoffFactor: numberOption('backoffFactor', i.backoffFactor, d.backoffFactor, { min: 1 }),
      maxDelayMs: numberOption('maxDelayMs', i.maxDelayMs, d.maxDelayMs),
      jitterRatio,
      maxRestarts: numberOption('maxRestarts', i.maxRestarts, d.maxRestarts, { integer: true }),
      windowMs: numberOption('windowMs', i.windowMs, d.windowMs),
      maxTrackedChildren: numberOption(
        'maxTrackedChildren',
        i.maxTrackedChildren,
        d.maxTrackedChildren,
        {
          min: 1,
          integer: true,
        },
      ),
    },
    children: [],
    counters: { failures: 0, restarts: 0, escalations: 0, evictions: 0, overflows: 0 },
  };
}
