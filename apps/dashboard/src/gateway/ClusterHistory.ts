import type { ErrorEntry } from '@ballast/protocol';
import type { WorkerStatus } from '@ballast/runtime';
import { breakerLabel } from './breakerLabel.js';
import type {
  BreakerTransition,
  DeadLetterView,
  HistorySnapshot,
  ReloadEvent,
  SinkStatsView,
  WorkerSample,
  WorkerView,
} from './gatewayMessages.js';
import { Ring } from './Ring.js';

/** Bounds of a {@link ClusterHistory}. */
export interface HistoryLimits {
  /** Samples kept per worker for the plots (one per announcement, every 2 s). */
  readonly samplesPerWorker: number;
  /** Errors, dead letters, breaker transitions and reloads kept, each. */
  readonly events: number;
  /** Workers tracked at once; announcements of more are counted and ignored. */
  readonly maxWorkers: number;
  /** A worker silent this long is forgotten with its samples. */
  readonly forgetAfterMs: number;
  /** Sinks tracked at once (by their `sys.sink` id). */
  readonly maxSinks: number;
}

/** What one announcement changed: the view to broadcast and derived breaker transitions. */
export interface WorkerUpdate {
  readonly worker: WorkerView;
  readonly sample: WorkerSample;
  readonly transitions: readonly BreakerTransition[];
}

interface TrackedWorker {
  view: WorkerView;
  readonly samples: Ring<WorkerSample>;
}

/**
 * The gateway's memory of the cluster, bounded at insert everywhere: the latest status and
 * last samples per worker, the last errors, dead letters, breaker transitions (derived from
 * consecutive announcements) and reloads, and the latest stats per sink. A page opened late
 * starts from {@link ClusterHistory.snapshot}.
 *
 * @example
 * const history = new ClusterHistory(limits);
 * const update = history.onWorkerStatus(status, Date.now());
 * if (update) broadcast({ type: 'worker', worker: update.worker, sample: update.sample });
 */
export class ClusterHistory {
  /** Announcements ignored because `maxWorkers` were tracked already. */
  workersOverflow = 0;
  readonly #limits: HistoryLimits;
  readonly #workers = new Map<string, TrackedWorker>();
  readonly #errors: Ring<ErrorEntry>;
  readonly #deadLetters: Ring<DeadLetterView>;
  readonly #transitions: Ring<BreakerTransition>;
  readonly #reloads: Ring<ReloadEvent>;
  readonly #sinks = new Map<string, SinkStatsView>();

  constructor(limits: HistoryLimits) {
    this.#limits = limits;
    this.#errors = new Ring(limits.events);
    this.#deadLetters = new Ring(limits.events);
    this.#transitions = new Ring(limits.events);
    this.#reloads = new Ring(limits.events);
  }

  /**
   * Takes a worker's announcement: its rate from the previous one (a restarted worker counts
   * from zero again), a sample, and a transition for every breaker whose state changed.
   *
   * @returns null when the worker is new and `maxWorkers` are tracked already
   */
  onWorkerStatus(status: WorkerStatus, now: number): WorkerUpdate | null {
    const tracked = this.#workers.get(status.worker);
    if (tracked === undefined && this.#workers.size >= this.#limits.maxWorkers) {
      this.workersOverflow++;
      return null;
    }
    const previous = tracked?.view;
    let ticksPerSecond = previous?.ticksPerSecond ?? 0;
    if (previous !== undefined && status.at > previous.status.at) {
      const folded = status.ticksFolded - previous.status.ticksFolded;
      ticksPerSecond = folded >= 0 ? (folded * 1_000) / (status.at - previous.status.at) : 0;
    }
    const transitions: BreakerTransition[] = [];
    if (previous !== undefined) {
      for (const [breaker, code] of Object.entries(status.breakers)) {
        const before = previous.status.breakers[breaker];
        if (before === undefined || before === code) continue;
        const transition = {
          at: status.at,
          worker: status.worker,
          breaker,
          from: breakerLabel(before),
          to: breakerLabel(code),
        };
        this.#transitions.push(transition);
        transitions.push(transition);
      }
    }
    const view: WorkerView = {
      status,
      ticksPerSecond,
      passivatedActors: previous?.passivatedActors ?? null,
      seenAt: now,
    };
    const sample: WorkerSample = {
      at: status.at,
      ticksPerSecond,
      rss: status.rss,
      heapUsed: status.heapUsed,
      lag: status.lag,
      liveActors: status.liveActors,
    };
    const samples = tracked?.samples ?? new Ring<WorkerSample>(this.#limits.samplesPerWorker);
    samples.push(sample);
    this.#workers.set(status.worker, { view, samples });
    return { worker: view, sample, transitions };
  }

  /** Records a worker's passivation count (from its metrics); the next broadcast carries it. */
  setPassivated(worker: string, passivated: number): void {
    const tracked = this.#workers.get(worker);
    if (tracked !== undefined) tracked.view = { ...tracked.view, passivatedActors: passivated };
  }

  onError(entry: ErrorEntry): void {
    this.#errors.push(entry);
  }

  onDeadLetter(letter: DeadLetterView): void {
    this.#deadLetters.push(letter);
  }

  onReload(event: ReloadEvent): void {
    this.#reloads.push(event);
  }

  /** @returns false when the sink is new and `maxSinks` are tracked already */
  onSink(stats: SinkStatsView): boolean {
    if (!this.#sinks.has(stats.id) && this.#sinks.size >= this.#limits.maxSinks) return false;
    this.#sinks.set(stats.id, stats);
    return true;
  }

  /** Forgets workers and sinks silent for `forgetAfterMs`; returns the workers forgotten. */
  expire(now: number): string[] {
    const gone: string[] = [];
    for (const [id, tracked] of this.#workers) {
      if (now - tracked.view.seenAt > this.#limits.forgetAfterMs) {
        this.#workers.delete(id);
        gone.push(id);
      }
    }
    for (const [id, stats] of this.#sinks) {
      if (now - stats.at > this.#limits.forgetAfterMs) this.#sinks.delete(id);
    }
    return gone;
  }

  /** Ids and metrics URLs of the workers tracked now. */
  workers(): { readonly id: string; readonly httpUrl: string | null }[] {
    return [...this.#workers.values()].map(({ view }) => ({
      id: view.status.worker,
      httpUrl: view.status.httpUrl,
    }));
  }

  snapshot(): HistorySnapshot {
    const samples: Record<string, WorkerSample[]> = {};
    const workers: WorkerView[] = [];
    for (const [id, tracked] of this.#workers) {
      workers.push(tracked.view);
      samples[id] = tracked.samples.toArray();
    }
    workers.sort((a, b) => a.status.worker.localeCompare(b.status.worker));
    return {
      workers,
      samples,
      errors: this.#errors.toArray(),
      deadLetters: this.#deadLetters.toArray(),
      breakerTransitions: this.#transitions.toArray(),
      reloads: this.#reloads.toArray(),
      sinks: [...this.#sinks.values()],
    };
  }
}
