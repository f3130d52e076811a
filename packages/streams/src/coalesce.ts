import {
  asyncScheduler,
  from,
  Observable,
  type ObservableInput,
  type OperatorFunction,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { durationOption } from './options.js';

/**
 * Counters of {@link coalesce}. Invariant: `triggers === runs + coalesced + (1 if a run is
 * owed but not started yet, else 0)`.
 *
 * @example
 * const counters = new CoalesceCounters();
 * changes$.pipe(coalesce({ debounceMs: 1000, minIntervalMs: 5000, task: reload, counters }));
 * metrics.set('reloads_coalesced', counters.coalesced);
 */
export class CoalesceCounters {
  /** Triggers received. */
  triggers = 0;
  /** Triggers folded into a run another trigger already asked for. */
  coalesced = 0;
  /** Runs started. */
  runs = 0;
}

/** Options of {@link coalesce}. */
export interface CoalesceOptions<TTrigger, TResult> {
  /** Quiet time after the last trigger before a run starts. */
  readonly debounceMs: number;
  /** Least time between the starts of two runs. */
  readonly minIntervalMs: number;
  /**
   * One run, given the latest trigger: an Observable factory or a promise function. Its values
   * are emitted downstream; its error errors the stream (catch inside the task to keep going).
   */
  readonly task: (trigger: TTrigger) => ObservableInput<TResult>;
  /** Where the timers run. Default `asyncScheduler`; tests pass a `TestScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Counters to write into. */
  readonly counters?: CoalesceCounters;
}

/**
 * Turns a stream of triggers (e.g. "the instrument registry changed") into runs of a task
 * (e.g. a reload) with these guarantees:
 *
 * - debounce: a run starts only after `debounceMs` without triggers;
 * - single flight: at most one run at a time;
 * - minimum interval: run starts are at least `minIntervalMs` apart;
 * - nothing lost, nothing piled up: a trigger that arrives during a run or a cooldown owes
 *   exactly one trailing run, however many more arrive; that run sees the latest trigger.
 *
 * `exhaustMap` would ignore a trigger during a run and lose the change it announced;
 * `concatMap` (or `mergeMap(fn, 1)`) would queue one run per trigger without bound; `debounceTime`
 * alone allows overlapping runs. State is one flag, two timestamps and one timer.
 *
 * The output completes when the source has completed and no run is running or owed.
 *
 * @param options - timings, the task, scheduler and counters
 * @returns an operator emitting the task's results
 * @example
 * kv.watch('instruments.>').pipe(
 *   coalesce({ debounceMs: 1000, minIntervalMs: 5000, task: () => reloadInstruments() }),
 * ).subscribe((report) => log.info(report));
 */
export function coalesce<TTrigger, TResult>(
  options: CoalesceOptions<TTrigger, TResult>,
): OperatorFunction<TTrigger, TResult> {
  const debounceMs = durationOption('debounceMs', options.debounceMs);
  const minIntervalMs = durationOption('minIntervalMs', options.minIntervalMs);
  const scheduler = options.scheduler ?? asyncScheduler;
  const { task } = options;
  const counters = options.counters ?? new CoalesceCounters();
  return (source) =>
    new Observable<TResult>((subscriber) => {
      let owed = false;
      let latest: TTrigger | undefined;
      let running = false;
      let sourceDone = false;
      let lastTriggerAt = Number.NEGATIVE_INFINITY;
      let lastStartAt = Number.NEGATIVE_INFINITY;
      let timer: Subscription | null = null;

      const dueIn = (): number =>
        Math.max(lastTriggerAt + debounceMs, lastStartAt + minIntervalMs) - scheduler.now();

      // One timer at a time. A trigger during the wait does not reschedule it (which would
      // allocate a timer per trigger); when it fires early it re-arms for the remaining time,
      // as rxjs's debounceTime does.
      const arm = (): void => {
        if (timer === null && owed && !running) {
          timer = scheduler.schedule(fire, Math.max(0, dueIn()));
        }
      };

      const fire = (): void => {
        timer = null;
        if (subscriber.closed || !owed || running) return;
        if (dueIn() > 0) {
          arm();
          return;
        }
        start();
      };

      const start = (): void => {
        const trigger = latest as TTrigger;
        owed = false;
        latest = undefined;
        running = true;
        lastStartAt = scheduler.now();
        counters.runs++;
        let work: Observable<TResult>;
        try {
          // from() throws too, on a return value that is no ObservableInput.
          work = from(task(trigger));
        } catch (error) {
          subscriber.error(error);
          return;
        }
        const run = work.subscribe({
          next: (value) => subscriber.next(value),
          error: (error: unknown) => subscriber.error(error),
          complete: () => {
            running = false;
            if (owed) arm();
            else if (sourceDone) subscriber.complete();
          },
        });
        subscriber.add(run);
      };

      const upstream = source.subscribe({
        next: (trigger) => {
          if (subscriber.closed) return;
          counters.triggers++;
          if (owed) counters.coalesced++;
          owed = true;
          latest = trigger;
          lastTriggerAt = scheduler.now();
          arm();
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          sourceDone = true;
          if (!owed && !running) subscriber.complete();
        },
      });
      subscriber.add(upstream);

      return () => {
        timer?.unsubscribe();
        timer = null;
        latest = undefined;
      };
    });
}
