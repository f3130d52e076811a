import { type AnyActorRef, enqueueActions, type SnapshotFrom, setup } from 'xstate';
import { deadlineTimer } from '../clock/deadlineTimer.js';
import { systemNow } from '../clock/machineClock.js';
import type {
  CandleClosedParams,
  PersistSnapshotParams,
  PublishCandlesParams,
  SymbolCacheContext,
  SymbolCacheEffect,
  SymbolCacheEvent,
  SymbolCacheInput,
  SymbolCacheStep,
  SymbolLifecycle,
  TooOldParams,
} from './symbolCacheTypes.js';
import {
  firstCheckAt,
  housekept,
  idleDue,
  initialSymbolCacheContext,
  liveFolded,
  replayFolded,
  snapshotRequested,
} from './symbolCacheUpdates.js';

// Both active children run it; a child entered again invokes it again for the new deadline.
const housekeepingTimer = {
  id: 'housekeepingTimer',
  src: 'deadlineTimer',
  input: ({ context }: { context: SymbolCacheContext }) => ({
    deadline: context.nextCheckAt,
    eventType: 'HOUSEKEEPING_DUE',
  }),
} as const;

/**
 * One symbol's market-data cache: folds its ticks into a {@link SymbolBook} (candles per
 * timeframe, open interest, last quote — all bounded) and asks the runtime for effects through
 * named actions it supplies with `symbolCache.provide({ actions })`:
 * - `publishCandles` after each live `TICK` or `TICKS` batch (the runtime publishes
 *   `md.candle.<tf>.<SYMBOL>`);
 * - `candleClosed` when a newer bucket closes a timeframe's candle (to the sink, via the breaker);
 * - `persistSnapshot` every `snapshotEveryEvents` ticks, when dirty after `snapshotIntervalMs`,
 *   and as the last act when passivated or expired (the runtime writes `context.book.snapshot()`);
 * - `reportTooOld` for a tick no window can hold (dead letter).
 *
 * Lifecycle: `hydrating` (the runtime sends `REPLAY` for each logged event after the snapshot's
 * sequence, then `HYDRATED`; replayed ticks fold but cause no effects, which already happened)
 * -> `active.live` <-> `active.idle` (no live tick for `idleAfterMs`) -> `passivated` on
 * `PASSIVATE`, or `expired` when the instrument's `expiresAt` passes. Both ends are final and
 * persist a snapshot first.
 *
 * Ticks with `seq <= lastAppliedSeq` are skipped, so replay is idempotent. Timers are
 * {@link deadlineTimer}s on absolute clock deadlines in context, so a restored actor re-arms
 * them (xstate #5331). The book is mutated in place — copying typed-array windows per tick
 * would defeat their purpose — so treat `context.book` as owned by the actor.
 *
 * @example
 * const actor = createActor(symbolCache.provide({ actions: { persistSnapshot: ({ context }) =>
 *   kv.put(key, encodeSnapshot(context.book.snapshot())) } }),
 *   { clock: realClock, input: { symbol: 'AAPL', restore } }).start();
 * for (const e of tail) actor.send({ type: 'REPLAY', tick: e.tick, seq: e.seq });
 * actor.send({ type: 'HYDRATED' });
 */
