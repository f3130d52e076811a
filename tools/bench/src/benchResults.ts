import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Figure, Goal } from './figure.js';

/** One suite's file, as {@link reportFigures} writes it to `bench-results/<suite>.json`. */
export interface SuiteResults {
  readonly suite: string;
  readonly node: string;
  readonly measuredAt: string;
  readonly figures: readonly Figure[];
}

/** One line of `docs/bench/results.json`: a figure with its suite, in plain JSON. */
export interface ResultEntry {
  readonly suite: string;
  readonly name: string;
  /** `null` when the measurement was not a finite number. */
  readonly value: number | null;
  readonly unit: string;
  readonly baseline: number | null;
  readonly baselineName: string;
  readonly ratio: number | null;
  readonly goal: Goal | null;
  /** `null` without a goal. */
  readonly met: boolean | null;
  readonly measuredAt: string;
}

/** Suites in layer order (the package graph's); others follow by name, the soak last. */
const suiteOrder = ['protocol', 'streams', 'machines', 'runtime'];

/**
 * Reads every `<suite>.json` in a results directory, checking each is a suite file.
 *
 * @returns the suites in layer order; empty when the directory has none
 * @throws {Error} naming the file that is not a suite's figures
 * @example
 * const suites = await readBenchResults('/work/main/bench-results');
 */
export async function readBenchResults(dir: string): Promise<SuiteResults[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const suites: SuiteResults[] = [];
  for (const name of names) {
    const file = join(dir, name);
    suites.push(parseSuiteResults(JSON.parse(await readFile(file, 'utf8')), file));
  }
  return sortSuites(suites);
}

/**
 * Checks that parsed JSON is a suite's figures (from `reportFigures` or the soak).
 *
 * @param where - named in the error
 * @throws {Error} when a field is missing or of the wrong type
 * @example
 * parseSuiteResults(JSON.parse(text), 'bench-results/streams.json');
 */
export function parseSuiteResults(json: unknown, where: string): SuiteResults {
  const fail = (what: string): never => {
    throw new Error(`${where}: ${what}; expected a suite file as reportFigures() writes it`);
  };
  if (typeof json !== 'object' || json === null) return fail('not an object');
  const o = json as Record<string, unknown>;
  if (typeof o.suite !== 'string') return fail('no "suite" string');
  if (!Array.isArray(o.figures)) return fail('no "figures" array');
  o.figures.forEach((f: unknown, i) => {
    const figure = f as Record<string, unknown> | null;
    for (const key of ['name', 'unit', 'baselineName'] as const) {
      if (typeof figure?.[key] !== 'string') fail(`figures[${i}].${key} is not a string`);
    }
    // NaN and Infinity were written as null by JSON.stringify.
    for (const key of ['value', 'baseline', 'ratio'] as const) {
      const v = figure?.[key];
      if (typeof v !== 'number' && v !== null) fail(`figures[${i}].${key} is not a number`);
    }
  });
  return {
    suite: o.suite,
    node: typeof o.node === 'string' ? o.node : 'unknown',
    measuredAt: typeof o.measuredAt === 'string' ? o.measuredAt : 'unknown',
    figures: (o.figures as Record<string, unknown>[]).map((f) => ({
      ...(f as unknown as Figure),
      value: numberOrNaN(f.value),
      baseline: numberOrNaN(f.baseline),
      ratio: numberOrNaN(f.ratio),
    })),
  };
}

/**
 * The entries of `docs/bench/results.json`, one per figure.
 *
 * @example
 * resultEntries(suites)[0]; // { suite: 'protocol', name: 'tick encode+decode ...', ratio: 0.94, ... }
 */
export function resultEntries(suites: readonly SuiteResults[]): ResultEntry[] {
  return suites.flatMap((s) =>
    s.figures.map((f) => ({
      suite: s.suite,
      name: f.name,
      value: finiteOrNull(f.value),
      unit: f.unit,
      baseline: finiteOrNull(f.baseline),
      baselineName: f.baselineName,
      ratio: finiteOrNull(f.ratio),
      goal: f.goal ?? null,
      met: f.met ?? null,
      measuredAt: s.measuredAt,
    })),
  );
}

/**
 * Suites in layer order, unknown ones after them by name; a later suite of the same name
 * replaces an earlier one.
 */
export function sortSuites(suites: readonly SuiteResults[]): SuiteResults[] {
  const byName = new Map(suites.map((s) => [s.suite, s]));
  const rank = (name: string) => {
    if (name === 'soak') return suiteOrder.length + 1;
    const i = suiteOrder.indexOf(name);
    return i === -1 ? suiteOrder.length : i;
  };
  return [...byName.values()].sort(
    (a, b) => rank(a.suite) - rank(b.suite) || a.suite.localeCompare(b.suite),
  );
}

function numberOrNaN(v: unknown): number {
  return typeof v === 'number' ? v : Number.NaN;
}

function finiteOrNull(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}
