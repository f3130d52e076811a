import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import { actionLabel, eventLabel, guardLabel } from './describeTransition.js';

/** Options of {@link toMermaid}. */
export interface MermaidOptions {
  /** Put action names on transition labels (`EVENT [guard] / a, b`). Default true. */
  readonly actions?: boolean;
}

/**
 * Renders a machine's statechart as a mermaid `stateDiagram-v2`, from its resolved definition
 * (`machine.root`): states (compound ones as composite states) with their descriptions and
 * invoked actors, initial and final states, and every transition with its event, guard and
 * actions.
 *
 * Mermaid has no node for the machine itself, so a transition declared on the root (`on` at
 * the top of the config) is drawn from every top-level state that does not handle that event
 * itself — which is where it applies. Output is deterministic: same definition, same text.
 *
 * @param machine - any xstate v5 machine
 * @returns the diagram source, without a code fence
 * @example
 * writeFileSync('circuitBreaker.mmd', toMermaid(circuitBreaker));
 */
export function toMermaid(machine: AnyStateMachine, options: MermaidOptions = {}): string {
  const withActions = options.actions ?? true;
  const lines = ['stateDiagram-v2'];
  const root = machine.root;
  writeStates(root, lines, '  ');
  const edges: string[] = [];
  for (const node of descendants(root)) {
    for (const transition of transitionsOf(node)) {
      edges.push(...edgesOf(node, transition, withActions));
    }
  }
  for (const [eventType, transitions] of root.transitions) {
    for (const child of Object.values(root.states)) {
      if (child.transitions.has(eventType)) continue;
      for (const transition of transitions) edges.push(...edgesOf(child, transition, withActions));
    }
  }
  for (const edge of edges) lines.push(`  ${edge}`);
  return `${lines.join('\n')}\n`;
}

function writeStates(node: AnyStateNode, lines: string[], indent: string): void {
  const children = Object.values(node.states);
  if (children.length === 0) return;
  const initial = node.initial?.target[0];
  if (initial && node.type !== 'parallel') lines.push(`${indent}[*] --> ${idOf(initial)}`);
  for (const child of children) {
    const id = idOf(child);
    const named = id === child.key ? '' : `"${child.key}" as `;
    if (Object.keys(child.states).length > 0) {
      lines.push(`${indent}state ${named}${id} {`);
      writeStates(child, lines, `${indent}  `);
      lines.push(`${indent}}`);
    } else if (named) {
      lines.push(`${indent}state ${named}${id}`);
    }
    // Mermaid shows descriptions on simple states only; compound ones are described in the doc page.
    const simple = Object.keys(child.states).length === 0;
    if (simple && child.description) lines.push(`${indent}${id} : ${oneLine(child.description)}`);
    for (const invoke of child.invoke) {
      const src = typeof invoke.src === 'string' ? invoke.src : 'inline';
      lines.push(`${indent}${id} : invokes ${invoke.id} (${src})`);
    }
    if (child.type === 'final') lines.push(`${indent}${id} --> [*]`);
  }
}

// Mermaid reads ';' as a statement end and '#' as an entity start.
function oneLine(text: string): string {
  return text.replace(/;/g, ',').replace(/#/g, '').replace(/\s+/g, ' ').trim();
}

function descendants(node: AnyStateNode): AnyStateNode[] {
  return Object.values(node.states).flatMap((child) => [child, ...descendants(child)]);
}

function transitionsOf(node: AnyStateNode): AnyTransitionDefinition[] {
  return [...[...node.transitions.values()].flat(), ...(node.always ?? [])];
}

function edgesOf(
  source: AnyStateNode,
  transition: AnyTransitionDefinition,
  withActions: boolean,
): string[] {
  const guard = guardLabel(transition.guard);
  const actions = withActions ? transition.actions.map(actionLabel) : [];
  let label = eventLabel(transition.eventType);
  if (guard) label += ` [${guard}]`;
  if (actions.length > 0) label += ` / ${actions.join(', ')}`;
  if (transition.reenter) label += ' (re-enter)';
  label = oneLine(label);
  const targets = transition.target ?? [source];
  return targets.map((target) => `${idOf(source)} --> ${idOf(target)} : ${label}`);
}

// Mermaid ids are global: nested states get their path, joined with '__', as id.
function idOf(node: AnyStateNode): string {
  return node.path.map((part) => part.replace(/[^\w]/g, '_')).join('__');
}
