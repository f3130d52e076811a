import { type Timeframe, timeframes } from '@ballast/protocol';
import { defaultQueryLimit, maxQueryLimit } from '@ballast/runtime';
import { Command } from 'commander';
import { CliError } from '../cli/CliError.js';
import { commandConfig, flagParsers } from '../cli/commandConfig.js';
import { queryFlags } from '../cluster/queries/queryFlags.js';
import { querySymbol } from '../cluster/queries/querySymbol.js';
import { connectCli } from '../nats/connectCli.js';
import { renderSymbolState } from '../views/renderSymbolState.js';

interface QueryOptions {
  readonly tf: Timeframe;
  readonly limit: number;
  readonly timeout: number;
  readonly json?: boolean;
}

/**
 * `ballast query <SYMBOL>`: asks the worker that owns the symbol for its actor's state and
 * prints it (header and candles, newest first), or the reply object with `--json`.
 *
 * @example
 * ballast query AAPL --tf 5m --limit 10
 * ballast query AAPL --json | jq .digest
 */
export function queryCommand(): Command {
  return new Command('query')
    .description("show a symbol actor's state: lifecycle, last sequence, digest, quote, candles")
    .argument('<SYMBOL>', 'the symbol, e.g. AAPL')
    .option(
      '--tf <timeframe>',
      `candle timeframe (${timeframes.join(', ')})`,
      queryFlags.timeframe,
      '1m' as Timeframe,
    )
    .option(
      '--limit <n>',
      `candles to show, 1 to ${maxQueryLimit}`,
      queryFlags.bounded('--limit', 1, maxQueryLimit),
      defaultQueryLimit,
    )
    .option(
      '--timeout <ms>',
      'how long to wait for the reply (a passivated symbol is loaded first)',
      flagParsers.positive('--timeout'),
      5_000,
    )
    .option('--json', 'print the reply object as one JSON line')
    .addHelpText(
      'after',
      '\nExit codes: 0 shown, 1 unknown symbol or no worker owns it, 2 bad flags.',
    )
    .action(async (symbol: string, options: QueryOptions, cmd: Command) => {
      const config = commandConfig(cmd);
      const { nc } = await connectCli(config, { role: 'cli', name: 'ballast query' });
      try {
        const reply = await querySymbol(nc, symbol, {
          tf: options.tf,
          limit: options.limit,
          timeoutMs: options.timeout,
        });
        if (!reply.found) {
          throw new CliError(
            `unknown symbol ${symbol}: worker ${reply.worker} owns its partition ${reply.partition} but it has had no tick (check the spelling, or feed it first)`,
          );
        }
        process.stdout.write(
          options.json ? `${JSON.stringify(reply)}\n` : renderSymbolState(reply),
        );
      } finally {
        await nc.drain().catch(() => nc.close());
      }
    });
}
