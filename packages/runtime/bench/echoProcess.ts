/**
 * The latency baseline's far end, as its own process like a worker: republishes every message
 * of `bench.echo.in` on `bench.echo.out` (core NATS). Prints `ready` once subscribed; exits on
 * SIGTERM. Run: node --import tsx bench/echoProcess.ts <nats-url>
 */
import { connect } from '@nats-io/transport-node';

const servers = process.argv[2];
if (servers === undefined) {
  process.stderr.write('usage: echoProcess.ts <nats-url>\n');
  process.exit(2);
}
const nc = await connect({ servers });
nc.subscribe('bench.echo.in', { callback: (_, msg) => nc.publish('bench.echo.out', msg.data) });
await nc.flush();
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  nc.close().finally(() => process.exit(0));
});
