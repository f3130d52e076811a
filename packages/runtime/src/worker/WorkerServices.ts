import type { CandleClosedParams } from '@ballast/machines';
import {
  type ControlMessage,
  controlSubjects,
  deadLetterFor,
  decodeControl,
} from '@ballast/protocol';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { InstrumentRegistry } from '../instruments/InstrumentRegistry.js';
import type { Logger } from '../logger.js';
import type { BreakerStateCode } from '../metrics/metricsSource.js';
import type { SystemReporter } from '../report/SystemReporter.js';
import { CandleSink } from '../sink/CandleSink.js';
import type { Topology } from '../topology.js';
import type { ResolvedWorkerOptions } from './workerOptions.js';

/** What {@link WorkerServices} needs. */
export interface WorkerServicesOptions {
  readonly nc: NatsConnection;
  readonly topology: Topology;
  readonly options: ResolvedWorkerOptions;
  readonly reporter: SystemReporter;
  readonly log: Logger;
  /** Instruments removed from the registry or expired: passivate their actors. */
  readonly onRemoved: (symbols: readonly string[]) => void;
}

/**
 * The worker's stateful services beside the fold: the candle sink with its circuit breaker,
 * the instrument registry with its reloader (both restored from their persisted state), and
 * the control subjects that steer them (`ctl.breaker.<name>`, `ctl.reload`).
 *
 * @example
 * const services = await WorkerServices.start({ nc, topology, options, reporter, log, onRemoved });
 * services.offer(closedCandle);
 */
export class WorkerServices {
  readonly sink: CandleSink;
  readonly registry: InstrumentRegistry;
  readonly #subscriptions: Subscription[] = [];
  readonly #reporter: SystemReporter;

  private constructor(sink: CandleSink, registry: InstrumentRegistry, reporter: SystemReporter) {
    this.sink = sink;
    this.registry = registry;
    this.#reporter = reporter;
  }

  /** Restores the breaker and the registry, then listens for control messages. */
  static async start(o: WorkerServicesOptions): Promise<WorkerServices> {
    const state = { kv: o.topology.snapshots, workerId: o.options.workerId };
    const s = o.options.sink;
    const sink = await CandleSink.start({
      nc: o.nc,
      state,
      log: o.log,
      ...(s.queueCapacity !== undefined && { capacity: s.queueCapacity }),
      ...(s.concurrency !== undefined && { concurrency: s.concurrency }),
      ...(s.timeoutMs !== undefined && { requestTimeoutMs: s.timeoutMs }),
      breaker: {
        ...(s.failureThreshold !== undefined && { failureThreshold: s.failureThreshold }),
        ...(s.resetTimeoutMs !== undefined && { resetTimeoutMs: s.resetTimeoutMs }),
      },
    });
    const registry = new InstrumentRegistry({
      kv: o.topology.instruments,
      state,
      log: o.log,
      onChange: ({ removed, expired }) => {
        if (removed.length + expired.length > 0) o.onRemoved([...removed, ...expired]);
      },
    });
    try {
      await registry.start();
    } catch (error) {
      await sink.stop();
      throw error;
    }
    const services = new WorkerServices(sink, registry, o.reporter);
    services.#listen(o.nc);
    return services;
  }

  /** Hands a closed candle to the sink; never waits. */
  offer(closed: CandleClosedParams): void {
    this.sink.offer(closed);
  }

  /** When an instrument expires (ms), `null` when never or unknown. */
  expiresAt(symbol: string): number | null {
    return this.registry.expiresAt(symbol) ?? null;
  }

  /** Removes expired instruments from the view (the janitor's task); returns how many. */
  expireInstruments(now: number): number {
    return this.registry.expireNow(now);
  }

  /** Query handlers for `actor.breaker.<name>.query` and `actor.reloader.<worker>.query`. */
  queryHandlers(workerId: string): Readonly<Record<string, (id: string) => object | undefined>> {
    return {
      breaker: (id) => {
        if (id !== this.sink.name) return undefined;
        const snapshot = this.sink.breakerSnapshot();
        return {
          v: 1,
          kind: 'breaker',
          id,
          worker: workerId,
          state: snapshot.value,
          context: snapshot.context,
        };
      },
      reloader: (id) => {
        if (id !== workerId) return undefined;
        const snapshot = this.registry.reloaderSnapshot();
        return {
          v: 1,
          kind: 'reloader',
          id,
          worker: workerId,
          state: snapshot.value,
          context: snapshot.context,
          instruments: this.registry.size,
        };
      },
    };
  }

  /** Breaker states by name: 0 CLOSED, 1 OPEN, 2 HALF_OPEN. */
  breakerStates(): Record<string, BreakerStateCode> {
    return { [this.sink.name]: this.sink.breakerState };
  }

  async stop(): Promise<void> {
    for (const sub of this.#subscriptions) sub.unsubscribe();
    await this.registry.stop();
    await this.sink.stop();
  }

  #listen(nc: NatsConnection): void {
    const control = (subject: string, handle: (message: ControlMessage) => void) =>
      nc.subscribe(subject, {
        callback: (_, msg) => {
          try {
            handle(decodeControl(msg.data, { subject: msg.subject }));
          } catch (error) {
            this.#reporter.deadLetter(
              deadLetterFor(error, { subject: msg.subject, payload: msg.data, at: Date.now() }),
            );
          }
        },
      });
    this.#subscriptions.push(
      control(`ctl.breaker.${this.sink.name}`, (message) => {
        if (message.type !== 'breaker')
          throw new TypeError(`expected a breaker command, got ${message.type}`);
        if (message.action === 'reset') this.sink.reset();
        else this.sink.isolate();
      }),
      control(controlSubjects.reload, () => this.registry.trigger()),
    );
  }
}
