import type { AnyActorRef, AnyMachineSnapshot } from 'xstate';

/** The kinds of actor a worker can relay inspection events of. */
export const inspectKinds = ['symbol', 'breaker', 'reloader', 'supervisor'] as const;

/**
 * A kind of inspectable actor: `symbol` (id = the SYMBOL), `breaker` (id = the breaker's name,
 * e.g. `candleSink`), `reloader` and `supervisor` (id = the worker id).
 */
export type InspectKind = (typeof inspectKinds)[number];

/**
 * Whether `kind` names an {@link InspectKind}.
 *
 * @example
 * isInspectKind('breaker'); // true
 */
export function isInspectKind(kind: string): kind is InspectKind {
  return (inspectKinds as readonly string[]).includes(kind);
}

/**
 * How the relay reaches one actor: a running XState actor (its system's inspection events
 * are relayed as they happen), or only a snapshot getter for actors owned by a component that
 * does not hand its actor out (polled while selected; snapshot changes are relayed).
 */
export type InspectTarget =
  | { readonly actor: AnyActorRef }
  | { readonly poll: () => AnyMachineSnapshot };

/**
 * Where the relay finds the live actors of one kind on this worker. Called only when a
 * selection changes, never per event.
 *
 * @example
 * const symbols: InspectSource = {
 *   find: (symbol) => { const actor = host.peek(symbol)?.actor; return actor ? { actor } : undefined; },
 *   list: function* () { for (const [symbol, actor] of host.liveSymbolActors()) yield [symbol, { actor }]; },
 * };
 */
export interface InspectSource {
  /** The live actor with this id, if this worker hosts it. */
  find(id: string): InspectTarget | undefined;
  /** Every live actor of the kind (the relay stops reading at its bound). */
  list(): Iterable<readonly [string, InspectTarget]>;
}

/** The sources of a worker, by kind; a missing kind has nothing to inspect here. */
export type InspectSources = Readonly<Partial<Record<InspectKind, InspectSource>>>;
