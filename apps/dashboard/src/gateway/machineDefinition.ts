/** One state of a {@link StatechartDefinition}. */
export interface StatechartState {
  /** The state's path joined with `.`, e.g. `active.live`: unique in the machine. */
  readonly id: string;
  /** The last part of the path, e.g. `live`. */
  readonly key: string;
  /** The parent's id; `null` for a top-level state. */
  readonly parent: string | null;
  readonly type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  /** For a compound state: the id of its initial child. */
  readonly initial: string | null;
  readonly description: string | null;
  /** Ids of the actors the state invokes while it is active. */
  readonly invokes: readonly string[];
}

/** One transition of a {@link StatechartDefinition}. */
export interface StatechartTransition {
  /** The state declaring it; `null` when declared on the machine itself (any state). */
  readonly source: string | null;
  /** The event type as xstate names it (`xstate.after.1000...`, `''` for `always`). */
  readonly eventType: string;
  /** The event as people read it: `after 1000ms`, `done(reload)`, `always`. */
  readonly event: string;
  /** Target state ids; empty for a transition that stays (actions only). */
  readonly targets: readonly string[];
  readonly guard: string | null;
  /** Exits and re-enters the source even when the target is the source. */
  readonly reenter: boolean;
}

/** A machine's statechart as plain JSON: what the dashboard lays out and draws. */
export interface StatechartDefinition {
  readonly id: string;
  readonly description: string | null;
  /** Id of the top-level initial state. */
  readonly initial: string | null;
  /** Every state, parents before children, in declaration order. */
  readonly states: readonly StatechartState[];
  readonly transitions: readonly StatechartTransition[];
}

/** The parts of an xstate v5 state node this module reads (`machine.root` and below). */
interface StateNodeLike {
  readonly key: string;
  readonly path: readonly string[];
  readonly type: StatechartState['type'];
  readonly description?: string | undefined;
  readonly initial?: { readonly target: readonly { readonly path: readonly string[] }[] };
  readonly states: Readonly<Record<string, StateNodeLike>>;
  readonly transitions: ReadonlyMap<string, readonly TransitionLike[]>;
  readonly always?: readonly TransitionLike[] | undefined;
  readonly invoke: readonly { readonly id: string }[];
}

interface TransitionLike {
  readonly eventType: string;
  readonly target?: readonly { readonly path: readonly string[] }[] | undefined;
  readonly guard?: unknown;
  readonly reenter?: boolean;
}

/** What {@link machineDefinition} needs of an xstate v5 machine. */
export interface MachineLike {
  readonly id: string;
  readonly root: StateNodeLike;
}

/**
 * Serializes an xstate v5 machine's resolved definition (`machine.root`) to a JSON statechart:
 * states with their parents, initial children and invoked actors, and every transition with
 * its event, guard and targets. Actions are left out: the chart shows structure, and inline
 * action functions have no stable names.
 *
 * @param machine - any xstate v5 machine, e.g. `symbolCache` from @ballast/machines
 * @returns plain data: `JSON.parse(JSON.stringify(d))` equals `d`
 * @example
 * machineDefinition(symbolCache).states.map((s) => s.id);
 * // ['hydrating', 'active', 'active.live', 'active.idle', 'passivated', 'expired']
 */
export function machineDefinition(machine: MachineLike): StatechartDefinition {
  const states: StatechartState[] = [];
  const transitions: StatechartTransition[] = [];
  collectTransitions(machine.root, null, transitions);
  for (const child of Object.values(machine.root.states)) collect(child, states, transitions);
  return {
    id: machine.id,
    description: machine.root.description ?? null,
    initial: initialOf(machine.root),
    states,
    transitions,
  };
}

function collect(
  node: StateNodeLike,
  states: StatechartState[],
  transitions: StatechartTransition[],
): void {
  const id = pathId(node.path);
  states.push({
    id,
    key: node.key,
    parent: node.path.length > 1 ? pathId(node.path.slice(0, -1)) : null,
    type: node.type,
    initial: initialOf(node),
    description: node.description ?? null,
    invokes: node.invoke.map((invoke) => invoke.id),
  });
  collectTransitions(node, id, transitions);
  for (const child of Object.values(node.states)) collect(child, states, transitions);
}

function collectTransitions(
  node: StateNodeLike,
  source: string | null,
  out: StatechartTransition[],
): void {
  const all = [...[...node.transitions.values()].flat(), ...(node.always ?? [])];
  for (const t of all) {
    out.push({
      source,
      eventType: t.eventType,
      event: eventLabel(t.eventType),
      targets: (t.target ?? []).map((target) => pathId(target.path)),
      guard: guardLabel(t.guard),
      reenter: t.reenter === true,
    });
  }
}

function initialOf(node: StateNodeLike): string | null {
  if (node.type !== 'compound') return null;
  const target = node.initial?.target[0];
  return target === undefined ? null : pathId(target.path);
}

function pathId(path: readonly string[]): string {
  return path.join('.');
}

const doneActor = 'xstate.done.actor.';
const errorActor = 'xstate.error.actor.';
const after = 'xstate.after.';

/** `xstate.done.actor.reload` -> `done(reload)`, `xstate.after.1000.x` -> `after 1000ms`. */
function eventLabel(eventType: string): string {
  if (eventType === '') return 'always';
  if (eventType.startsWith(doneActor)) return `done(${eventType.slice(doneActor.length)})`;
  if (eventType.startsWith(errorActor)) return `error(${eventType.slice(errorActor.length)})`;
  if (eventType.startsWith(after)) {
    const delay = eventType.slice(after.length).split('.')[0] ?? '';
    return /^\d+$/.test(delay) ? `after ${delay}ms` : `after ${delay}`;
  }
  return eventType;
}

// Named guards are strings or `{ type }` objects; inline ones are functions.
function guardLabel(guard: unknown): string | null {
  if (guard === undefined || guard === null) return null;
  if (typeof guard === 'string') return guard;
  const type = (guard as { type?: unknown }).type;
  if (typeof type === 'string') return type.replace(/^xstate\./, '');
  if (typeof guard === 'function') return guard.name || 'guard';
  return 'guard';
}
