/**
 * Writes docs/<machine>.md — mermaid statechart and tables — for every documented machine,
 * generated from the machine definitions. Run: `pnpm --filter @ballast/machines run docs`.
 * test/docs.test.ts fails when a checked-in page differs from what this would write.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderMachineDoc } from '../src/diagram/machineDoc.js';
import { documentedMachines } from './documentedMachines.js';

const docsDir = fileURLToPath(new URL('../docs/', import.meta.url));

for (const doc of documentedMachines) {
  const file = `${docsDir}${doc.name}.md`;
  await writeFile(file, renderMachineDoc(doc));
  process.stdout.write(`wrote ${file}\n`);
}
