import type { AnyActorRef, AnyMachineSnapshot } from 'xstate';
import type { SymbolActor } from '../actors/SymbolEntry.js';
import type { InspectSource, InspectSources, InspectTarget } from './inspectKinds.js';

/** What a worker hands the relay to find its actors. Read lazily, per selection. */
export interface WorkerInspectParts {
  readonly workerId: string;
  readonly host: () => {
    peek(symbol: string): { readonly actor: SymbolActor | null } | undefined;
    liveSymbolActors(): Iterable<[string, SymbolActor]>;
  };
  readonly supervisor: () => AnyActorRef;
  /** The candle sink's breaker: its name and its snapshot (the sink keeps the actor). */
  readonly breaker: () => { readonly name: string; snapshot(): AnyMachineSnapshot };
  /** The instrument registry's reloader snapshot (the registry keeps the actor). */
  readonly reloader: () => AnyMachineSnapshot;
}

/**
 * The inspection sources of a worker: its symbol actors (live ones, by symbol), its supervisor
 * (id = worker id), the candle sink's breaker (id = its name) and the reloader (id = worker
 * id). The breaker and the reloader are polled: their owners do not hand their actors out.
 *
 * @example
 * new InspectRelay({ nc, workerId, reporter, log, sources: workerInspectSources({ workerId, host: () => host, ... }) });
 */
export function workerInspectSources(parts: WorkerInspectParts): InspectSources {
  return {
    symbol: {
      find: (symbol) => {
        const actor = parts.host().peek(symbol)?.actor;
        return actor ? { actor } : undefined;
      },
      list: () => liveTargets(parts.host().liveSymbolActors()),
    },
    supervisor: single(parts.workerId, () => ({ actor: parts.supervisor() })),
    breaker: {
      find: (name) =>
        name === parts.breaker().name ? { poll: () => parts.breaker().snapshot() } : undefined,
      list: () => [[parts.breaker().name, { poll: () => parts.breaker().snapshot() }]],
    },
    reloader: single(parts.workerId, () => ({ poll: parts.reloader })),
  };
}

function single(id: string, target: () => InspectTarget): InspectSource {
  return {
    find: (wanted) => (wanted === id ? target() : undefined),
    list: () => [[id, target()]],
  };
}

function* liveTargets(
  actors: Iterable<[string, SymbolActor]>,
): IterableIterator<readonly [string, InspectTarget]> {
  for (const [symbol, actor] of actors) yield [symbol, { actor }];
}
