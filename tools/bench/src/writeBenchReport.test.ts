import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSuiteResults, type ResultEntry, readBenchResults } from './benchResults.js';
import type { MachineInfo } from './machineInfo.js';
import { workspaceRoot } from './workspaceRoot.js';
import { writeBenchReport } from './writeBenchReport.js';

// The repository's own formatter (a root devDependency), run as `pnpm lint` runs it.
const biome = join(
  createRequire(import.meta.url).resolve('@biomejs/biome/package.json'),
  '..',
  'bin',
  'biome',
);

const fixtures = fileURLToPath(new URL('../test/fixtures/results', import.meta.url));
const machine: MachineInfo = {
  cpuModel: 'Test CPU',
  cores: 2,
  ramBytes: 24 * 2 ** 30,
  os: 'Linux 6.1 (linux)',
  node: 'v20.20.2',
  natsServer: '2.9.10',
  gitCommit: 'abc1234',
  date: '2026-11-23T20:00:00.000Z',
};

describe('readBenchResults', () => {
  it('reads every suite file in layer order, NaN where JSON has null', async () => {
    const suites = await readBenchResults(fixtures);
    expect(suites.map((s) => s.suite)).toEqual(['protocol', 'streams', 'runtime']);
    const latency = suites[2]?.figures[1];
    expect(latency?.value).toBeNaN();
    expect(latency?.baseline).toBe(2.5);
  });

  it('returns nothing for a missing directory', async () => {
    expect(await readBenchResults(join(fixtures, 'missing'))).toEqual([]);
  });

  it('names the file and the field of a malformed suite', () => {
    expect(() => parseSuiteResults({ suite: 'x', figures: [{ name: 'a' }] }, 'x.json')).toThrow(
      /x\.json: figures\[0\]\.unit is not a string/,
    );
    expect(() => parseSuiteResults([], 'y.json')).toThrow(/y\.json: no "suite" string/);
  });
});

describe('writeBenchReport', () => {
  let docs: string;
  beforeEach(async () => {
    docs = await mkdtemp(join(tmpdir(), 'bench-report-'));
  });
  afterEach(async () => {
    await rm(docs, { recursive: true, force: true });
  });

  it('writes one results.json entry per figure and a Markdown table per suite', async () => {
    const report = await writeBenchReport({
      root: docs,
      resultsDir: fixtures,
      docsDir: docs,
      machine,
    });
    expect(report).toMatchObject({ suites: 3, figures: 7 });
    const json = JSON.parse(await readFile(join(docs, 'bench', 'results.json'), 'utf8')) as {
      machine: MachineInfo;
      figures: ResultEntry[];
    };
    expect(json.machine).toEqual(machine);
    expect(json.figures).toHaveLength(7);
    expect(json.figures[3]).toEqual({
      suite: 'streams',
      name: 'CandleWindow bytes per held candle',
      value: 56.32752,
      unit: 'B',
      baseline: 179.48624,
      baselineName: 'array of candle objects',
      ratio: 0.31382639694274056,
      goal: { on: 'value', op: '<=', target: 60 },
      met: true,
      measuredAt: '2026-11-23T15:48:17.708Z',
    });
    expect(json.figures[0]).toMatchObject({ suite: 'protocol', goal: null, met: null });
    expect(json.figures[6]).toMatchObject({ value: null, ratio: null });

    const md = await readFile(join(docs, 'benchmarks.md'), 'utf8');
    for (const heading of ['## Machine', '## protocol', '## streams', '## runtime']) {
      expect(md).toContain(heading);
    }
    // Cells are padded to the column's width, as Biome lays tables out.
    const row = (...cells: string[]) => new RegExp(`^\\| ${cells.join(' +\\| +')} +\\|$`, 'm');
    expect(md).toMatch(row('CPU', 'Test CPU, 2 cores'));
    expect(md).toMatch(row('nats-server', '2.9.10'));
    expect(md).toMatch(row('commit', 'abc1234'));
    expect(md).toMatch(
      row(
        'CandleWindow bytes per held candle',
        '56.33 B',
        '179 B \\(array of candle objects\\)',
        '0.314',
        'value ≤ 60',
        'yes',
      ),
    );
    // A pipe in a name is escaped, not a new column; a missed goal is listed in the summary.
    expect(md).toMatch(/^\| latency \\\| p99 +\|/m);
    expect(md).toContain('7 figures, 3 with a goal: 2 met, 1 missed.');
    expect(md).toContain('- missed: **runtime** ingest: 200k ticks');
  });

  it('writes Markdown that Biome leaves as it is (pnpm lint checks docs/)', async () => {
    await writeBenchReport({ root: docs, resultsDir: fixtures, docsDir: docs, machine });
    const md = await readFile(join(docs, 'benchmarks.md'), 'utf8');
    const formatted = execFileSync(
      process.execPath,
      [biome, 'format', '--stdin-file-path=benchmarks.md'],
      {
        cwd: workspaceRoot(),
        input: md,
        encoding: 'utf8',
      },
    );
    expect(formatted).toBe(md);
  });

  it('adds the last soak and its plots when the soak wrote them', async () => {
    await mkdir(join(docs, 'bench'), { recursive: true });
    const soak = {
      suite: 'soak',
      measuredAt: '2026-11-23T18:00:00.000Z',
      figures: [
        {
          name: 'w1 RSS slope after warm-up',
          unit: 'MiB/h',
          value: 0.4,
          baselineName: 'naive fold of the same feed, RSS',
          baseline: 80,
          ratio: 0.005,
          goal: { on: 'value', op: '<=', target: 1 },
          met: true,
        },
      ],
    };
    await writeFile(join(docs, 'bench', 'soak.json'), JSON.stringify(soak));
    await writeFile(join(docs, 'bench', 'soak.svg'), '<svg/>');
    await writeBenchReport({ root: docs, resultsDir: fixtures, docsDir: docs, machine });
    const md = await readFile(join(docs, 'benchmarks.md'), 'utf8');
    expect(md).toContain('## soak');
    expect(md).toContain('![bench/soak.svg](bench/soak.svg)');
    expect(md).not.toContain('soak-naive.svg');
    const json = JSON.parse(await readFile(join(docs, 'bench', 'results.json'), 'utf8')) as {
      figures: ResultEntry[];
    };
    expect(json.figures.at(-1)).toMatchObject({ suite: 'soak', value: 0.4, met: true });
  });

  it('fails when no suite has run', async () => {
    await expect(
      writeBenchReport({ root: docs, resultsDir: join(docs, 'none'), docsDir: docs, machine }),
    ).rejects.toThrow(/no benchmark results .* run the suites first/);
  });
});
