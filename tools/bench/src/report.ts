import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Figure } from './figure.js';
import { formatNumber as format } from './formatNumber.js';
import { workspaceRoot } from './workspaceRoot.js';

/**
 * Prints figures as a table and writes them to `bench-results/<suite>.json` at the
 * workspace root, where the bench tool collects them.
 *
 * @returns the path of the JSON file
 */
export async function reportFigures(suite: string, figures: readonly Figure[]): Promise<string> {
  const rows = figures.map((f) => ({
    figure: f.name,
    value: `${format(f.value)} ${f.unit}`,
    baseline: `${format(f.baseline)} ${f.unit} (${f.baselineName})`,
    ratio: f.ratio.toFixed(3),
    goal: f.goal ? `${f.goal.on} ${f.goal.op} ${f.goal.target}` : '',
    met: f.met === undefined ? '' : f.met ? 'yes' : 'NO',
  }));
  process.stdout.write(`\n${suite}\n${table(rows)}\n`);
  const dir = join(workspaceRoot(), 'bench-results');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${suite}.json`);
  const payload = {
    suite,
    node: process.version,
    measuredAt: new Date().toISOString(),
    figures,
  };
  await writeFile(file, `${JSON.stringify(payload, null, 2)}\n`);
  return file;
}

function table(rows: readonly Record<string, string>[]): string {
  const first = rows[0];
  if (!first) return '(no figures)';
  const keys = Object.keys(first);
  const width = keys.map((k) => Math.max(k.length, ...rows.map((r) => (r[k] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(width[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line(keys),
    line(width.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(keys.map((k) => r[k] ?? ''))),
  ].join('\n');
}
