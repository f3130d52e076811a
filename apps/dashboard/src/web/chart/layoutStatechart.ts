import type { ElkNode, ElkPoint } from 'elkjs/lib/elk-api.js';
import type { StatechartDefinition } from '../../gateway/machineDefinition.js';
import { initialPrefix, type StateBox, statechartGraph } from './statechartGraph.js';

/** A state's box, placed (absolute coordinates). */
interface PlacedState extends StateBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly depth: number;
}

/** An edge, routed: its polyline and label box. */
interface PlacedEdge {
  readonly id: string;
  readonly points: readonly ElkPoint[];
  readonly lines: readonly string[];
  readonly label: { readonly x: number; readonly y: number } | null;
}

/** A statechart ready to draw. */
export interface StatechartLayout {
  readonly width: number;
  readonly height: number;
  readonly states: readonly PlacedState[];
  readonly initials: readonly { readonly x: number; readonly y: number }[];
  readonly edges: readonly PlacedEdge[];
  readonly anyState: readonly string[];
}

// elkjs is ~1.4 MB: loaded on the first statechart, not with the overview.
let elk: Promise<{ layout(graph: ElkNode): Promise<ElkNode> }> | null = null;

/**
 * Lays a statechart out with ELK's layered algorithm, in the browser, offline.
 *
 * @example
 * const layout = await layoutStatechart(await socket.request({ type: 'definition', machine: 'symbolCache' }));
 */
export async function layoutStatechart(
  definition: StatechartDefinition,
): Promise<StatechartLayout> {
  elk ??= import('elkjs/lib/elk.bundled.js').then(({ default: ELK }) => new ELK());
  const graph = statechartGraph(definition);
  const laid = await (await elk).layout(graph.elk);
  const states: PlacedState[] = [];
  const initials: { x: number; y: number }[] = [];
  const walk = (node: ElkNode, depth: number) => {
    for (const child of node.children ?? []) {
      const x = child.x ?? 0;
      const y = child.y ?? 0;
      if (child.id.startsWith(initialPrefix)) {
        initials.push({ x: x + (child.width ?? 0) / 2, y: y + (child.height ?? 0) / 2 });
        continue;
      }
      const box = graph.boxes.get(child.id);
      if (box !== undefined) {
        states.push({ ...box, x, y, width: child.width ?? 0, height: child.height ?? 0, depth });
      }
      walk(child, depth + 1);
    }
  };
  walk(laid, 0);
  const edges: PlacedEdge[] = [];
  for (const edge of laid.edges ?? []) {
    const points: ElkPoint[] = [];
    for (const section of edge.sections ?? []) {
      points.push(section.startPoint, ...(section.bendPoints ?? []), section.endPoint);
    }
    const label = edge.labels?.[0];
    edges.push({
      id: edge.id,
      points,
      lines: graph.edgeLabels.get(edge.id) ?? [],
      label: label === undefined ? null : { x: label.x ?? 0, y: label.y ?? 0 },
    });
  }
  return {
    width: laid.width ?? 0,
    height: laid.height ?? 0,
    states,
    initials,
    edges,
    anyState: graph.anyState,
  };
}
