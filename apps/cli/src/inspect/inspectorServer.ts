import diagnostics from 'node:diagnostics_channel';
import { createServer, type Socket } from 'node:net';
import { createInspectorServer } from '@statelyai/inspect/server';
import { CliError } from '../cli/CliError.js';

/** Options of {@link startInspectorServer}. */
export interface InspectorServerOptions {
  /** HTTP + WebSocket port; the page embeds `ws://localhost:<port>`, so it cannot be 0. */
  readonly port: number;
  /** The inspector page to embed. Default `https://stately.ai/inspect` (the package's). */
  readonly inspectorUrl?: string | undefined;
  /** Most open connections; more are closed at once (counted). Default 256. */
  readonly maxConnections?: number;
}

/** Counters of an {@link InspectorServer}. */
interface InspectorServerCounters {
  /** Loopback connections accepted (page loads and WebSockets, the bridge's own included). */
  connections: number;
  /** Connections from other hosts, closed at once. */
  refusedRemote: number;
  /** Connections closed at once because `maxConnections` were open. */
  refusedFull: number;
}

/** A running Stately inspector bridge server. */
export interface InspectorServer {
  readonly port: number;
  /** What to open in a browser: `http://localhost:<port>`. */
  readonly url: string;
  readonly counters: InspectorServerCounters;
  /** Called for every accepted connection (a browser loading the page or connecting). */
  onConnection(listener: () => void): void;
  /** Stops it and closes every connection (browsers included). */
  close(): Promise<void>;
}

const socketChannel = 'net.server.socket';

/**
 * Starts `createInspectorServer` of `@statelyai/inspect/server` (autoOpen off), with what its
 * 0.7 API leaves out: a clear error when the port is taken (it would crash the process with
 * an unhandled `error` event), loopback-only connections (it listens on every interface; other
 * hosts are disconnected at once), a hook for new connections (so late browsers can be sent
 * the actors again) and a close that also ends open connections (its `stop()` leaves them,
 * keeping the process alive). Connections are seen through Node's `net.server.socket`
 * diagnostics channel, filtered by port.
 *
 * @throws {CliError} when the port is in use
 * @example
 * const server = await startInspectorServer({ port: 8080 });
 * server.onConnection(() => resendActors());
 * await server.close();
 */
export async function startInspectorServer(
  options: InspectorServerOptions,
): Promise<InspectorServer> {
  const { port } = options;
  const maxConnections = options.maxConnections ?? 256;
  await assertPortFree(port);
  const counters: InspectorServerCounters = { connections: 0, refusedRemote: 0, refusedFull: 0 };
  const sockets = new Set<Socket>();
  const listeners: (() => void)[] = [];
  const onSocket = (message: unknown) => {
    const socket = (message as { socket: Socket }).socket;
    if (socket.localPort !== port) return;
    if (!isLoopback(socket.remoteAddress)) {
      counters.refusedRemote++;
      socket.destroy();
      return;
    }
    if (sockets.size >= maxConnections) {
      counters.refusedFull++;
      socket.destroy();
      return;
    }
    counters.connections++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    for (const listener of listeners) listener();
  };
  // Published before the server's own 'connection' handler runs: nothing gets past it.
  diagnostics.subscribe(socketChannel, onSocket);
  const server = createInspectorServer({
    port,
    autoOpen: false,
    ...(options.inspectorUrl !== undefined && { url: options.inspectorUrl }),
  });
  let closed = false;
  return {
    port,
    url: `http://localhost:${port}`,
    counters,
    onConnection: (listener) => {
      listeners.push(listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      listeners.length = 0;
      server.stop();
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      diagnostics.unsubscribe(socketChannel, onSocket);
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/** Listens on the port the way the inspector server will (every interface), then lets go. */
async function assertPortFree(port: number): Promise<void> {
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(port, resolve);
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new CliError(
        `port ${port} is in use (another \`ballast inspect\`?); pick another with --port`,
        1,
        { cause: error },
      );
    }
    throw new CliError(`cannot listen on port ${port}: ${(error as Error).message}`, 1, {
      cause: error,
    });
  }
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}
