#!/usr/bin/env node
// Starts a local nats-server (or a loopback cluster) until SIGINT/SIGTERM.
// Until `ballast up` exists, this is the README's main job.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { findNatsServer, NatsServer, NatsToolError, startNatsCluster } from '../dist/index.js';

const usage = `usage: ballast-nats <command> [options]

commands:
  start      run nats-server with JetStream on loopback until Ctrl-C
  version    print the nats-server path and version

options for start:
  --cluster <n>      run an n-node JetStream cluster instead of one node
  --data-dir <dir>   keep the JetStream store here across restarts (default: a temp dir)
  -h, --help         show this help`;

function fail(message) {
  console.error(`ballast-nats: ${message}\n\n${usage}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      cluster: { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
} catch (error) {
  fail(error.message);
}
const { values, positionals } = parsed;
const [command = 'start', ...rest] = positionals;
if (values.help) {
  console.log(usage);
  process.exit(0);
}
if (rest.length > 0) fail(`unexpected arguments: ${rest.join(' ')}`);

try {
  if (command === 'version') {
    const { path, version } = await findNatsServer();
    console.log(`${path} ${version.text}`);
  } else if (command === 'start') {
    await start();
  } else {
    fail(`unknown command "${command}"`);
  }
} catch (error) {
  console.error(error instanceof NatsToolError ? error.message : error);
  process.exit(1);
}

async function start() {
  const size = values.cluster === undefined ? 1 : Number(values.cluster);
  if (!Number.isInteger(size) || size < 1 || size > 9) {
    fail(`--cluster must be an integer from 1 to 9, got "${values.cluster}"`);
  }
  const storeDir = values['data-dir'] && resolve(values['data-dir']);
  if (storeDir) await mkdir(storeDir, { recursive: true });
  const options = storeDir ? { storeDir } : {};
  const handle =
    size === 1 ? await NatsServer.start(options) : await startNatsCluster({ ...options, size });
  const nodes = size === 1 ? [handle] : handle.nodes;
  console.log(`nats-server ${nodes[0].version.text}, JetStream on, ${size} node(s)`);
  for (const node of nodes) console.log(`  ${node.name}: ${node.url}   monitor ${node.monitorUrl}`);
  if (storeDir) console.log(`  store: ${storeDir} (kept across restarts)`);
  console.log(`NATS_URL=${nodes.map((n) => n.url).join(',')}`);
  console.log('Ctrl-C stops it.');
  await new Promise((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  // Graceful stop lets JetStream flush the store; then remove the temp dirs.
  await Promise.all(nodes.map((n) => n.stop()));
  await handle[Symbol.asyncDispose]();
  console.log('stopped.');
}
