import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { WebSocketServer } from 'ws';
import { BrowserRequests } from './BrowserRequests.js';
import { CandleWatches } from './CandleWatches.js';
import { ClientHub } from './ClientHub.js';
import { ClusterFeed } from './ClusterFeed.js';
import { ClusterHistory } from './ClusterHistory.js';
import type { GatewayCounters } from './gatewayMessages.js';
import { type GatewayOptions, resolveGatewayOptions } from './gatewayOptions.js';
import { staticFiles } from './staticFiles.js';
import { WorkerPolls } from './WorkerPolls.js';

/** A running dashboard gateway. */
export interface Gateway {
  /** The page, e.g. `http://127.0.0.1:41234/`. */
  readonly url: string;
  /** The WebSocket endpoint, e.g. `ws://127.0.0.1:41234/ws`. */
  readonly wsUrl: string;
  /** Live counters: clients, slow clients dropped, requests, NATS messages. */
  readonly counters: Readonly<GatewayCounters>;
  /** Disconnects the browsers, closes the HTTP server and drains the NATS connection. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts the dashboard gateway: an HTTP server for the built page and one WebSocket endpoint,
 * `/ws`, fed from NATS. It follows `sys.workers`, `sys.errors`, `sys.deadletter` and
 * `sys.sink`, keeps a bounded history (so a page opened late shows the last minutes), streams
 * every update to each browser through a bounded buffer (a browser that falls behind is
 * disconnected and counted), and answers the page's requests: symbol queries, statecharts,
 * a symbol's live candles, and switching inspection on for an actor.
 *
 * Connects as the `gateway` role: subscribes `md.>`, `sys.>`; publishes `actor.*.*.query`,
 * `sys.workers`, `ctl.inspect`.
 *
 * @param options - NATS servers and credentials, where to listen, bounds
 * @returns the running gateway; `await gateway.stop()` (or `await using`) ends it
 * @throws when NATS cannot be reached or the port cannot be bound
 * @example
 * const { user, password } = JSON.parse(readFileSync('.ballast/credentials/gateway.json', 'utf8'));
 * await using gateway = await startGateway({ servers: cluster.nats, auth: { user, pass: password },
 *   port: 0, partitions: cluster.partitions });
 * console.log(`dashboard: ${gateway.url}`);
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const o = resolveGatewayOptions(options);
  const { limits } = o;
  const counters: GatewayCounters = {
    clients: 0,
    clientsTotal: 0,
    slowClientsDropped: 0,
    clientsRefused: 0,
    clientsTimedOut: 0,
    framesSent: 0,
    natsMessages: 0,
    invalidMessages: 0,
    requests: 0,
    requestErrors: 0,
    requestsRefused: 0,
    inspectCommands: 0,
    scrapeFailures: 0,
    reloaderQueryFailures: 0,
    workersOverflow: 0,
  };
  const nc: NatsConnection = await connect({
    servers: o.servers,
    ...(o.auth && { user: o.auth.user, pass: o.auth.pass }),
    name: o.name,
    // A dashboard outlives NATS restarts of a local cluster.
    maxReconnectAttempts: -1,
  });
  const history = new ClusterHistory({
    samplesPerWorker: limits.samplesPerWorker,
    events: limits.events,
    maxWorkers: limits.maxWorkers,
    maxSinks: limits.maxSinks,
    forgetAfterMs: limits.forgetAfterMs,
  });
  let watches: CandleWatches | null = null;
  const hub = new ClientHub({
    maxClients: limits.maxClients,
    maxBufferedBytes: limits.maxBufferedBytes,
    maxQueuedFrames: limits.maxQueuedFrames,
    counters,
    onLeave: (channel) => watches?.leave(channel),
  });
  watches = new CandleWatches(nc, hub, counters);
  const feed = new ClusterFeed(nc, history, hub, counters);
  const requests = new BrowserRequests({
    nc,
    hub,
    watches,
    counters,
    queryTimeoutMs: limits.queryTimeoutMs,
    maxInFlightPerClient: limits.maxInFlightPerClient,
    inspectorUrl: o.inspectorUrl,
  });
  const polls = new WorkerPolls({
    nc,
    history,
    hub,
    counters,
    intervalMs: limits.pollIntervalMs,
    timeoutMs: limits.pollTimeoutMs,
    scrapeMetrics: o.scrapeMetrics,
  });

  const serveStatic = staticFiles(o.staticDir);
  const server = createServer((req, res) => {
    serveStatic(req, res).catch(() => res.destroy());
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxRequestBytes });
  server.on('upgrade', (req, socket, head) => {
    if (!isDashboardUpgrade(req)) {
      counters.clientsRefused++;
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const channel = hub.join(ws);
      if (channel === null) return;
      ws.on('message', (data, isBinary) => {
        if (isBinary) counters.requestsRefused++;
        else requests.handle(channel, String(data));
      });
      // Errors (e.g. a frame over maxPayload) close the socket; 'close' cleans up.
      ws.on('error', () => channel.close('closed'));
      hub.send(channel, {
        type: 'hello',
        v: 1,
        at: Date.now(),
        partitions: o.partitions,
        history: history.snapshot(),
        gateway: { ...counters },
        limits: { samples: limits.samplesPerWorker, events: limits.events },
      });
    });
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port, o.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await nc.close();
    throw error;
  }
  feed.start();
  polls.start();
  const countersTimer = setInterval(() => {
    for (const worker of history.expire(Date.now())) hub.broadcast({ type: 'workerGone', worker });
    counters.workersOverflow = history.workersOverflow;
    hub.broadcast({ type: 'gateway', at: Date.now(), counters: { ...counters } });
  }, limits.countersEveryMs);
  countersTimer.unref();
  const heartbeatTimer = setInterval(() => hub.heartbeat(), limits.heartbeatMs);
  heartbeatTimer.unref();

  const { port } = server.address() as AddressInfo;
  const hostInUrl = o.host.includes(':') ? `[${o.host}]` : o.host;
  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      clearInterval(countersTimer);
      clearInterval(heartbeatTimer);
      await polls.stop();
      feed.stop();
      watches.stop();
      hub.closeAll();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await nc.drain().catch(() => nc.close());
    })();
    return stopping;
  };
  return {
    url: `http://${hostInUrl}:${port}/`,
    wsUrl: `ws://${hostInUrl}:${port}/ws`,
    counters,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/**
 * Only `/ws`, and only from the dashboard's own page (or a client that sends no Origin, like
 * a test or a script): another site open in the browser must not drive the gateway.
 */
function isDashboardUpgrade(req: IncomingMessage): boolean {
  const path = (req.url ?? '').split('?', 1)[0];
  if (path !== '/ws') return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
