import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type {
  StatechartDefinition,
  StatechartState,
  StatechartTransition,
} from '../../gateway/machineDefinition.js';

/** What a state's box shows besides its name: events it handles without leaving. */
export interface StateBox {
  readonly state: StatechartState;
  /** `TICK`, `TRIGGER ↺` (re-entered), at most {@link maxInternalLines} lines. */
  readonly internal: readonly string[];
}

/** The ELK input graph of a statechart and what the renderer needs beside it. */
export interface StatechartGraph {
  readonly elk: ElkNode;
  readonly boxes: ReadonlyMap<string, StateBox>;
  /** Edge id -> its label lines. */
  readonly edgeLabels: ReadonlyMap<string, readonly string[]>;
  /** Events handled the same way in every state (root transitions without a target). */
  readonly anyState: readonly string[];
}

const maxInternalLines = 4;
const charWidth = 7;
const lineHeight = 14;
/** Prefix of initial pseudo-state node ids: `⊙` is not a character state keys use. */
export const initialPrefix = '⊙';

/**
 * Turns a JSON statechart into an ELK layered graph (top-down, compound states as nested
 * nodes, edges across levels) with sizes estimated from the text. Transitions are drawn the
 * way they act:
 * - one declared on the machine applies in every top-level state that does not handle the
 *   event itself (as xstate resolves it), so it is drawn from each of them;
 * - one declared on a compound state and targeting its own child applies from each child;
 * - one without target, or back to its own source, is listed inside the box instead of drawn;
 * - transitions with the same source and target share one edge with a line per event.
 *
 * @example
 * const graph = statechartGraph(definition);
 * const laid = await new ELK().layout(graph.elk);
 */
export function statechartGraph(definition: StatechartDefinition): StatechartGraph {
  const children = new Map<string | null, StatechartState[]>();
  for (const s of definition.states) {
    const list = children.get(s.parent) ?? [];
    list.push(s);
    children.set(s.parent, list);
  }
  const handles = new Map<string, Set<string>>();
  for (const t of definition.transitions) {
    if (t.source === null) continue;
    const set = handles.get(t.source) ?? new Set();
    set.add(t.eventType);
    handles.set(t.source, set);
  }
  const internal = new Map<string, string[]>();
  const anyState: string[] = [];
  const edgeLines = new Map<string, string[]>();
  const addInternal = (source: string, line: string) => {
    const list = internal.get(source) ?? [];
    if (!list.includes(line)) list.push(line);
    internal.set(source, list);
  };
  const addEdge = (source: string, target: string, t: StatechartTransition) => {
    const key = `${source}->${target}`;
    const lines = edgeLines.get(key) ?? [];
    const line = label(t);
    if (!lines.includes(line)) lines.push(line);
    edgeLines.set(key, lines);
  };
  const isDescendant = (id: string, ancestor: string) => id.startsWith(`${ancestor}.`);

  for (const t of definition.transitions) {
    const sources =
      t.source === null
        ? (children.get(null) ?? [])
            .filter((s) => s.type !== 'final' && !handles.get(s.id)?.has(t.eventType))
            .map((s) => s.id)
        : [t.source];
    if (t.targets.length === 0) {
      if (t.source === null) anyState.push(label(t));
      else addInternal(t.source, label(t));
      continue;
    }
    for (const target of t.targets) {
      for (const source of sources) {
        if (target === source) {
          addInternal(source, `${label(t)} ↺`);
        } else if (isDescendant(target, source)) {
          for (const child of children.get(source) ?? []) {
            if (handles.get(child.id)?.has(t.eventType)) continue;
            if (child.id === target) addInternal(child.id, `${label(t)} ↺`);
            else addEdge(child.id, target, t);
          }
        } else {
          addEdge(source, target, t);
        }
      }
    }
  }

  const boxes = new Map<string, StateBox>();
  const edges: ElkExtendedEdge[] = [];
  const edgeLabels = new Map<string, string[]>();
  let n = 0;
  for (const [key, lines] of edgeLines) {
    const [source, target] = key.split('->') as [string, string];
    const id = `e${n++}`;
    edgeLabels.set(id, lines);
    edges.push({
      id,
      sources: [source],
      targets: [target],
      labels: [
        {
          text: lines.join('\n'),
          width: Math.max(...lines.map((l) => l.length)) * charWidth + 6,
          height: lines.length * lineHeight + 2,
        },
      ],
    });
  }

  const nodeOf = (state: StatechartState): ElkNode => {
    const lines = internal.get(state.id) ?? [];
    const shown =
      lines.length > maxInternalLines
        ? [...lines.slice(0, maxInternalLines - 1), `+${lines.length - maxInternalLines + 1} more`]
        : lines;
    boxes.set(state.id, { state, internal: shown });
    const kids = children.get(state.id) ?? [];
    const width = Math.max(state.key.length * 8.5, ...shown.map((l) => l.length * 6.2)) + 28;
    if (kids.length === 0) {
      return { id: state.id, width, height: 34 + shown.length * lineHeight };
    }
    const header = 30 + shown.length * lineHeight;
    return {
      id: state.id,
      layoutOptions: { 'elk.padding': `[top=${header},left=16,bottom=16,right=16]` },
      children: withInitial(state.id, state.initial, kids.map(nodeOf), edges),
    };
  };

  const top = (children.get(null) ?? []).map(nodeOf);
  return {
    elk: {
      id: '',
      layoutOptions: {
        'elk.algorithm': 'layered',
        'elk.direction': 'DOWN',
        'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
        'elk.json.edgeCoords': 'ROOT',
        'elk.json.shapeCoords': 'ROOT',
        'elk.layered.spacing.nodeNodeBetweenLayers': '44',
        'elk.spacing.nodeNode': '36',
        'elk.spacing.edgeLabel': '4',
        'elk.edgeRouting': 'ORTHOGONAL',
        'elk.padding': '[top=16,left=16,bottom=16,right=16]',
      },
      children: withInitial(null, definition.initial, top, edges),
      edges,
    },
    boxes,
    edgeLabels,
    anyState,
  };
}

/** Adds the initial pseudo-state of a level (a dot) and its edge to the initial child. */
function withInitial(
  parent: string | null,
  initial: string | null,
  nodes: ElkNode[],
  edges: ElkExtendedEdge[],
): ElkNode[] {
  if (initial === null) return nodes;
  const id = `${initialPrefix}${parent ?? ''}`;
  edges.push({ id: `${id}->${initial}`, sources: [id], targets: [initial] });
  return [{ id, width: 12, height: 12 }, ...nodes];
}

function label(t: StatechartTransition): string {
  return t.guard === null ? t.event : `${t.event} [${t.guard}]`;
}
