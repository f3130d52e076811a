import type { WebSocket } from 'ws';

/** Bounds of one browser's outgoing data. */
export interface ClientLimits {
  /** Bytes written but not yet taken by the kernel (ws `bufferedAmount`) plus the next frame. */
  readonly maxBufferedBytes: number;
  /** Frames handed to ws whose write has not completed. */
  readonly maxQueuedFrames: number;
}

/** Why a channel closed. */
export type ChannelCloseReason = 'slow' | 'closed' | 'timeout' | 'stopped';

/**
 * One browser's WebSocket with a bounded outgoing buffer. A frame goes out only if it fits
 * under both bounds (or nothing else is waiting for that client); a client that does not keep up is disconnected at once (`terminate`, which
 * frees its socket buffers) instead of being queued for: the gateway's memory per client is
 * at most `maxBufferedBytes` or one frame, whichever is larger, whatever the client does.
 *
 * @example
 * const channel = new ClientChannel(socket, { maxBufferedBytes: 1 << 20, maxQueuedFrames: 1000 },
 *   (reason) => { if (reason === 'slow') counters.slowClientsDropped++; });
 * channel.sendText(JSON.stringify(message));
 */
export class ClientChannel {
  /** Most bytes seen buffered for this client (for tests and the overview). */
  maxBufferedSeen = 0;
  #socket: WebSocket;
  #limits: ClientLimits;
  #queued = 0;
  #closed = false;
  #alive = true;
  #onClose: (reason: ChannelCloseReason) => void;

  constructor(
    socket: WebSocket,
    limits: ClientLimits,
    onClose: (reason: ChannelCloseReason) => void,
  ) {
    this.#socket = socket;
    this.#limits = limits;
    this.#onClose = onClose;
    socket.once('close', () => this.#finish('closed'));
    socket.on('pong', () => {
      this.#alive = true;
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sends one text frame, or drops the client when it would pass a bound.
   *
   * @param text - a JSON message, serialized once for every client it goes to
   * @param bytes - `Buffer.byteLength(text)`, also computed once
   * @returns whether the frame was sent
   */
  sendText(text: string, bytes: number = Buffer.byteLength(text)): boolean {
    if (this.#closed) return false;
    const buffered = this.#socket.bufferedAmount;
    // One frame larger than the bound (a `hello` with the history of many workers) may go
    // out when nothing else is waiting: it is bounded by the history's own bounds.
    const idle = buffered === 0 && this.#queued === 0;
    if (
      this.#queued >= this.#limits.maxQueuedFrames ||
      (!idle && buffered + bytes > this.#limits.maxBufferedBytes)
    ) {
      this.close('slow');
      return false;
    }
    this.#queued++;
    this.#socket.send(text, (error) => {
      this.#queued--;
      // A failed write means the socket is gone; its 'close' event finishes the channel.
      if (error !== undefined && error !== null) this.close('closed');
    });
    const after = this.#socket.bufferedAmount;
    if (after > this.maxBufferedSeen) this.maxBufferedSeen = after;
    return true;
  }

  /**
   * Called every heartbeat period: a client that did not answer the previous ping is closed
   * (`timeout`); otherwise it is pinged again. A dead browser cannot hold a channel for long.
   */
  heartbeat(): void {
    if (this.#closed) return;
    if (!this.#alive) {
      this.close('timeout');
      return;
    }
    this.#alive = false;
    this.#socket.ping();
  }

  /** Closes the socket without waiting for buffered frames (they are what we must not keep). */
  close(reason: ChannelCloseReason): void {
    if (this.#closed) return;
    this.#finish(reason);
    this.#socket.terminate();
  }

  #finish(reason: ChannelCloseReason): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#onClose(reason);
  }
}
