import { assign, setup } from 'xstate';
import { deadlineTimer } from '../clock/deadlineTimer.js';
import { systemNow } from '../clock/machineClock.js';
import { initialBreakerContext } from './breakerSettings.js';
import type {
  BreakerChangeReason,
  BreakerStateChange,
  CircuitBreakerContext,
  CircuitBreakerEvent,
  CircuitBreakerInput,
} from './breakerTypes.js';
import * as update from './breakerUpdates.js';

function stateChange(
  context: CircuitBreakerContext,
  to: BreakerStateChange['to'],
): BreakerStateChange {
  return {
    to,
    code: to === 'CLOSED' ? 0 : to === 'OPEN' ? 1 : 2,
    reason: context.lastChange?.reason ?? 'manual_reset',
    at: context.lastChange?.at ?? 0,
    openUntil: context.openUntil,
    lastError: context.lastError,
  };
}

const report = (to: BreakerStateChange['to']) =>
  ({
    type: 'reportStateChange',
    params: ({ context }: { context: CircuitBreakerContext }) => stateChange(context, to),
  }) as const;

const open = (reason: BreakerChangeReason) =>
  [{ type: 'enterOpen', params: { reason } }, report('OPEN')] as const;
const close = (reason: BreakerChangeReason) =>
  [{ type: 'enterClosed', params: { reason } }, report('CLOSED')] as const;

/**
 * A circuit breaker as a state machine: CLOSED admits calls, OPEN rejects them at once,
 * HALF_OPEN admits `halfOpenMaxCalls` trials. Callers ask with `CALL_REQUESTED` and read
 * `context.lastCallAdmitted` synchronously (or use {@link createBreaker}), then report
 * `CALL_SUCCEEDED` / `CALL_FAILED` / `CALL_TIMED_OUT` with the generation they were admitted in.
 *
 * Time: the OPEN deadline is kept in context (`openUntil`, absolute clock ms) and armed by
 * the invoked `resetTimer` (a {@link deadlineTimer}), so a breaker restored from a persisted
 * snapshot stays OPEN exactly until that deadline (xstate #5331 drops pending `after` delays).
 *
 * Effects: `reportStateChange` (no-op by default) is the one effect; supply it with
 * `circuitBreaker.provide({ actions: { reportStateChange: (_, change) => ... } })`.
 *
 * @example
 * const actor = createActor(circuitBreaker, { clock, input: { failureThreshold: 5 } }).start();
 * actor.send({ type: 'CALL_REQUESTED' });
 * if (actor.getSnapshot().context.lastCallAdmitted) { ... }
 */
