#!/usr/bin/env node
// One Ballast worker as a process: what `ballast up` starts N of, and what the crash tests
// SIGKILL. Prints one JSON line `{"event":"started",...}` on stdout once it serves.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Worker } from '../dist/index.js';

const usage = `usage: ballast-worker --nats <url>[,<url>...] [options]
  --creds <file>                 credentials JSON {"user","password"} (default: none)
  --id <worker-id>               stable id (default <host>-<pid>)
  --partitions <n>               partition count P (default 16)
  --replicas <1|3>               stream replicas (default 1)
  --lease-ttl-ms <ms>            partition lease TTL (default 10000)
  --max-live <n>                 live actors before LRU passivation (default 5000)
  --snapshot-every <n>           snapshot after n applied ticks (default 1000)
  --snapshot-interval-ms <ms>    snapshot when dirty this long (default 30000)
  --actor-housekeeping-ms <ms>   each actor checks its snapshot interval this often (default 5000)
  --checkpoint-interval-ms <ms>  store partition floors this often (default 1000)
  --http-port <port>             /metrics and /healthz port on 127.0.0.1 (default: free port)
  --storage <file|memory>        JetStream storage of new streams (default file)`;

function fail(message) {
  process.stderr.write(`ballast-worker: ${message}\n${usage}\n`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      nats: { type: 'string' },
      creds: { type: 'string' },
      id: { type: 'string' },
      partitions: { type: 'string' },
      replicas: { type: 'string' },
      'lease-ttl-ms': { type: 'string' },
      'max-live': { type: 'string' },
      'snapshot-every': { type: 'string' },
      'snapshot-interval-ms': { type: 'string' },
      'checkpoint-interval-ms': { type: 'string' },
      'actor-housekeeping-ms': { type: 'string' },
      'http-port': { type: 'string' },
      storage: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  fail(error.message);
}
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
if (!values.nats) fail('--nats is required');

const int = (name) => {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) fail(`--${name} ${raw} is not an integer`);
  return n;
};
const defined = (object) =>
  Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined));

let auth;
if (values.creds !== undefined) {
  try {
    const { user, password } = JSON.parse(readFileSync(values.creds, 'utf8'));
    if (typeof user !== 'string' || typeof password !== 'string')
      throw new Error('not {"user","password"}');
    auth = { user, pass: password };
  } catch (error) {
    fail(`--creds ${values.creds}: ${error.message}`);
  }
}

let worker;
try {
  worker = await Worker.start(
    defined({
      servers: values.nats.split(','),
      workerId: values.id,
      auth,
      partitions: int('partitions'),
      checkpointIntervalMs: int('checkpoint-interval-ms'),
      http: values['http-port'] === undefined ? undefined : { port: int('http-port') },
      topology: defined({
        replicas: int('replicas'),
        leaseTtlMs: int('lease-ttl-ms'),
        storage: values.storage,
      }),
      actors: defined({
        maxLiveActors: int('max-live'),
        snapshotEveryEvents: int('snapshot-every'),
        snapshotIntervalMs: int('snapshot-interval-ms'),
        housekeepingMs: int('actor-housekeeping-ms'),
      }),
    }),
  );
} catch (error) {
  process.stderr.write(`ballast-worker: ${error.message}\n`);
  process.exit(error.code === 'invalid_option' ? 2 : 1);
}

process.stdout.write(
  `${JSON.stringify({ event: 'started', worker: worker.options.workerId, http: worker.httpUrl, pid: process.pid })}\n`,
);

// Started by `ballast up`: if it dies without stopping us (SIGKILL), stop as if told to.
if (process.env.BALLAST_EXIT_WITH_PARENT === '1') {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
  }, 1_000).unref();
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    worker.stop().then(
      () => process.exit(0),
      (error) => {
        process.stderr.write(`ballast-worker: stop failed: ${error.message}\n`);
        process.exit(1);
      },
    );
  });
}
