import { WebSocket } from 'ws';
import type { ClientRequest, ServerMessage } from '../src/gateway/gatewayMessages.js';

type Reply = Extract<ServerMessage, { type: 'reply' }>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * A test's browser stand-in: a WebSocket client of the gateway that records every message and
 * waits for the ones a test expects (polling, never sleeping a fixed time).
 *
 * @example
 * await using client = await GatewayClient.connect(gateway.wsUrl);
 * const hello = await client.next((m) => m.type === 'hello');
 */
export class GatewayClient {
  /** The last `keep` messages, oldest first. */
  readonly messages: ServerMessage[] = [];
  /** Every message received. */
  received = 0;
  readonly socket: WebSocket;
  #nextId = 1;

  private constructor(socket: WebSocket, keep: number) {
    this.socket = socket;
    socket.on('message', (data) => {
      this.received++;
      this.messages.push(JSON.parse(String(data)) as ServerMessage);
      if (this.messages.length > keep) this.messages.shift();
    });
  }

  static async connect(
    url: string,
    options: { readonly headers?: Record<string, string>; readonly keep?: number } = {},
  ): Promise<GatewayClient> {
    const socket = new WebSocket(url, { headers: options.headers ?? {} });
    const client = new GatewayClient(socket, options.keep ?? 10_000);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) =>
        reject(new Error(`upgrade refused: ${res.statusCode}`)),
      );
    });
    return client;
  }

  /** The first message (from the start) matching, waiting up to `timeoutMs`. */
  async next<T extends ServerMessage>(
    match: (m: ServerMessage) => m is T,
    timeoutMs?: number,
  ): Promise<T>;
  async next(match: (m: ServerMessage) => boolean, timeoutMs?: number): Promise<ServerMessage>;
  async next(match: (m: ServerMessage) => boolean, timeoutMs = 10_000): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found !== undefined) return found;
      if (Date.now() > deadline) {
        throw new Error(
          `no matching message in ${timeoutMs} ms; got types ${[...new Set(this.messages.map((m) => m.type))].join(', ')}`,
        );
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Sends a request and waits for its reply. */
  async request(
    request: DistributiveOmit<ClientRequest, 'id'>,
    timeoutMs = 10_000,
  ): Promise<Reply> {
    const id = this.#nextId++;
    this.socket.send(JSON.stringify({ ...request, id }));
    return this.next((m): m is Reply => m.type === 'reply' && m.id === id, timeoutMs);
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise((r) => this.socket.once('close', r));
    this.socket.close();
    await closed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
