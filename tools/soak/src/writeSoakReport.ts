import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  figureTable,
  type MachineInfo,
  markdownTable,
  type PlotSeries,
  svgLinePlot,
} from '@ballast/bench';
import type { ProcessSeries, SoakResult } from './runSoak.js';
import { rssSlopeGoalMibPerHour, soakFigures } from './soakFigures.js';

/** Where {@link writeSoakReport} writes, and what it records about the machine. */
export interface SoakReportOptions {
  /** The docs dir: `soak.md` there, plots and `soak.json` in `bench/` below it. */
  readonly docsDir: string;
  readonly machine: MachineInfo;
}

/** The files written. */
export interface SoakReportFiles {
  readonly markdown: string;
  readonly json: string;
  readonly plots: readonly string[];
}

const MiB = 1024 * 1024;

/**
 * Writes the soak's report: `docs/soak.md` (settings, figures, per-process table, method),
 * `docs/bench/soak.svg` (RSS of every process and heap of every worker over time),
 * `docs/bench/soak-naive.svg` (the naive fold's RSS next to the workers', against hours of
 * the same feed) and `docs/bench/soak.json` (the figures, as `docs/bench/results.json` holds
 * them; `pnpm bench` adds them to docs/benchmarks.md).
 *
 * @example
 * await writeSoakReport(result, { docsDir: 'docs', machine: await machineInfo('.') });
 */
export async function writeSoakReport(
  result: SoakResult,
  options: SoakReportOptions,
): Promise<SoakReportFiles> {
  const benchDir = join(options.docsDir, 'bench');
  await mkdir(benchDir, { recursive: true });
  const figures = soakFigures(result);
  const plots = ['bench/soak.svg', ...(result.naive ? ['bench/soak-naive.svg'] : [])];
  await writeFile(join(options.docsDir, plots[0] as string), memoryPlot(result));
  if (result.naive)
    await writeFile(join(options.docsDir, 'bench/soak-naive.svg'), naivePlot(result));
  const json = join(benchDir, 'soak.json');
  // Objects only, no arrays of numbers: Biome would re-wrap those and fail CI.
  const payload = {
    suite: 'soak',
    node: process.version,
    measuredAt: result.startedAt,
    machine: options.machine,
    options: result.options,
    seconds: result.seconds,
    ticksFolded: result.ticksFolded,
    stop: { ...result.stop, leftovers: result.stop.leftovers.length },
    processes: result.series.map(processSummary(result)),
    naive: result.naive && {
      stoppedBy: result.naive.run.stoppedBy,
      seconds: result.naive.run.seconds,
      ticks: result.naive.run.samples.at(-1)?.ticks ?? 0,
      lastRssMib: (result.naive.run.samples.at(-1)?.rss ?? 0) / MiB,
      rssMibPerMillionTicks: result.naive.rssPerMillionTicks.slope,
      heapMibPerMillionTicks: result.naive.heapPerMillionTicks.slope,
      foldRate: result.naive.foldRate,
      rssMibPerHour: result.naive.rssMibPerHour,
      rssMibPerFeedHour: result.naive.rssMibPerFeedHour,
    },
    figures,
  };
  await writeFile(json, `${JSON.stringify(payload, null, 2)}\n`);
  const markdown = join(options.docsDir, 'soak.md');
  await writeFile(markdown, soakMarkdown(result, options.machine, figures, plots));
  return { markdown, json, plots: plots.map((p) => join(options.docsDir, p)) };
}

function processSummary(result: SoakResult) {
  return (s: ProcessSeries) => {
    const trend = result.workers.find((w) => w.name === s.name);
    const first = s.samples[0];
    const last = s.samples[s.samples.length - 1];
    return {
      name: s.name,
      role: s.role,
      restarts: s.restarts,
      samples: s.samples.length,
      firstRssMib: (first?.rss ?? 0) / MiB,
      lastRssMib: (last?.rss ?? 0) / MiB,
      maxRssMib: Math.max(0, ...s.samples.map((p) => p.rss)) / MiB,
      ...(trend && {
        rssMibPerHour: trend.rss.slope,
        rssResidualMib: trend.rss.residualSd,
        heapMibPerHour: trend.heap.slope,
        maxLiveActors: trend.maxLiveActors,
        hydrations: trend.hydrations,
        passivations: trend.passivations,
      }),
    };
  };
}

