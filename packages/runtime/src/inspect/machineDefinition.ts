import { jsonSafe } from './jsonSafe.js';

// A machine config is code-sized, not data-sized: generous bounds that still stop a runaway.
const definitionLimits = { depth: 64, keys: 1_000, items: 1_000, chars: 4_096 } as const;

// One JSON string per machine: every symbol actor of a worker shares one logic object.
const cache = new WeakMap<object, string>();

/**
 * The `definition` of a Stately `@xstate.actor` event: the JSON string of the machine's
 * config (`logic.config`), with implementations written as `{ type: name }`; for logic with
 * no config (callback and promise actors) `{"id": name}`, as `@statelyai/inspect` does.
 * Computed once per logic object and cached.
 *
 * @example
 * JSON.parse(machineDefinition(symbolCache, 'symbolCache')).states.hydrating; // { description, on }
 */
export function machineDefinition(logic: unknown, name: string): string {
  if (typeof logic !== 'object' || logic === null) return JSON.stringify({ id: name });
  const cached = cache.get(logic);
  if (cached !== undefined) return cached;
  const config = (logic as { config?: unknown }).config;
  const definition =
    typeof config === 'object' && config !== null
      ? JSON.stringify(jsonSafe(config, definitionLimits))
      : JSON.stringify({ id: name });
  cache.set(logic, definition);
  return definition;
}
