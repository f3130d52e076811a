// `pnpm test:chaos`: runs the reliability scenarios against real processes, prints the summary
// table and writes docs/reliability.md and docs/reliability.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineInfo } from '@ballast/bench';
import { type ReliabilityReport, renderMarkdown, renderTable } from './report/renderReport.js';
import { allScenarios } from './scenarios/allScenarios.js';
import type { ScenarioRow, ScenarioSize } from './scenarioTypes.js';

const usage = `usage: chaos [--full | --ci] [--only <id>[,<id>...]] [--write | --no-write]
  --full        the published sizes (20 kills, 100,000 malformed messages, 60 s outages)
  --ci          the test suite's sizes (default)
  --only        scenarios by id: ${allScenarios.map((s) => s.id).join(', ')}
  --write       write docs/reliability.md and .json (default with --full)`;

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      full: { type: 'boolean' },
      ci: { type: 'boolean' },
      only: { type: 'string' },
      write: { type: 'boolean' },
      'no-write': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const size: ScenarioSize = values.full ? 'full' : 'ci';
  const only = values.only?.split(',').map((id) => id.trim());
  const unknown = only?.filter((id) => !allScenarios.some((s) => s.id === id)) ?? [];
  if (unknown.length > 0) {
    process.stderr.write(`chaos: unknown scenario ${unknown.join(', ')}\n${usage}\n`);
    return 2;
  }
  const write = values['no-write'] ? false : (values.write ?? size === 'full');
  const machine = await machineInfo(repoRoot);
  // Read before the first scenario adds its own: what else was running skews every figure.
  const loadAtStart = Math.round((loadavg()[0] ?? 0) * 100) / 100;
  const started = Date.now();
  const rows: ScenarioRow[] = [];
  for (const scenario of allScenarios.filter((s) => only === undefined || only.includes(s.id))) {
    process.stderr.write(`\n== ${scenario.title} (${size})\n`);
    const t0 = performance.now();
    const log = (line: string) => process.stderr.write(`   ${line}\n`);
    try {
      rows.push(await scenario.run({ size, log }));
    } catch (error) {
      rows.push(failedRow(scenario.title, size, error, performance.now() - t0));
    }
    const row = rows.at(-1) as ScenarioRow;
    for (const check of row.checks.filter((c) => !c.ok)) {
      log(`FAILED ${check.name}: ${check.detail.slice(0, 1_000)}`);
    }
    log(
      `${row.checks.every((c) => c.ok) ? 'passed' : 'FAILED'} in ${(row.durationMs / 1_000).toFixed(0)} s`,
    );
  }
  process.stdout.write(`\n${renderTable(rows)}`);
  const report: ReliabilityReport = {
    v: 2,
    generatedAt: new Date(started).toISOString(),
    size,
    durationMs: Date.now() - started,
    machine,
    loadAtStart,
    rows,
  };
  if (write) {
    const docs = join(repoRoot, 'docs');
    await mkdir(docs, { recursive: true });
    await writeFile(join(docs, 'reliability.md'), renderMarkdown(report));
    await writeFile(join(docs, 'reliability.json'), `${JSON.stringify(report, null, 2)}\n`);
    process.stderr.write(`wrote ${join(docs, 'reliability.md')} and reliability.json\n`);
  }
  return rows.every((r) => r.checks.every((c) => c.ok)) ? 0 : 1;
}

function failedRow(title: string, size: ScenarioSize, error: unknown, ms: number): ScenarioRow {
  return {
    scenario: title.toLowerCase(),
    size,
    faults: '—',
    faultsInjected: 0,
    events: 0,
    lost: null,
    appliedTwice: null,
    silentSymbols: 0,
    maxRssMb: null,
    recoveryP50Ms: null,
    recoveryP99Ms: null,
    notes: [],
    checks: [
      {
        name: 'the scenario ran to its end',
        ok: false,
        detail: error instanceof Error ? (error.stack ?? error.message) : String(error),
      },
    ],
    durationMs: Math.round(ms),
  };
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`chaos: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
