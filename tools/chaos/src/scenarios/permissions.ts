import { setTimeout as sleep } from 'node:timers/promises';
import { ensureTopology, topologyNames } from '@ballast/runtime';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { type CliResult, runCli } from '../harness/cliProcess.js';
import { connectRunner } from '../harness/connectRunner.js';
import { ResourceStack } from '../harness/ResourceStack.js';
import { RowBuilder } from '../harness/scenarioRow.js';
import { startSecureNats } from '../harness/secureNats.js';
import type { Scenario, ScenarioContext, ScenarioRow } from '../scenarioTypes.js';

const at = Date.UTC(2026, 0, 5, 14, 30);
const tick = {
  v: 1,
  symbol: 'S0000',
  price: 101.5,
  size: 10,
  ts: at,
  source: 'chaos',
  sourceSeq: 1,
};

/** What the read-only `cli` user tries, each as the command a person would type. */
const attempts: readonly { readonly subject: string; readonly args: readonly string[] }[] = [
  { subject: 'md.tick.0.S0000', args: ['pub', 'md.tick.0.S0000', JSON.stringify(tick)] },
  {
    subject: 'ctl.reload',
    args: ['pub', 'ctl.reload', JSON.stringify({ v: 1, type: 'reload', reason: 'chaos', at })],
  },
  {
    subject: 'ctl.breaker.candleSink',
    args: [
      'pub',
      'ctl.breaker.candleSink',
      JSON.stringify({ v: 1, type: 'breaker', action: 'isolate', name: 'candleSink', at }),
    ],
  },
  {
    subject: 'ctl.inspect',
    args: ['pub', 'ctl.inspect', JSON.stringify({ v: 1, type: 'inspect', enabled: true, at })],
  },
  {
    subject: 'ctl.instruments',
    args: [
      'pub',
      'ctl.instruments',
      JSON.stringify({ v: 1, type: 'instrument', action: 'remove', symbol: 'S0000', at }),
    ],
  },
  { subject: 'ctl.sink.set', args: ['req', 'ctl.sink.set', JSON.stringify({ down: true })] },
  { subject: 'ctl.sink.set', args: ['sink', 'set', '--down'] },
];

/**
 * The local cluster's users (apps/cli's `renderAuthorization`): the read-only `cli` user tries
 * to publish a tick and every kind of control message with the `ballast` command. Each attempt
 * must exit 1 with one clear line naming the user, the operation and the subject — no stack
 * trace, no "published" — and nothing may reach the subjects or the tick log. The same command
 * as `admin` must get through, so the check can tell a refusal from a broken setup.
 *
 * @example
 * const row = await permissions.run({ size: 'ci', log: console.error });
 */
export const permissions: Scenario = {
  id: 'permissions',
  title: 'Permissions',
  run: runPermissions,
};

async function runPermissions({ size, log }: ScenarioContext): Promise<ScenarioRow> {
  const row = new RowBuilder('permissions', size);
  await using resources = new ResourceStack();
  const nats = resources.add(await startSecureNats());
  const url = nats.server.url;
  const admin = await connectRunner([url], nats.auth('admin'));
  resources.defer(() => admin.close());
  const jsm = await jetstreamManager(admin);
  await ensureTopology(admin, jsm, {});
  const seen: string[] = [];
  const watch = admin.subscribe('>', {
    callback: (error, msg) => {
      if (
        error === null &&
        (msg.subject.startsWith('ctl.') || msg.subject.startsWith('md.tick.'))
      ) {
        seen.push(msg.subject);
      }
    },
  });
  resources.defer(() => watch.unsubscribe());
  await admin.flush();
  const flags = ['--nats', url, '--data-dir', nats.dataDir];

  const results = await Promise.all(
    attempts.map((a) => runCli([...a.args, '--user', 'cli', ...flags])),
  );
  const refused = attempts.filter((a, i) => {
    const result = results[i] as CliResult;
    const line = `permission denied: user "cli" may not publish to "${a.subject}"`;
    const clear =
      result.code === 1 &&
      result.stderr.includes(line) &&
      !/^\s+at /m.test(result.stderr) &&
      !/published/.test(result.stderr);
    row.check(
      `\`ballast ${a.args.slice(0, a.args[0] === 'sink' ? 3 : 2).join(' ')}\` as cli: exit 1, one clear error`,
      clear,
      `exit ${result.code}; stderr: ${result.stderr.trim().slice(0, 600)}`,
    );
    log(`${a.args.slice(0, 2).join(' ')}: exit ${result.code}: ${result.stderr.split('\n')[0]}`);
    return result.code !== 0;
  });

  // The same library calls a script would make, on a connection of the cli user.
  const cli = await connect({ servers: url, ...nats.auth('cli'), maxReconnectAttempts: 0 });
  resources.defer(() => cli.close());
  const raw = await jetstream(cli)
    .publish('md.tick.0.S0000', new TextEncoder().encode('{}'), { timeout: 2_000 })
    .then(
      () => 'stored',
      (error: unknown) => (error as Error).message,
    );
  row.check(
    'a JetStream publish of a tick by the cli user is refused',
    raw !== 'stored',
    `js.publish: ${raw}`,
  );

  await sleep(500);
  const leaked = [...seen];
  const admitted = await runCli(['pub', 'ctl.reload', '{}', '--user', 'admin', ...flags]);
  await admin.flush();
  await sleep(200);
  row.check(
    'the same publish as admin gets through (the refusals are permissions, not a broken setup)',
    admitted.code === 0 && seen.includes('ctl.reload'),
    `exit ${admitted.code}; ${admitted.stderr.trim()}`,
  );
  row.check(
    'nothing the cli user sent reached a subscriber',
    leaked.length === 0,
    leaked.join(', '),
  );
  const stored = (await jsm.streams.info(topologyNames.ticks)).state.messages;
  row.check('nothing reached the tick log', stored === 0, `${stored} messages in TICKS`);

  row.note(
    'users and permissions of `ballast up` (apps/cli renderAuthorization); attempts by the `cli` user through `ballast pub`, `ballast req`, `ballast sink set` and a raw JetStream publish',
  );
  row.note(`refused ${refused.length + (raw === 'stored' ? 0 : 1)} of ${attempts.length + 1}`);
  return row.build({
    faults: `${attempts.length + 1} forbidden publishes`,
    faultsInjected: attempts.length + 1,
    events: attempts.length + 1,
    lost: null,
    appliedTwice: null,
    maxRssMb: null,
    recoveriesMs: [],
  });
}
