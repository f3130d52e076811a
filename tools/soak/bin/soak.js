#!/usr/bin/env node
// `pnpm soak --minutes N`: runs `ballast up` with symbol churn for N minutes, samples every
// process's memory, then the naive fold of the same feed; writes docs/soak.md,
// docs/bench/soak.svg, docs/bench/soak-naive.svg and docs/bench/soak.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { machineInfo, workspaceRoot } from '@ballast/bench';
import { runSoak, soakDefaults, soakFigures, writeSoakReport } from '../dist/index.js';

const d = soakDefaults;
const usage = `usage: pnpm soak [options]   (node tools/soak/bin/soak.js [options])

  --minutes <n>         how long the cluster runs (default ${d.minutes}; the goal is judged at 30)
  --symbols <n>         symbols the feed simulates (default ${d.symbols})
  --rate <n>            feed rate, ticks/s (default ${d.rate})
  --max-live <n>        live actors per worker (default ${d.maxLive})
  --workers <n>         worker processes (default ${d.workers})
  --seed <n>            feed seed (default ${d.seed})
  --sample-every <s>    seconds between samples (default ${d.sampleEveryMs / 1_000})
  --warmup <fraction>   share of the run left out of the slope (default ${d.warmupFraction})
  --naive-seconds <s>   how long the naive fold runs; 0 skips it (default ${d.naiveSeconds})
  --naive-limit-mb <n>  RSS (MiB) at which the naive fold is killed (default ${d.naiveRssLimitBytes / 1024 ** 2})
  --data-dir <dir>      keep the cluster's data here (default: a temp dir, removed)
  --docs <dir>          where soak.md and bench/ go (default <repo>/docs)
  -h, --help            this help`;

function fail(message) {
  console.error(`soak: ${message}\n\n${usage}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      minutes: { type: 'string' },
      symbols: { type: 'string' },
      rate: { type: 'string' },
      'max-live': { type: 'string' },
      workers: { type: 'string' },
      seed: { type: 'string' },
      'sample-every': { type: 'string' },
      warmup: { type: 'string' },
      'naive-seconds': { type: 'string' },
      'naive-limit-mb': { type: 'string' },
      'data-dir': { type: 'string' },
      docs: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  fail(error.message);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}

const number = (name, fallback, { min = 0, integer = false } = {}) => {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
    fail(`--${name} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got "${raw}"`);
  }
  return n;
};

const options = {
  minutes: number('minutes', d.minutes, { min: 0.5 }),
  symbols: number('symbols', d.symbols, { min: 1, integer: true }),
  rate: number('rate', d.rate, { min: 1 }),
  maxLive: number('max-live', d.maxLive, { min: 1, integer: true }),
  workers: number('workers', d.workers, { min: 1, integer: true }),
  seed: number('seed', d.seed, { integer: true }),
  sampleEveryMs: number('sample-every', d.sampleEveryMs / 1_000, { min: 0.5 }) * 1_000,
  warmupFraction: number('warmup', d.warmupFraction),
  naiveSeconds: number('naive-seconds', d.naiveSeconds),
  naiveRssLimitBytes:
    number('naive-limit-mb', d.naiveRssLimitBytes / 1024 ** 2, { min: 1 }) * 1024 ** 2,
  ...(values['data-dir'] && { dataDir: resolve(values['data-dir']) }),
  log: (line) => console.error(line),
};
if (options.warmupFraction >= 1) fail('--warmup must be below 1');

const root = workspaceRoot();
const docsDir = values.docs ? resolve(values.docs) : join(root, 'docs');
try {
  const result = await runSoak(options);
  const files = await writeSoakReport(result, { docsDir, machine: await machineInfo(root) });
  // The raw samples, for anyone who wants to plot them differently (gitignored). In a
  // subdirectory: bench-results/*.json are the suites' figures, which bench-report reads.
  const rawDir = join(root, 'bench-results', 'raw');
  await mkdir(rawDir, { recursive: true });
  await writeFile(join(rawDir, 'soak-samples.json'), `${JSON.stringify(result)}\n`);
  const figures = soakFigures(result);
  for (const f of figures) {
    const met = f.met === undefined ? '' : f.met ? '  (goal met)' : '  (goal MISSED)';
    console.log(
      `${f.name}: ${f.value.toFixed(2)} ${f.unit} vs ${f.baselineName} ${f.baseline.toFixed(2)}${met}`,
    );
  }
  console.log(`soak: wrote ${files.markdown}, ${files.json}, ${files.plots.join(', ')}`);
  if (result.stop.leftovers.length > 0 || !result.stop.clean) {
    console.error(
      `soak: the cluster did not stop cleanly (${result.stop.leftovers.length} processes left)`,
    );
    process.exitCode = 1;
  }
  if (figures.some((f) => f.met === false)) process.exitCode = 1;
} catch (error) {
  console.error(`soak: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
}
