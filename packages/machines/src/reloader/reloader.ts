import { assign, fromPromise, setup } from 'xstate';
import { deadlineTimer } from '../clock/deadlineTimer.js';
import { systemNow } from '../clock/machineClock.js';
import { toErrorInfo } from '../errorInfo.js';
import { initialReloaderContext } from './reloaderSettings.js';
import type {
  ReloaderContext,
  ReloaderEvent,
  ReloaderInput,
  ReloadFailure,
  ReloadInput,
} from './reloaderTypes.js';
import * as update from './reloaderUpdates.js';

/**
 * Debounced, coalescing, single-flight, rate-limited reloads (e.g. of the instrument registry).
 *
 * - `TRIGGER` starts a burst; more triggers within `debounceMs` merge into it (up to `maxWaitMs`).
 * - One reload at a time: the invoked `reload` actor (id `reload`), which the runtime supplies
 *   with `reloader.provide({ actors: { reload: fromPromise(...) } })`.
 * - Reload starts are at least `minIntervalMs` apart; triggers during a reload or the cooldown
 *   set one boolean `pending` flag, so at most one trailing reload follows — never a queue.
 * - A failure is counted, kept as `lastError`, reported through the `reportReloadFailure`
 *   action, and the next reload (trailing or on the next trigger) waits for an exponential
 *   backoff. It does not retry by itself: a registry that stops changing is not hammered.
 *
 * Deadlines (`debounceUntil`, `nextAllowedAt`) are absolute clock times in context, armed by
 * invoked {@link deadlineTimer}s, so a restored reloader keeps them (xstate #5331). A restore
 * during `reloading` starts the reload again (a promise cannot be resumed).
 *
 * @example
 * const live = reloader.provide({
 *   // Typed <unknown, ReloadInput>: the machine ignores the output and passes ReloadInput.
 *   actors: { reload: fromPromise<unknown, ReloadInput>(async ({ input }) => registry.reload(input)) },
 *   actions: { reportReloadFailure: (_, failure) => errors.publish(failure) },
 * });
 * const actor = createActor(live, { clock: realClock, input: {} }).start();
 * kv.watch().forEach(() => actor.send({ type: 'TRIGGER' }));
 */
export const reloader = setup({
  types: {} as {
    input: ReloaderInput | undefined;
    context: ReloaderContext;
    events: ReloaderEvent;
  },
  actors: {
    deadlineTimer,
    reload: fromPromise<unknown, ReloadInput>(() =>
      Promise.reject(
        new Error(
          'reloader: no reload actor supplied; use reloader.provide({ actors: { reload: fromPromise(...) } })',
        ),
      ),
    ),
  },
  guards: {
    pending: ({ context }) => context.pending,
  },
  actions: {
    startBurst: assign(({ context, system }) => update.burstStarted(context, systemNow(system))),
    extendBurst: assign(({ context, system }) => update.burstExtended(context, systemNow(system))),
    markPending: assign(({ context }) => update.pendingMarked(context)),
    beginReload: assign(({ context, system }) => update.reloadStarted(context, systemNow(system))),
    recordReloadSuccess: assign(({ context, system }) =>
      update.reloadSucceeded(context, systemNow(system)),
    ),
    recordReloadFailure: assign(({ context, event, system }) =>
      update.reloadFailed(
        context,
        toErrorInfo('error' in event ? event.error : event),
        systemNow(system),
      ),
    ),
    // The runtime's hook: log, count, publish on sys.errors. Pure no-op here.
    reportReloadFailure: (_, _failure: ReloadFailure) => {},
  },
}).createMachine({
  id: 'reloader',
  description:
    'Debounces and coalesces TRIGGERs, runs one `reload` at a time, keeps reload starts `minIntervalMs` apart and follows a reload or cooldown with at most one trailing reload (a `pending` flag, never a queue). Failures are reported and back off exponentially.',
  context: ({ input }) => initialReloaderContext(input),
  initial: 'idle',
  states: {
    idle: {
      description: 'Nothing due.',
      on: { TRIGGER: { target: 'debouncing', actions: 'startBurst' } },
    },
    debouncing: {
      description: 'Waits for quiet (debounceMs, at most maxWaitMs from the first trigger).',
      invoke: {
        id: 'debounceTimer',
        src: 'deadlineTimer',
        input: ({ context }) => ({
          deadline: context.debounceUntil,
          eventType: 'DEBOUNCE_ELAPSED',
        }),
      },
      on: {
        // Re-entering restarts the timer for the new deadline.
        TRIGGER: { target: 'debouncing', reenter: true, actions: 'extendBurst' },
        DEBOUNCE_ELAPSED: { target: 'reloading', actions: 'beginReload' },
      },
    },
    reloading: {
      description: 'One reload in flight; triggers set pending.',
      invoke: {
        id: 'reload',
        src: 'reload',
        input: ({ context }) => ({
          reloadNumber: context.counters.reloads,
          consecutiveFailures: context.consecutiveFailures,
        }),
        onDone: { target: 'coolingDown', actions: 'recordReloadSuccess' },
        onError: {
          target: 'coolingDown',
          actions: [
            'recordReloadFailure',
            {
              type: 'reportReloadFailure',
              params: ({ context }) => ({
                error: context.lastError ?? { message: 'unknown reload failure' },
                consecutiveFailures: context.consecutiveFailures,
                retryNotBefore: context.nextAllowedAt,
                durationMs: context.counters.lastDurationMs ?? 0,
              }),
            },
          ],
        },
      },
      on: { TRIGGER: { actions: 'markPending' } },
    },
    coolingDown: {
      description:
        'Waits until nextAllowedAt (min interval or failure backoff); triggers set pending.',
      invoke: {
        id: 'cooldownTimer',
        src: 'deadlineTimer',
        input: ({ context }) => ({
          deadline: context.nextAllowedAt,
          eventType: 'COOLDOWN_ELAPSED',
        }),
      },
      on: {
        TRIGGER: { actions: 'markPending' },
        COOLDOWN_ELAPSED: [
          { guard: 'pending', target: 'reloading', actions: 'beginReload' },
          { target: 'idle' },
        ],
      },
    },
  },
});
