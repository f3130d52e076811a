import {
  assertInstrumentSymbol,
  InvalidInstrumentError,
  RegistryFullError,
  topologyNames,
} from '@ballast/runtime';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { errors } from '@nats-io/nats-core';
import { Command, InvalidArgumentError } from 'commander';
import { CliError, UsageError } from '../cli/CliError.js';
import { commandConfig } from '../cli/commandConfig.js';
import { deniedBy } from '../cluster/queries/natsFailure.js';
import { type InstrumentsHandle, openInstruments } from '../cluster/queries/openInstruments.js';
import { connectCli } from '../nats/connectCli.js';
import { formatValues } from '../views/formatValues.js';
import { renderInstruments } from '../views/renderInstruments.js';

/**
 * `ballast instruments add|remove|list`: edits the instrument registry (KV bucket
 * `instruments`) that the workers' reloaders follow. Connects as `admin` unless told otherwise:
 * the other roles may not write the registry.
 *
 * @example
 * ballast instruments add AAPL-C-190 --expires 2026-12-18T21:00:00Z
 * ballast instruments list --json
 * ballast instruments remove AAPL-C-190
 */
export function instrumentsCommand(): Command {
  const command = new Command('instruments').description(
    'add, remove and list instruments in the registry the workers follow (role admin)',
  );
  command
    .command('add')
    .description('add an instrument, or update its expiry')
    .argument('<SYMBOL>', 'the symbol: A-Z a-z 0-9 - / = _')
    .option('--expires <ISO date>', 'when it expires, e.g. 2026-12-18T21:00:00Z', parseExpiry)
    .option('--json', 'print the stored record as JSON')
    .action(async (symbol: string, options: { expires?: number; json?: boolean }, cmd: Command) =>
      withRegistry(cmd, async ({ registry }) => {
        const record = await registry.add(symbol, options.expires ?? null);
        process.stdout.write(
          options.json
            ? `${JSON.stringify(record)}\n`
            : `added ${record.symbol} (expires ${record.expiresAt === null ? 'never' : formatValues.time(record.expiresAt)})\n`,
        );
      }),
    );
  command
    .command('remove')
    .description('remove an instrument; workers stop its actor on their next reload')
    .argument('<SYMBOL>', 'the symbol')
    .action(async (symbol: string, _options: unknown, cmd: Command) =>
      withRegistry(cmd, async ({ registry, kv }) => {
        // Checked first so a bad symbol is a usage error, not a KV key error.
        assertInstrumentSymbol(symbol);
        const entry = await kv.get(symbol);
        if (entry === null || entry.operation !== 'PUT') {
          throw new CliError(
            `no instrument ${symbol} in the registry (see: ballast instruments list)`,
          );
        }
        await registry.remove(symbol);
        process.stdout.write(`removed ${symbol}\n`);
      }),
    );
  command
    .command('list')
    .description('list the registered instruments, sorted by symbol')
    .option('--json', 'one JSON record per line')
    .action(async (options: { json?: boolean }, cmd: Command) =>
      withRegistry(cmd, async ({ registry }) => {
        const records = await registry.list();
        process.stdout.write(
          options.json
            ? records.map((record) => `${JSON.stringify(record)}\n`).join('')
            : renderInstruments(records, Date.now()),
        );
      }),
    );
  return command;
}

async function withRegistry(
  cmd: Command,
  use: (handle: InstrumentsHandle) => Promise<void>,
): Promise<void> {
  const config = commandConfig(cmd);
  const { nc, user } = await connectCli(config, { role: 'admin', name: 'ballast instruments' });
  try {
    await use(await openInstruments(nc));
  } catch (error) {
    throw registryFailure(error, user);
  } finally {
    await nc.drain().catch(() => nc.close());
  }
}

// Runtime's and NATS's errors as the CLI's: an invalid instrument is a usage error (exit 2).
function registryFailure(error: unknown, user: string | null): unknown {
  if (error instanceof CliError) return error;
  if (error instanceof InvalidInstrumentError)
    return new UsageError(error.message, { cause: error });
  if (error instanceof RegistryFullError) return new CliError(error.message, 1, { cause: error });
  const denied = deniedBy(error, user);
  if (denied !== null) return denied;
  if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) {
    return new CliError(
      `no instrument registry (KV bucket "${topologyNames.instruments}"): is the cluster running (\`ballast up\`)?`,
      1,
      { cause: error },
    );
  }
  if (error instanceof errors.TimeoutError) {
    return new CliError(
      `the instrument registry did not answer in time (is JetStream up, and may user "${user ?? 'anonymous'}" use it? try --user admin)`,
      1,
      { cause: error },
    );
  }
  return error;
}

function parseExpiry(text: string): number {
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || !Number.isFinite(ms)) {
    throw new InvalidArgumentError(
      `--expires must be an ISO date like 2026-12-18 or 2026-12-18T21:00:00Z, got "${text}"`,
    );
  }
  return ms;
}
