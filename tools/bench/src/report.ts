import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Figure } from './figure.js';

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

function format(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (Math.abs(n) >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(Math.abs(n) >= 100 ? 0 : 2);
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

function workspaceRoot(): string {
  let dir = process.cwd();
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}
