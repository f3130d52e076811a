import type { DocumentedMachine } from '../src/diagram/machineDoc.js';
import { circuitBreaker, reloader, supervisor, symbolCache } from '../src/index.js';

/**
 * Machines whose pages `writeDiagrams.ts` writes to `docs/<name>.md` and the docs test checks.
 * Add a machine here to document it.
 */
export const documentedMachines: readonly DocumentedMachine[] = [
  { name: 'circuitBreaker', machine: circuitBreaker },
  { name: 'reloader', machine: reloader },
  { name: 'supervisor', machine: supervisor },
  { name: 'symbolCache', machine: symbolCache },
];
