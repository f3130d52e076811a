// The dashboard gateway in a process of its own, so its memory is measured apart from the
// scenario's. Prints `{"event":"started",...}`, then its counters every 250 ms; stops on SIGTERM.
import { startGateway } from '@ballast/dashboard';

const servers = (process.argv[2] ?? '').split(',');
const gateway = await startGateway({ servers, port: 0, scrapeMetrics: false });
const write = (value: object) => process.stdout.write(`${JSON.stringify(value)}\n`);
write({ event: 'started', url: gateway.url, wsUrl: gateway.wsUrl, pid: process.pid });
const timer = setInterval(() => write({ counters: gateway.counters }), 250);
process.once('SIGTERM', () => {
  clearInterval(timer);
  gateway.stop().finally(() => process.exit(0));
});
