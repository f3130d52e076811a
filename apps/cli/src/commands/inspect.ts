import { Command } from 'commander';
import { UsageError } from '../cli/CliError.js';
import { CommandRun } from '../cli/CommandRun.js';
import { commandConfig, flagParsers } from '../cli/commandConfig.js';
import { InspectBridge } from '../inspect/InspectBridge.js';
import {
  type InspectSelection,
  parseActorFlag,
  parseKindsFlag,
} from '../inspect/inspectSelectors.js';
import { connectCli } from '../nats/connectCli.js';

interface InspectFlags {
  readonly actor?: InspectSelection[];
  readonly kind?: InspectSelection[];
  readonly worker?: string;
  readonly port: number;
  readonly renewMs: number;
  readonly statsMs: number;
  readonly inspectorUrl?: string;
  readonly json?: boolean;
}

/**
 * `ballast inspect`: watch actors' state machines live in the Stately inspector. Runs the
 * inspector bridge server (`@statelyai/inspect/server`) on `--port`, switches inspection on
 * for the selected actors on every worker (`ctl.inspect`, renewed every `--renew-ms`), and
 * forwards what the workers relay on `sys.inspect.*` to it. Prints the URL to open; stats on
 * stderr. Ctrl-C switches inspection off again and exits 0.
 *
 * @example
 * ballast inspect --actor symbol/AAPL --kind breaker,reloader
 * ballast inspect --actor symbol/AAPL --port 9090 --json | jq .event.type
 */
export function inspectCommand(): Command {
  return new Command('inspect')
    .description('watch actors live in the Stately inspector (prints the URL to open)')
    .option(
      '--actor <kind/id>',
      'an actor to inspect, e.g. symbol/AAPL, breaker/candleSink, reloader/<worker>; repeatable',
      (text: string, previous: InspectSelection[] = []) => [...previous, parseActorFlag(text)],
    )
    .option(
      '--kind <kinds>',
      'every actor of these kinds, comma-separated: symbol, breaker, reloader, supervisor',
      (text: string, previous: InspectSelection[] = []) => [...previous, ...parseKindsFlag(text)],
    )
    .option('--worker <id>', "only this worker's actors (default: every worker's)")
    .option(
      '--port <port>',
      'port of the inspector page and its WebSocket',
      flagParsers.integer('--port', 1),
      8080,
    )
    .option(
      '--renew-ms <ms>',
      "how often to re-send the selection: it renews the workers' 60 s TTL and makes them announce the actors again",
      flagParsers.integer('--renew-ms', 100),
      20_000,
    )
    .option(
      '--stats-ms <ms>',
      'how often to print stats on stderr',
      flagParsers.integer('--stats-ms', 100),
      5_000,
    )
    .option(
      '--inspector-url <url>',
      'the inspector page to embed (default https://stately.ai/inspect)',
    )
    .option('--json', 'also print each forwarded event as one JSON line {"worker","event"}')
    .addHelpText(
      'after',
      `
Open the printed URL in a browser: the page embeds the Stately inspector, which loads from
stately.ai, so that browser needs internet (the cluster does not). A browser that opens the
page late still gets every selected actor: its machine definition and current state are sent
again on each new connection. Connects as the "gateway" role (it may publish ctl.inspect);
the server accepts loopback connections only. Offline, use the dashboard's statecharts or
\`ballast sub 'sys.inspect.*'\` for the raw events.`,
    )
    .action(async (flags: InspectFlags, cmd: Command) => runInspect(flags, cmd));
}

async function runInspect(flags: InspectFlags, cmd: Command): Promise<void> {
  const selections = [...(flags.actor ?? []), ...(flags.kind ?? [])];
  if (selections.length === 0) {
    throw new UsageError(
      'name what to inspect: --actor symbol/AAPL and/or --kind breaker,reloader',
    );
  }
  if (flags.port > 65_535) throw new UsageError(`--port must be at most 65535, got ${flags.port}`);
  const config = commandConfig(cmd);
  const { nc, permissions } = await connectCli(config, {
    role: 'gateway',
    name: 'ballast inspect',
    longRunning: true,
  });
  const run = new CommandRun(nc);
  let bridge: InspectBridge | undefined;
  let statsTimer: NodeJS.Timeout | undefined;
  try {
    bridge = await InspectBridge.start({
      nc,
      selections,
      worker: flags.worker,
      port: flags.port,
      renewMs: flags.renewMs,
      inspectorUrl: flags.inspectorUrl,
      ...(flags.json && {
        onEvent: (worker, event) => process.stdout.write(`${JSON.stringify({ worker, event })}\n`),
      }),
    });
    // A role without sys.> is told now, before the URL is printed.
    await permissions.check();
    const running = bridge;
    const where = flags.worker === undefined ? 'every worker' : `worker ${flags.worker}`;
    if (flags.json) {
      process.stdout.write(
        `${JSON.stringify({ type: 'listening', url: running.url, selections: running.labels, worker: flags.worker ?? null })}\n`,
      );
    } else {
      process.stdout.write(
        `Stately inspector: open ${running.url} in a browser (the inspector page loads from stately.ai)\n`,
      );
    }
    process.stderr.write(`inspecting ${running.labels.join(', ')} on ${where}; Ctrl-C stops\n`);
    await running.enable();
    await permissions.check();
    let last = '';
    statsTimer = setInterval(() => {
      const line = statsLine(running);
      if (line !== last) process.stderr.write(`${line}\n`);
      last = line;
    }, flags.statsMs);
    statsTimer.unref();
    await run.ended();
    process.stderr.write(`${statsLine(running)}\n`);
  } finally {
    clearInterval(statsTimer);
    run.dispose();
    await bridge?.stop();
    await nc.drain().catch(() => nc.close());
  }
}

function statsLine(bridge: InspectBridge): string {
  const r = bridge.relaySummary();
  const c = bridge.counters;
  const dropped = c.droppedBackpressure + c.droppedClosed;
  return (
    `relayed by ${r.workers} worker(s): ${r.relayed} events, ${r.rateLimited} dropped by rate limits; ` +
    `forwarded ${c.forwarded}, dropped here ${dropped}, resent ${c.resent} to late browsers; ` +
    `${bridge.cache.size} sessions, ${bridge.server.counters.connections} connections`
  );
}