function memoryPlot(result: SoakResult): string {
  const minutes = (seconds: number) => seconds / 60;
  const series: PlotSeries[] = result.series.map((s) => ({
    name: `${s.name} RSS`,
    points: s.samples.map((p) => ({ x: minutes(p.seconds), y: p.rss / MiB })),
  }));
  for (const s of result.series.filter((x) => x.role === 'worker')) {
    series.push({
      name: `${s.name} heap used`,
      dashed: true,
      points: s.samples.flatMap((p) =>
        p.heapUsed === undefined ? [] : [{ x: minutes(p.seconds), y: p.heapUsed / MiB }],
      ),
    });
  }
  const o = result.options;
  return svgLinePlot({
    title: `Soak: ${o.symbols} symbols through ${o.maxLive} live actors per worker, ${o.rate} ticks/s`,
    xLabel: 'minutes',
    yLabel: 'MiB',
    series,
    markers: [{ x: minutes(result.seconds * o.warmupFraction), label: 'end of warm-up' }],
  });
}

function naivePlot(result: SoakResult): string {
  const naive = result.naive;
  const series: PlotSeries[] = [
    {
      name: 'naive fold',
      points: (naive?.run.samples ?? []).map((s) => ({ x: s.ticks / 1e6, y: s.rss / MiB })),
    },
    ...result.series
      .filter((s) => s.role === 'worker')
      .map((s) => ({
        name: `Ballast ${s.name}`,
        points: s.samples.flatMap((p) =>
          p.ticksFolded === undefined ? [] : [{ x: p.ticksFolded / 1e6, y: p.rss / MiB }],
        ),
      })),
  ];
  return svgLinePlot({
    title: 'Naive fold (Map of candle-object arrays) vs Ballast workers, same feed',
    xLabel: 'million ticks folded (the naive fold runs the feed compressed in time)',
    yLabel: 'RSS, MiB',
    series,
    markers: [{ x: result.ticksFolded / 1e6, label: 'end of the soak' }],
  });
}

