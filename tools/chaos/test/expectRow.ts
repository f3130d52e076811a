import { expect } from 'vitest';
import type { ScenarioRow } from '../src/scenarioTypes.js';

/** Asserts every invariant of a row: its checks, nothing lost, nothing applied twice. */
export function expectRowHolds(row: ScenarioRow): void {
  process.stdout.write(`${JSON.stringify(row, null, 2)}\n`);
  const failed = row.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
  expect(failed).toEqual([]);
  expect(row.checks.length).toBeGreaterThan(0);
  expect(row.silentSymbols).toBe(0);
  if (row.lost !== null) expect(row.lost).toBe(0);
  if (row.appliedTwice !== null) expect(row.appliedTwice).toBe(0);
}