export const circuitBreaker = setup({
  types: {} as {
    input: CircuitBreakerInput | undefined;
    context: CircuitBreakerContext;
    events: CircuitBreakerEvent;
  },
  actors: { deadlineTimer },
  guards: {
    tripPending: ({ context }) => context.tripReason !== null,
    trialSlotFree: ({ context }) => context.trialsInFlight < context.settings.halfOpenMaxCalls,
    currentGeneration: ({ context, event }) => update.isCurrent(context, event),
  },
  actions: {
    admitCall: assign(({ context }) => update.admitted(context)),
    admitTrial: assign(({ context }) => update.admittedTrial(context)),
    rejectCall: assign(({ context }) => update.rejected(context)),
    recordClosedSuccess: assign(({ context, event, system }) =>
      update.closedSuccess(context, event, systemNow(system)),
    ),
    recordClosedFailure: assign(({ context, event, system }) =>
      update.closedFailure(context, event, systemNow(system)),
    ),
    countBatch: assign(({ context, event, system }) =>
      update.batched(context, event, systemNow(system), false),
    ),
    recordClosedBatch: assign(({ context, event, system }) =>
      update.batched(context, event, systemNow(system), true),
    ),
    countSuccess: assign(({ context }) => update.countedSuccess(context)),
    countFailure: assign(({ context, event, system }) =>
      update.countedFailure(context, event, systemNow(system)),
    ),
    clearFailures: assign(({ context }) => update.clearedFailures(context)),
    enterOpen: assign(({ context, system }, params: { reason: BreakerChangeReason }) =>
      update.opened(context, params.reason, systemNow(system)),
    ),
    enterIsolated: assign(({ context, system }, params: { fromOpen: boolean }) =>
      update.isolated(context, params.fromOpen, systemNow(system)),
    ),
    enterHalfOpen: assign(({ context, system }) => update.halfOpened(context, systemNow(system))),
    enterClosed: assign(({ context, system }, params: { reason: BreakerChangeReason }) =>
      update.closed(context, params.reason, systemNow(system)),
    ),
    // The runtime's hook for logs/metrics/`sys.*` subjects; pure no-op here.
    reportStateChange: (_, _change: BreakerStateChange) => {},
  },
}).createMachine({
  id: 'circuitBreaker',
  description:
    'Admits calls while CLOSED, rejects them at once while OPEN (dropped and counted, never queued), and admits a limited number of trial calls while HALF_OPEN. Opens after `failureThreshold` consecutive failures (timeouts count) or, when configured, a failure rate over a rolling window with a minimum volume; half-opens `resetTimeoutMs` later; a trial success closes it, a trial failure reopens it. ISOLATE forces OPEN until RESET.',
  context: ({ input }) => initialBreakerContext(input),
  initial: 'CLOSED',
  on: { CALLS_BATCHED: { actions: 'countBatch' } },
  states: {
    CLOSED: {
      description: 'Admits every call (state code 0).',
      // A failure that crossed a threshold set tripReason; open in the same macrostep.
      always: {
        guard: 'tripPending',
        target: 'OPEN',
        actions: [
          {
            type: 'enterOpen',
            params: ({ context }) => ({ reason: context.tripReason ?? 'consecutive_failures' }),
          },
          report('OPEN'),
        ],
      },
      on: {
        CALL_REQUESTED: { actions: 'admitCall' },
        CALL_SUCCEEDED: { actions: 'recordClosedSuccess' },
        CALL_FAILED: { actions: 'recordClosedFailure' },
        CALL_TIMED_OUT: { actions: 'recordClosedFailure' },
        CALLS_BATCHED: { actions: 'recordClosedBatch' },
        RESET: { actions: 'clearFailures' },
        ISOLATE: {
          target: 'OPEN.isolated',
          actions: [{ type: 'enterIsolated', params: { fromOpen: false } }, report('OPEN')],
        },
      },
    },
    OPEN: {
      description: 'Rejects every call at once (state code 1).',
      initial: 'cooling',
      on: {
        CALL_REQUESTED: { actions: 'rejectCall' },
        CALL_SUCCEEDED: { actions: 'countSuccess' },
        CALL_FAILED: { actions: 'countFailure' },
        CALL_TIMED_OUT: { actions: 'countFailure' },
        RESET: { target: 'CLOSED', actions: close('manual_reset') },
        ISOLATE: {
          target: '.isolated',
          actions: { type: 'enterIsolated', params: { fromOpen: true } },
        },
      },
      states: {
        cooling: {
          description: 'Waits until openUntil (kept in context, re-armed on restore).',
          invoke: {
            id: 'resetTimer',
            src: 'deadlineTimer',
            input: ({ context }) => ({
              deadline: context.openUntil,
              eventType: 'RESET_TIMEOUT_ELAPSED',
            }),
          },
          on: {
            RESET_TIMEOUT_ELAPSED: {
              target: '#circuitBreaker.HALF_OPEN',
              actions: ['enterHalfOpen', report('HALF_OPEN')],
            },
          },
        },
        isolated: { description: 'Forced open until RESET.' },
      },
    },
    HALF_OPEN: {
      description: 'Admits up to halfOpenMaxCalls trial calls (state code 2).',
      on: {
        CALL_REQUESTED: [
          { guard: 'trialSlotFree', actions: 'admitTrial' },
          { actions: 'rejectCall' },
        ],
        CALL_SUCCEEDED: [
          {
            guard: 'currentGeneration',
            target: 'CLOSED',
            actions: ['countSuccess', ...close('trial_succeeded')],
          },
          { actions: 'countSuccess' },
        ],
        CALL_FAILED: [
          {
            guard: 'currentGeneration',
            target: 'OPEN',
            actions: ['countFailure', ...open('trial_failed')],
          },
          { actions: 'countFailure' },
        ],
        CALL_TIMED_OUT: [
          {
            guard: 'currentGeneration',
            target: 'OPEN',
            actions: ['countFailure', ...open('trial_failed')],
          },
          { actions: 'countFailure' },
        ],
        RESET: { target: 'CLOSED', actions: close('manual_reset') },
        ISOLATE: {
          target: 'OPEN.isolated',
          actions: [{ type: 'enterIsolated', params: { fromOpen: false } }, report('OPEN')],
        },
      },
    },
  },
});
