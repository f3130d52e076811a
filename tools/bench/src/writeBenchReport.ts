import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderBenchMarkdown } from './benchMarkdown.js';
import { parseSuiteResults, readBenchResults, resultEntries } from './benchResults.js';
import { type MachineInfo, machineInfo } from './machineInfo.js';

/** Options of {@link writeBenchReport}. */
export interface BenchReportOptions {
  /** The workspace root: `bench-results/` is read and `docs/` written under it. */
  readonly root: string;
  /** Default `<root>/bench-results`. */
  readonly resultsDir?: string;
  /** Default `<root>/docs`. */
  readonly docsDir?: string;
  /** Default: read from this machine ({@link machineInfo}). */
  readonly machine?: MachineInfo;
}

/** What {@link writeBenchReport} wrote. */
export interface BenchReport {
  readonly markdown: string;
  readonly json: string;
  readonly suites: number;
  readonly figures: number;
}

/** Plots of the soak, relative to docs/, shown when the soak wrote them. */
const soakPlots = ['bench/soak.svg', 'bench/soak-naive.svg'];

/**
 * Collects every suite's `bench-results/<suite>.json` (and the last soak's
 * `docs/bench/soak.json`) into `docs/benchmarks.md` and `docs/bench/results.json`.
 *
 * @throws {Error} when there are no results: run the suites first (`pnpm bench` does)
 * @example
 * await writeBenchReport({ root: workspaceRoot() });
 */
export async function writeBenchReport(options: BenchReportOptions): Promise<BenchReport> {
  const resultsDir = options.resultsDir ?? join(options.root, 'bench-results');
  const docsDir = options.docsDir ?? join(options.root, 'docs');
  const suites = await readBenchResults(resultsDir);
  if (suites.length === 0) {
    throw new Error(`no benchmark results in ${resultsDir}: run the suites first (pnpm bench)`);
  }
  const soakFile = join(docsDir, 'bench', 'soak.json');
  const soak = existsSync(soakFile)
    ? {
        results: parseSuiteResults(JSON.parse(await readFile(soakFile, 'utf8')), soakFile),
        plots: soakPlots.filter((p) => existsSync(join(docsDir, p))),
      }
    : undefined;
  const machine = options.machine ?? (await machineInfo(options.root));
  await mkdir(join(docsDir, 'bench'), { recursive: true });
  const markdown = join(docsDir, 'benchmarks.md');
  const json = join(docsDir, 'bench', 'results.json');
  await writeFile(markdown, renderBenchMarkdown({ machine, suites, ...(soak && { soak }) }));
  const entries = resultEntries(soak ? [...suites, soak.results] : suites);
  // No arrays of numbers or strings here: Biome's formatter would re-wrap them and fail CI.
  await writeFile(json, `${JSON.stringify({ machine, figures: entries }, null, 2)}\n`);
  return { markdown, json, suites: suites.length, figures: entries.length };
}
