import { ProtocolError, partition, tickSubject } from '@ballast/protocol';
import type { SymbolQueryReply } from '@ballast/runtime';
import { BoundedQueue } from '@ballast/streams';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Command } from 'commander';
import { CliError, UsageError } from '../cli/CliError.js';
import { commandConfig, flagParsers } from '../cli/commandConfig.js';
import { compareFold } from '../cluster/queries/compareFold.js';
import { queryFlags } from '../cluster/queries/queryFlags.js';
import { querySymbol } from '../cluster/queries/querySymbol.js';
import { readSymbolLog } from '../cluster/queries/readSymbolLog.js';
import { type ReplayEvent, SymbolLogFold } from '../cluster/queries/SymbolLogFold.js';
import { readClusterFile } from '../config/clusterFile.js';
import { connectCli } from '../nats/connectCli.js';
import { renderFoldSummary, renderReplayEvents } from '../views/renderReplay.js';

interface ReplayOptions {
  readonly verify?: boolean;
  readonly limit: number;
  readonly json?: boolean;
  readonly partitions?: number;
  readonly timeout: number;
}

// The tail shown in pretty mode is preallocated: bound it.
const maxShown = 100_000;

/**
 * `ballast replay <SYMBOL>`: reads the symbol's events from the tick log (an ordered consumer
 * on its subject), folds them by the workers' rules and prints the events and the folded
 * state; `--verify` compares the fold with the live actor at the actor's own sequence.
 *
 * @example
 * ballast replay AAPL --limit 5
 * ballast replay AAPL --verify   # exit 0: same digest as the live actor; 1: mismatch
 * ballast replay AAPL --json | tail -1 | jq .digest
 */
export function replayCommand(): Command {
  return new Command('replay')
    .description("replay a symbol's tick log, fold it, and optionally verify the live actor")
    .argument('<SYMBOL>', 'the symbol, e.g. AAPL')
    .option(
      '--verify',
      'query the live actor first, fold the log up to its lastAppliedSeq and compare digests',
    )
    .option(
      '--limit <n>',
      `events to show in pretty mode (the last n), 1 to ${maxShown}`,
      queryFlags.bounded('--limit', 1, maxShown),
      20,
    )
    .option('--json', 'print every event, then the folded state, as JSON lines')
    .option(
      '--partitions <n>',
      "the cluster's partition count (default: the running `ballast up`'s, else the config)",
      flagParsers.integer('--partitions', 1),
    )
    .option(
      '--timeout <ms>',
      'give up when the log is not read in this time',
      flagParsers.positive('--timeout'),
      60_000,
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 done (and verified), 1 mismatch or failure, 2 bad flags or symbol.',
    )
    .action(async (symbol: string, options: ReplayOptions, cmd: Command) => {
      const config = commandConfig(cmd);
      const partitions =
        options.partitions ?? readClusterFile(config.dataDir)?.partitions ?? config.partitions;
      let subject: string;
      try {
        subject = tickSubject(symbol, partitions);
      } catch (error) {
        if (error instanceof ProtocolError) {
          throw new UsageError(`invalid symbol ${JSON.stringify(symbol)}: ${error.message}`, {
            cause: error,
          });
        }
        throw error;
      }
      const { nc } = await connectCli(config, { role: 'cli', name: 'ballast replay' });
      try {
        let live: SymbolQueryReply | undefined;
        if (options.verify) {
          // Query first: the fold then stops at the actor's own sequence, so ticks published
          // after the query cannot make a false mismatch.
          live = await querySymbol(nc, symbol, { limit: 1 });
          if (!live.found) {
            throw new CliError(
              `unknown symbol ${symbol}: no live actor to verify (worker ${live.worker} has had no tick for it)`,
            );
          }
          const expected = partition(symbol, partitions);
          if (live.partition !== expected) {
            throw new CliError(
              `${symbol}'s actor is in partition ${live.partition}, but with ${partitions} partitions it would be in ${expected}: the cluster uses another partition count; pass --partitions`,
            );
          }
        }
        const fold = new SymbolLogFold(symbol, partitions);
        const tail = options.json
          ? null
          : new BoundedQueue<ReplayEvent>({ capacity: options.limit, overflow: 'drop-oldest' });
        const { endSeq } = await readSymbolLog({
          js: jetstream(nc),
          jsm: await jetstreamManager(nc),
          subject,
          ...(live !== undefined && { upToSeq: live.lastAppliedSeq }),
          timeoutMs: options.timeout,
          onMessage: (seq, msgSubject, data) => {
            const event = fold.apply(seq, msgSubject, data);
            if (tail === null)
              process.stdout.write(`${JSON.stringify({ type: 'event', ...event })}\n`);
            else tail.offer(event);
          },
        });
        const result = fold.result();
        if (result.events === 0) {
          process.stderr.write(
            `ballast: no events of ${symbol} on ${subject} (${partitions} partitions; pass --partitions if the cluster uses another count)\n`,
          );
        }
        const comparison = live === undefined ? undefined : compareFold(live, result, symbol);
        if (tail === null) {
          process.stdout.write(
            `${JSON.stringify({ type: 'fold', subject, endSeq, ...result, ...(comparison && { verify: comparison }) })}\n`,
          );
        } else {
          const shown = tail.drain();
          if (shown.length > 0) process.stdout.write(`${renderReplayEvents(shown)}\n`);
          process.stdout.write(renderFoldSummary(result, { subject, endSeq, shown: shown.length }));
          if (comparison?.ok) process.stdout.write(`${comparison.message}\n`);
        }
        if (comparison !== undefined && !comparison.ok) throw new CliError(comparison.message);
      } finally {
        await nc.drain().catch(() => nc.close());
      }
    });
}
