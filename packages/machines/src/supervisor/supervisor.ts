import { assign, enqueueActions, setup } from 'xstate';
import { deadlineTimer } from '../clock/deadlineTimer.js';
import { systemNow } from '../clock/machineClock.js';
import { initialSupervisorContext } from './supervisorSettings.js';
import type {
  EscalationOrder,
  FailureReport,
  RestartOrder,
  SupervisorContext,
  SupervisorEvent,
  SupervisorInput,
} from './supervisorTypes.js';
import * as update from './supervisorUpdates.js';

/**
 * Sees every failure of the actors and tasks it watches, and restarts them with backoff.
 *
 * For each `CHILD_FAILED` it runs `reportFailure` (id, kind, state, error, cause, decision) —
 * no failure is silent — and counts it; then either schedules `restartChild` after
 * `min(maxDelayMs, baseDelayMs × backoffFactor^n)` (n = restarts within `windowMs`), or, past
 * `maxRestarts` in the window, runs `stopChild` and `escalate`. The runtime supplies those four
 * actions with `supervisor.provide({ actions: { ... } })`.
 *
 * Pending restarts are absolute times in context; `waiting` arms one invoked timer
 * (`restartTimer`) for the earliest, so a restored supervisor restarts on time (xstate #5331).
 * The child table holds at most `maxTrackedChildren` records (see README: eviction/overflow).
 *
 * @example
 * const live = supervisor.provide({
 *   actions: {
 *     reportFailure: (_, report) => errors.publish(report),
 *     restartChild: (_, { id }) => host.restart(id),
 *     stopChild: (_, { id }) => host.stop(id),
 *     escalate: (_, order) => alerts.raise(order),
 *   },
 * });
 * const actor = createActor(live, { clock: realClock, input: { maxRestarts: 5 } }).start();
 */
export const supervisor = setup({
  types: {} as {
    input: SupervisorInput | undefined;
    context: SupervisorContext;
    events: SupervisorEvent;
  },
  actors: { deadlineTimer },
  guards: {
    restartPending: ({ context }) => update.nextRestartAt(context) !== null,
  },
  actions: {
    forgetChild: assign(({ context, event }) =>
      event.type === 'CHILD_STOPPED' ? update.childStopped(context, event.id) : {},
    ),
    // The runtime's effects; pure no-ops here.
    reportFailure: (_, _report: FailureReport) => {},
    restartChild: (_, _order: RestartOrder) => {},
    stopChild: (_, _order: EscalationOrder) => {},
    escalate: (_, _order: EscalationOrder) => {},
  },
}).createMachine({
  id: 'supervisor',
  description:
    'Reports and counts every child failure, restarts the child after an exponential backoff, and stops and escalates a child that exceeds `maxRestarts` within `windowMs`. Restart state is kept for at most `maxTrackedChildren` children.',
  context: ({ input }) => initialSupervisorContext(input),
  initial: 'idle',
  on: {
    // Through `scheduling`, so the restart timer is re-armed for the new earliest deadline.
    CHILD_FAILED: {
      target: '.scheduling',
      // Inline because enqueued named actions are typed only in the machine config; the
      // function's name labels it in the generated diagram.
      actions: enqueueActions(function handleChildFailure({ context, event, enqueue, system }) {
        const outcome = update.childFailed(context, event, systemNow(system));
        enqueue.assign(outcome.context);
        enqueue({ type: 'reportFailure', params: outcome.report });
        if (outcome.escalation) {
          enqueue({ type: 'stopChild', params: outcome.escalation });
          enqueue({ type: 'escalate', params: outcome.escalation });
        }
      }),
    },
    CHILD_STOPPED: { target: '.scheduling', actions: 'forgetChild' },
  },
  states: {
    scheduling: {
      description: 'Transient: arms the timer for the earliest pending restart, if any.',
      always: [{ guard: 'restartPending', target: 'waiting' }, { target: 'idle' }],
    },
    idle: { description: 'No restart pending.' },
    waiting: {
      description: 'A restart is pending; the timer fires at the earliest restartAt.',
      invoke: {
        id: 'restartTimer',
        src: 'deadlineTimer',
        input: ({ context }) => ({
          deadline: update.nextRestartAt(context),
          eventType: 'RESTART_DUE',
        }),
      },
      on: {
        RESTART_DUE: {
          target: 'scheduling',
          actions: enqueueActions(function restartDueChildren({ context, enqueue, system }) {
            const due = update.restartsDue(context, systemNow(system));
            enqueue.assign(due.context);
            for (const order of due.orders) enqueue({ type: 'restartChild', params: order });
          }),
        },
      },
    },
  },
});
