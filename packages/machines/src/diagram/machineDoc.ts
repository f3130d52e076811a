import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { eventLabel } from './describeTransition.js';
import { markdownTable } from './markdownTable.js';
import { toMermaid } from './toMermaid.js';

/** A machine to document and the prose that goes with its diagram. */
export interface DocumentedMachine {
  /** File name and heading, e.g. `'circuitBreaker'`. */
  readonly name: string;
  readonly machine: AnyStateMachine;
  /** One paragraph above the diagram; default the machine's own `description`. */
  readonly summary?: string;
}

/**
 * Renders a machine's documentation page: heading, summary, its mermaid diagram (see
 * {@link toMermaid}), its states, the events it accepts and the actors it invokes.
 * Deterministic, and already in the repository formatter's shape, so a test can assert the
 * checked-in page equals a fresh render.
 *
 * @example
 * writeFileSync('docs/reloader.md', renderMachineDoc({ name: 'reloader', machine: reloader }));
 */
export function renderMachineDoc(doc: DocumentedMachine): string {
  const root = doc.machine.root;
  const summary = doc.summary ?? root.description;
  const states = allStates(root);
  const events = [...new Set([root, ...states].flatMap((node) => node.ownEvents.map(eventLabel)))];
  const invokes = [root, ...states].flatMap((node) =>
    node.invoke.map((invoke) => [
      code(invoke.id),
      code(typeof invoke.src === 'string' ? invoke.src : 'inline'),
      code(node.path.join('.')),
    ]),
  );
  const lines = [
    '<!-- Generated from the machine definition by `pnpm --filter @ballast/machines run docs`; do not edit. -->',
    '',
    `# ${doc.name}`,
    '',
    ...(summary ? [summary, ''] : []),
    '```mermaid',
    toMermaid(doc.machine).trimEnd(),
    '```',
    '',
    '## States',
    '',
    ...markdownTable(
      ['state', 'description'],
      states.map((node) => [code(node.path.join('.')), node.description ?? '']),
    ),
    '',
    '## Events',
    '',
    ...events.sort().map((event) => `- ${code(event)}`),
    '',
  ];
  if (invokes.length > 0) {
    lines.push('## Invoked actors', '', ...markdownTable(['id', 'src', 'in state'], invokes), '');
  }
  return lines.join('\n');
}

function code(text: string): string {
  return `\`${text}\``;
}

function allStates(node: AnyStateNode): AnyStateNode[] {
  return Object.values(node.states).flatMap((child) => [child, ...allStates(child)]);
}
