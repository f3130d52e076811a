import type { ErrorEntry } from '@ballast/protocol';
import type {
  BreakerTransition,
  DeadLetterView,
  GatewayCounters,
  ReloadEvent,
  ServerMessage,
  SinkStatsView,
  WorkerSample,
  WorkerView,
} from '../../gateway/gatewayMessages.js';

/** What the overview shows; every list bounded like the gateway's history. */
export interface DashboardState {
  partitions: number | null;
  readonly workers: Map<string, WorkerView>;
  readonly samples: Map<string, WorkerSample[]>;
  errors: ErrorEntry[];
  deadLetters: DeadLetterView[];
  breakerTransitions: BreakerTransition[];
  reloads: ReloadEvent[];
  readonly sinks: Map<string, SinkStatsView>;
  gateway: GatewayCounters | null;
  /** Bumped when samples change: plots redraw only then. */
  samplesVersion: number;
}

/** Appends and keeps the last `max` items. */
function bounded<T>(list: T[], item: T, max: number): T[] {
  const next = list.length >= max ? list.slice(list.length - max + 1) : list.slice();
  next.push(item);
  return next;
}

/**
 * The page's copy of the cluster, built from the gateway's messages: a `hello` replaces it
 * (after every reconnect), the rest update it. Listeners are told once per animation frame
 * at most, however many messages arrived.
 *
 * @example
 * const store = new DashboardStore();
 * socket.onMessage((m) => store.apply(m));
 * store.subscribe(() => render());
 */
export class DashboardStore {
  readonly state: DashboardState = {
    partitions: null,
    workers: new Map(),
    samples: new Map(),
    errors: [],
    deadLetters: [],
    breakerTransitions: [],
    reloads: [],
    sinks: new Map(),
    gateway: null,
    samplesVersion: 0,
  };
  #limits = { samples: 300, events: 50 };
  readonly #listeners = new Set<() => void>();
  #scheduled = false;

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  apply(message: ServerMessage): void {
    const s = this.state;
    switch (message.type) {
      case 'hello': {
        this.#limits = message.limits;
        const h = message.history;
        s.partitions = message.partitions;
        s.workers.clear();
        for (const w of h.workers) s.workers.set(w.status.worker, w);
        s.samples.clear();
        for (const [id, list] of Object.entries(h.samples)) s.samples.set(id, [...list]);
        s.errors = [...h.errors];
        s.deadLetters = [...h.deadLetters];
        s.breakerTransitions = [...h.breakerTransitions];
        s.reloads = [...h.reloads];
        s.sinks.clear();
        for (const sink of h.sinks) s.sinks.set(sink.id, sink);
        s.gateway = message.gateway;
        s.samplesVersion++;
        break;
      }
      case 'worker': {
        const id = message.worker.status.worker;
        s.workers.set(id, message.worker);
        s.samples.set(id, bounded(s.samples.get(id) ?? [], message.sample, this.#limits.samples));
        s.samplesVersion++;
        break;
      }
      case 'workerGone':
        s.workers.delete(message.worker);
        s.samples.delete(message.worker);
        s.samplesVersion++;
        break;
      case 'error':
        s.errors = bounded(s.errors, message.entry, this.#limits.events);
        break;
      case 'deadLetter':
        s.deadLetters = bounded(s.deadLetters, message.letter, this.#limits.events);
        break;
      case 'breaker':
        s.breakerTransitions = bounded(
          s.breakerTransitions,
          message.transition,
          this.#limits.events,
        );
        break;
      case 'reload':
        s.reloads = bounded(s.reloads, message.event, this.#limits.events);
        break;
      case 'sink':
        s.sinks.set(message.stats.id, message.stats);
        break;
      case 'gateway':
        s.gateway = message.counters;
        break;
      default:
        return; // candles and replies are for the pages that asked
    }
    this.#schedule();
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    requestAnimationFrame(() => {
      this.#scheduled = false;
      for (const listener of this.#listeners) listener();
    });
  }
}
