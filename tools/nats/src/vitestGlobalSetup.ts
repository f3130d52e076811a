import { randomBytes } from 'node:crypto';
import { reapOwnedServers } from './processReaper.js';

/**
 * Vitest `globalSetup` for every package whose tests start nats-server.
 *
 * Gives the run an owner token (inherited by the test workers through the environment),
 * and at teardown kills every nats-server of this run that is still alive — a worker killed
 * by a timeout leaves its children behind — then fails the run, naming them, so a leak is
 * never silent.
 *
 * @example
 * // vitest.config.ts
 * export default defineConfig({ test: { globalSetup: ['@ballast/nats/vitest-setup'] } });
 */
export default function setup(): () => Promise<void> {
  const owner = `vitest${process.pid}x${randomBytes(3).toString('hex')}`;
  process.env.BALLAST_NATS_OWNER = owner;
  return async function teardown() {
    const orphans = await reapOwnedServers(owner);
    if (orphans.length > 0) {
      throw new Error(
        `${orphans.length} nats-server process(es) outlived the tests and were killed now:\n  ${orphans
          .map((o) => `${o.pid}: ${o.commandLine}`)
          .join(
            '\n  ',
          )}\nDispose every server a test starts (await using server = await NatsServer.start()).`,
      );
    }
  };
}
