import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

/** A client socket under test: how much it read, whether the other side closed it. */
export interface RawClient extends Disposable {
  readonly socket: Socket;
  /** Bytes read so far (a paused client stops here). */
  bytesRead(): number;
  /** Whether the socket was closed (by the server, or by an error). */
  closed(): boolean;
}

function track(socket: Socket): RawClient {
  let read = 0;
  let closed = false;
  socket.on('data', (chunk: Buffer) => {
    read += chunk.length;
  });
  socket.on('error', () => {
    closed = true;
  });
  socket.on('close', () => {
    closed = true;
  });
  return {
    socket,
    bytesRead: () => read,
    closed: () => closed,
    [Symbol.dispose]: () => socket.destroy(),
  };
}

/** Reads until `done(text so far)`, then leaves the socket paused (nothing more is read). */
function readUntil(socket: Socket, done: (text: string) => boolean, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => finish(new Error(`no ${what} within 10 s`)), 10_000);
    const onData = (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (done(text)) finish();
    };
    const onClose = () => finish(new Error(`connection closed before ${what}`));
    const finish = (error?: Error) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.pause();
      if (error) {
        socket.destroy();
        reject(error);
      } else resolve(text);
    };
    socket.on('data', onData);
    socket.on('close', onClose);
  });
}

/**
 * A NATS client over raw TCP that subscribes to `subject` and then never reads again: the
 * kernel's buffers fill, then the server's, until the server drops it as a slow consumer. (A
 * nats.js client cannot do this: it always reads, buffering without a bound instead.)
 *
 * @example
 * using slow = await stalledNatsSubscriber(port, 'md.candle.>');
 */
export async function stalledNatsSubscriber(port: number, subject: string): Promise<RawClient> {
  const socket = connect({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  // INFO first; then CONNECT, SUB and a PING whose PONG says the subscription is in place.
  await readUntil(socket, (t) => t.includes('\r\n'), 'INFO');
  const pong = readUntil(socket, (t) => t.includes('PONG'), 'PONG');
  socket.resume();
  socket.write(
    `CONNECT {"verbose":false,"pedantic":false,"name":"chaos-stalled","lang":"raw","version":"0"}\r\nSUB ${subject} 1\r\nPING\r\n`,
  );
  await pong;
  const client = track(socket);
  socket.pause(); // from here on, nothing is read
  return client;
}

/** A WebSocket client over raw TCP (RFC 6455 handshake and one masked text frame). */
export interface RawWebSocket extends RawClient {
  /** Sends one text frame (masked, as a client must). */
  send(text: string): void;
}

/** A masked client frame (RFC 6455 §5.2): `opcode` 0x1 text, 0xA pong. */
function clientFrame(opcode: number, payload: Buffer): Buffer {
  if (payload.length > 125) throw new Error('rawWebSocket sends short frames only');
  const mask = randomBytes(4);
  const frame = Buffer.alloc(6 + payload.length);
  frame[0] = 0x80 | opcode; // FIN
  frame[1] = 0x80 | payload.length; // masked
  mask.copy(frame, 2);
  for (let i = 0; i < payload.length; i++) {
    frame[6 + i] = (payload[i] as number) ^ (mask[i % 4] as number);
  }
  return frame;
}

/**
 * Answers the server's pings, as a browser does (the gateway closes clients that do not): walks
 * the server's unmasked frames across chunks and replies to each ping with a pong.
 */
function answerPings(socket: Socket): void {
  let rest = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    let buf = rest.length === 0 ? chunk : Buffer.concat([rest, chunk]);
    for (;;) {
      if (buf.length < 2) break;
      const opcode = (buf[0] as number) & 0x0f;
      let length = (buf[1] as number) & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buf.length < 4) break;
        length = buf.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buf.length < 10) break;
        length = Number(buf.readBigUInt64BE(2));
        offset = 10;
      }
      if (buf.length < offset + length) break;
      if (opcode === 0x9) socket.write(clientFrame(0xa, buf.subarray(offset, offset + length)));
      buf = buf.subarray(offset + length);
    }
    rest = Buffer.from(buf);
  });
}

/**
 * Opens a WebSocket to `url` (`ws://host:port/path`) with no library: `reading` false means it
 * never reads after the handshake, like a browser tab that froze; a reading one also answers
 * pings.
 *
 * @example
 * using frozen = await rawWebSocket(gateway.wsUrl, false);
 * frozen.send(JSON.stringify({ id: 1, type: 'watch', symbol: 'S0001', tf: '1m' }));
 */
export async function rawWebSocket(url: string, reading: boolean): Promise<RawWebSocket> {
  const { hostname, port, pathname } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  await once(socket, 'connect');
  const key = randomBytes(16).toString('base64');
  socket.write(
    `GET ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  const answer = readUntil(socket, (t) => t.includes('\r\n\r\n'), 'handshake answer');
  socket.resume();
  const head = await answer;
  if (!head.startsWith('HTTP/1.1 101')) {
    socket.destroy();
    throw new Error(`WebSocket handshake refused: ${head.split('\r\n')[0]}`);
  }
  const client = track(socket);
  if (reading) {
    answerPings(socket);
    socket.resume();
  } else socket.pause();
  return {
    ...client,
    send(text: string) {
      socket.write(clientFrame(0x1, Buffer.from(text)));
    },
  };
}
