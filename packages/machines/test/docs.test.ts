import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { StateMachine } from 'xstate';
import { documentedMachines } from '../scripts/documentedMachines.js';
import { renderMachineDoc } from '../src/diagram/machineDoc.js';
import * as api from '../src/index.js';

describe('machine docs', () => {
  it.each(documentedMachines.map((doc) => [doc.name, doc] as const))(
    'docs/%s.md matches the machine definition (run `pnpm --filter @ballast/machines run docs` to refresh)',
    async (name, doc) => {
      const checkedIn = await readFile(new URL(`../docs/${name}.md`, import.meta.url), 'utf8');
      expect(checkedIn).toBe(renderMachineDoc(doc));
    },
  );

  it('documents every machine the package exports', () => {
    const exported = Object.entries(api)
      .filter(([, value]) => value instanceof StateMachine)
      .map(([name]) => name);
    expect(exported.length).toBeGreaterThanOrEqual(3);
    expect(documentedMachines.map((doc) => doc.name).sort()).toEqual(exported.sort());
  });
});
