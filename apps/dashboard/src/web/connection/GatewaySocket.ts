import type { ClientRequest, ServerMessage } from '../../gateway/gatewayMessages.js';

type Reply = Extract<ServerMessage, { type: 'reply' }>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A request without its id: the socket numbers them. */
export type RequestBody = DistributiveOmit<ClientRequest, 'id'>;

/** Where the socket is. */
export type SocketState = 'connecting' | 'open' | 'closed';

interface Pending {
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/** Reconnect waits double from 500 ms up to this. */
const maxBackoffMs = 10_000;
const requestTimeoutMs = 15_000;

/**
 * The page's one WebSocket to the gateway (`/ws` on the page's own host): reconnects with
 * backoff, numbers requests and resolves each with its reply. A request in flight when the
 * socket drops is rejected, not retried: the page asks again when it needs to.
 *
 * @example
 * const socket = new GatewaySocket(new URL('ws', location.href.replace(/^http/, 'ws')).href);
 * socket.onMessage((m) => store.apply(m));
 * const definition = await socket.request({ type: 'definition', machine: 'symbolCache' });
 */
export class GatewaySocket {
  state: SocketState = 'connecting';
  readonly #url: string;
  readonly #listeners = new Set<(message: ServerMessage) => void>();
  readonly #stateListeners = new Set<(state: SocketState) => void>();
  readonly #pending = new Map<number, Pending>();
  #socket: WebSocket | null = null;
  #nextId = 1;
  #backoffMs = 500;

  constructor(url: string) {
    this.#url = url;
    this.#open();
  }

  /** Calls `listener` with every message; returns the unsubscribe function. */
  onMessage(listener: (message: ServerMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Calls `listener` on every state change (a reconnect means a fresh `hello` follows). */
  onState(listener: (state: SocketState) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  /** Sends a request; resolves with the reply's result, rejects with its error. */
  request<T = unknown>(body: RequestBody): Promise<T> {
    const socket = this.#socket;
    if (socket === null || socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new Error('not connected to the dashboard gateway'));
    }
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`no reply from the gateway in ${requestTimeoutMs / 1000} s`));
      }, requestTimeoutMs);
      this.#pending.set(id, { resolve: resolve as (r: unknown) => void, reject, timer });
      socket.send(JSON.stringify({ ...body, id }));
    });
  }

  #open(): void {
    this.#setState('connecting');
    const socket = new WebSocket(this.#url);
    this.#socket = socket;
    socket.onopen = () => {
      this.#backoffMs = 500;
      this.#setState('open');
    };
    socket.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as ServerMessage;
      if (message.type === 'reply') this.#settle(message);
      else for (const listener of this.#listeners) listener(message);
    };
    socket.onclose = () => {
      this.#socket = null;
      for (const [id, pending] of this.#pending) {
        clearTimeout(pending.timer);
        pending.reject(new Error('connection to the dashboard gateway lost'));
        this.#pending.delete(id);
      }
      this.#setState('closed');
      setTimeout(() => this.#open(), this.#backoffMs);
      this.#backoffMs = Math.min(this.#backoffMs * 2, maxBackoffMs);
    };
  }

  #settle(reply: Reply): void {
    const pending = this.#pending.get(reply.id);
    if (pending === undefined) return;
    this.#pending.delete(reply.id);
    clearTimeout(pending.timer);
    if (reply.ok) pending.resolve(reply.result);
    else pending.reject(new Error(reply.error));
  }

  #setState(state: SocketState): void {
    this.state = state;
    for (const listener of this.#stateListeners) listener(state);
  }
}
