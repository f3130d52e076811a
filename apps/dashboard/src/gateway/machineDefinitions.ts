import { circuitBreaker, reloader, supervisor, symbolCache } from '@ballast/machines';
import type { MachineName } from './gatewayMessages.js';
import {
  type MachineLike,
  machineDefinition,
  type StatechartDefinition,
} from './machineDefinition.js';

const machines: Readonly<Record<MachineName, MachineLike>> = {
  symbolCache,
  circuitBreaker,
  reloader,
  supervisor,
};

// Definitions never change while the process runs: serialize each once.
const cache = new Map<MachineName, StatechartDefinition>();

/**
 * The JSON statechart of one of Ballast's machines (from @ballast/machines).
 *
 * @example
 * definitionOf('circuitBreaker').states.map((s) => s.id); // ['CLOSED', 'OPEN', 'OPEN.cooling', ...]
 */
export function definitionOf(name: MachineName): StatechartDefinition {
  let definition = cache.get(name);
  if (definition === undefined) {
    definition = machineDefinition(machines[name]);
    cache.set(name, definition);
  }
  return definition;
}