function soakMarkdown(
  result: SoakResult,
  machine: MachineInfo,
  figures: ReturnType<typeof soakFigures>,
  plots: readonly string[],
): string {
  const o = result.options;
  const naive = result.naive;
  const mib = (bytes: number | undefined) => ((bytes ?? 0) / MiB).toFixed(0);
  const rows = result.series.map((s) => {
    const trend = result.workers.find((w) => w.name === s.name);
    const first = s.samples[0];
    const last = s.samples[s.samples.length - 1];
    return [
      s.name,
      s.role,
      mib(first?.rss),
      mib(last?.rss),
      trend ? `${trend.rss.slope.toFixed(2)} ± ${trend.rss.slopeStdError.toFixed(2)}` : '',
      trend ? trend.rss.residualSd.toFixed(1) : '',
      trend ? trend.heap.slope.toFixed(2) : '',
      trend ? String(trend.maxLiveActors) : '',
      trend ? count(trend.passivations) : '',
      String(s.restarts),
    ];
  });
  const lastNaive = naive?.run.samples.at(-1);
  const lines = [
    '# Soak',
    '',
    '<!-- Generated by `pnpm soak` (tools/soak); do not edit by hand. -->',
    '',
    `\`pnpm soak --minutes ${fmt(o.minutes)} --symbols ${o.symbols} --rate ${o.rate} --max-live ${o.maxLive} --workers ${o.workers}\`,`,
    `started ${result.startedAt} on ${machine.cpuModel} (${machine.cores} cores), Node ${machine.node}, nats-server ${machine.natsServer}, commit ${machine.gitCommit}.`,
    '',
    '## What it does',
    '',
    `It runs the local cluster through the real CLI (\`ballast up\`): nats-server, ${o.workers} workers, the simulated feed at ${o.rate} ticks/s over ${o.symbols} symbols and the sink. Each worker may keep ${o.maxLive} symbol actors live, so symbols keep churning through passivation (snapshot, stop) and hydration (snapshot + replay). Every ${o.sampleEveryMs / 1_000} s it reads the RSS of every process from \`/proc/<pid>/status\` (from outside, as the kernel charges it) and each worker's heap and live actors from its \`sys.workers\` announcement. The slope is an ordinary least-squares fit of RSS against time, leaving out the first ${Math.round(o.warmupFraction * 100)} % of the run (warm-up: JIT, pools, windows filling). At the end it stops the cluster with SIGINT, as Ctrl-C would, and checks that no process is left.`,
    '',
    `**Result:** ${result.stop.leftovers.length === 0 ? 'no process left' : `${result.stop.leftovers.length} processes left`} after SIGINT (\`ballast up\` exited ${result.stop.exitCode ?? result.stop.signal} in ${result.stop.seconds.toFixed(1)} s); ${result.ticksFolded.toLocaleString('en-US')} ticks folded in ${(result.seconds / 60).toFixed(1)} minutes (${Math.round(result.ticksFolded / result.seconds).toLocaleString('en-US')} ticks/s on average; the feed aims at ${o.rate} and falls behind when the machine cannot keep up — the log keeps what is not folded yet).`,
    '',
    '## Figures',
    '',
    ...figureTable(figures),
    '',
    '## Processes',
    '',
    ...markdownTable(
      [
        { title: 'process' },
        { title: 'role' },
        { title: 'first RSS MiB', align: 'right' },
        { title: 'last RSS MiB', align: 'right' },
        { title: 'RSS slope MiB/h ± SE', align: 'right' },
        { title: 'RSS residual SD MiB', align: 'right' },
        { title: 'heap slope MiB/h', align: 'right' },
        { title: 'most live actors', align: 'right' },
        { title: 'passivations', align: 'right' },
        { title: 'restarts', align: 'right' },
      ],
      rows,
    ),
    '',
    noiseNote(result),
    '',
    ...plots.slice(0, 1).map((p) => `![soak memory](${p})`),
    '',
  ];
  if (naive && lastNaive) {
    const limitHours =
      naive.rssMibPerFeedHour > 0
        ? (o.naiveRssLimitBytes / MiB - lastNaive.rss / MiB) / naive.rssMibPerFeedHour +
          lastNaive.ticks / o.rate / 3_600
        : Number.NaN;
    lines.push(
      '## The baseline that fails',
      '',
      "The same feed (the CLI's `MarketSimulator`, same instruments and seed, tick _i_ stamped at start + _i_ / rate) folded the obvious way: a `Map` of symbol to arrays of candle objects per timeframe, no passivation, no bounds. It runs in a child process sampled the same way, as fast as it can, so a minute of it covers hours of the feed; it is killed after " +
        `${o.naiveSeconds} s or at ${(o.naiveRssLimitBytes / MiB).toFixed(0)} MiB RSS.`,
      '',
      `It folded ${lastNaive.ticks.toLocaleString('en-US')} ticks (${(lastNaive.ticks / o.rate / 3_600).toFixed(1)} hours of the feed) in ${naive.run.seconds.toFixed(0)} s and ended at ${mib(lastNaive.rss)} MiB RSS with ${lastNaive.candles.toLocaleString('en-US')} candle objects for ${lastNaive.symbols.toLocaleString('en-US')} symbols (stopped by ${naive.run.stoppedBy}). Its RSS grows ${naive.rssPerMillionTicks.slope.toFixed(2)} MiB per million ticks: **${naive.rssMibPerHour.toFixed(1)} MiB per hour** at the ${Math.round(naive.foldRate).toLocaleString('en-US')} ticks/s the workers actually folded during the soak (${naive.rssMibPerFeedHour.toFixed(1)} MiB per hour at the feed's nominal ${o.rate} ticks/s), against the workers' ${result.workers.map((w) => `${w.rss.slope.toFixed(2)} (${w.name})`).join(', ')} MiB per hour.${Number.isFinite(limitHours) ? ` At that rate it passes ${(o.naiveRssLimitBytes / MiB).toFixed(0)} MiB after ~${limitHours.toFixed(0)} hours of the feed, and keeps going until the process dies.` : ''}`,
      '',
      ...plots.slice(1).map((p) => `![naive fold against Ballast](${p})`),
      '',
    );
  }
  lines.push(
    '## Run it',
    '',
    '```sh',
    'pnpm soak --minutes 30                 # the figures above; --help for the settings',
    'pnpm --filter @ballast/soak test       # the 2-minute CI version',
    '```',
    '',
  );
  return `${lines.join('\n').trimEnd()}\n`;
}

/** What the fit can and cannot tell at this length and noise, in numbers. */
function noiseNote(result: SoakResult): string {
  const worst = Math.max(...result.workers.map((w) => w.rss.slopeStdError));
  const residual = Math.max(...result.workers.map((w) => w.rss.residualSd));
  if (!Number.isFinite(worst)) return '';
  const note = `How precise: a worker's RSS moves by ~${residual.toFixed(0)} MiB (residual SD) around the fitted line as V8 grows and returns heap pages, so the slopes carry a standard error of up to ${worst.toFixed(1)} MiB/h — a lower bound, since successive samples are not independent.`;
  return worst > rssSlopeGoalMibPerHour
    ? `${note} That is above the ${rssSlopeGoalMibPerHour} MiB/h goal: a run this long on this machine cannot tell a slope of ${rssSlopeGoalMibPerHour} MiB/h from zero; it rules out growth of a few times the standard error. The in-process leak tests (forced GC) resolve bytes per passivated actor instead: see the runtime figure in benchmarks.md.`
    : note;
}

function count(n: number): string {
  return Number.isFinite(n) ? n.toLocaleString('en-US') : '?';
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}