export const symbolCache = setup({
  types: {} as {
    input: SymbolCacheInput;
    context: SymbolCacheContext;
    events: SymbolCacheEvent;
  },
  actors: { deadlineTimer },
  actions: {
    // The runtime's hooks; pure no-ops here.
    publishCandles: (_, _params: PublishCandlesParams) => {},
    candleClosed: (_, _params: CandleClosedParams) => {},
    persistSnapshot: (_, _params: PersistSnapshotParams) => {},
    reportTooOld: (_, _params: TooOldParams) => {},
  },
  guards: {
    // Guards get no actor scope, so no clock: the timer's deadline is the time it fired.
    idleDue: ({ context, event }) =>
      event.type === 'HOUSEKEEPING_DUE' && idleDue(context, event.deadline),
  },
}).createMachine({
  id: 'symbolCache',
  description:
    "Folds one symbol's ticks into bounded candle windows, open interest and last quote; replays idempotently; snapshots every N events / T ms and before passivation or expiry.",
  context: ({ input, self }) =>
    initialSymbolCacheContext(input, systemNow((self as AnyActorRef).system)),
  initial: 'hydrating',
  on: {
    // From hydrating or active; final states take no events.
    PASSIVATE: {
      target: '.passivated',
      actions: enqueueActions(({ context, enqueue, system }) =>
        applyStep(snapshotRequested(context, 'passivated', systemNow(system)), enqueue),
      ),
    },
  },
  states: {
    hydrating: {
      description: 'Replaying logged events after the snapshot; no effects.',
      on: {
        REPLAY: {
          actions: enqueueActions(({ context, event, enqueue, system }) =>
            applyStep(replayFolded(context, event, systemNow(system)), enqueue),
          ),
        },
        HYDRATED: {
          target: 'active',
          actions: enqueueActions(({ context, enqueue, system }) => {
            enqueue.assign({ nextCheckAt: firstCheckAt(context, systemNow(system)) });
          }),
        },
      },
    },
    active: {
      description: 'Serving: folds live ticks; expires at expiresAt.',
      invoke: {
        id: 'expiryTimer',
        src: 'deadlineTimer',
        input: ({ context }) => ({ deadline: context.expiresAt, eventType: 'EXPIRY_REACHED' }),
      },
      on: {
        // Targeting a child exits and enters it again, which re-arms its housekeeping timer
        // for the new deadline. In idle, idleDue stays true until a tick moves to live.
        HOUSEKEEPING_DUE: [
          {
            guard: 'idleDue',
            target: '.idle',
            actions: enqueueActions(({ context, enqueue, system }) =>
              applyStep(housekept(context, systemNow(system)), enqueue),
            ),
          },
          {
            target: '.live',
            actions: enqueueActions(({ context, enqueue, system }) =>
              applyStep(housekept(context, systemNow(system)), enqueue),
            ),
          },
        ],
        EXPIRY_REACHED: {
          target: 'expired',
          actions: enqueueActions(({ context, enqueue, system }) =>
            applyStep(snapshotRequested(context, 'expired', systemNow(system)), enqueue),
          ),
        },
      },
      initial: 'live',
      states: {
        live: {
          description: 'Ticks arriving; housekeeping checks the snapshot interval and idleness.',
          invoke: housekeepingTimer,
          on: {
            TICK: {
              actions: enqueueActions(({ context, event, enqueue, system }) =>
                applyStep(liveFolded(context, [event], systemNow(system)), enqueue),
              ),
            },
            TICKS: {
              actions: enqueueActions(({ context, event, enqueue, system }) =>
                applyStep(liveFolded(context, event.ticks, systemNow(system)), enqueue),
              ),
            },
          },
        },
        idle: {
          description: 'No live tick for idleAfterMs: a candidate for passivation.',
          invoke: housekeepingTimer,
          on: {
            TICK: {
              target: 'live',
              actions: enqueueActions(({ context, event, enqueue, system }) => {
                const now = systemNow(system);
                applyStep(liveFolded(context, [event], now), enqueue);
                enqueue.assign({ nextCheckAt: now + context.housekeepingMs });
              }),
            },
            TICKS: {
              target: 'live',
              actions: enqueueActions(({ context, event, enqueue, system }) => {
                const now = systemNow(system);
                applyStep(liveFolded(context, event.ticks, now), enqueue);
                enqueue.assign({ nextCheckAt: now + context.housekeepingMs });
              }),
            },
          },
        },
      },
    },
    passivated: { type: 'final', description: 'Snapshot persisted; the runtime stops the actor.' },
    expired: { type: 'final', description: 'Instrument expired; final snapshot persisted.' },
  },
});

/** What `applyStep` needs of xstate's enqueuer. */
interface StepEnqueuer {
  (effect: SymbolCacheEffect): void;
  assign(changes: Partial<SymbolCacheContext>): void;
}

// Effects first, then the context change, as one step: the runtime's actions see the book
// already folded (it is mutated in place) and the counters as they were.
function applyStep(step: SymbolCacheStep, enqueue: StepEnqueuer): void {
  for (const effect of step.effects) enqueue(effect);
  enqueue.assign(step.changes);
}

/**
 * The lifecycle state of a symbolCache snapshot, flattened for queries and the dashboard.
 *
 * @example
 * symbolLifecycle(actor.getSnapshot()); // 'live'
 */
export function symbolLifecycle(snapshot: SnapshotFrom<typeof symbolCache>): SymbolLifecycle {
  if (snapshot.matches({ active: 'idle' })) return 'idle';
  if (snapshot.matches('active')) return 'live';
  return snapshot.value as Exclude<SymbolLifecycle, 'live' | 'idle'>;
}
