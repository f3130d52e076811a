import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { ClientChannel } from './ClientChannel.js';

/** A socket whose peer never reads: every byte sent stays buffered. */
class StalledSocket extends EventEmitter {
  bufferedAmount = 0;
  terminated = false;
  send(text: string): void {
    this.bufferedAmount += Buffer.byteLength(text);
  }
  terminate(): void {
    this.terminated = true;
    this.emit('close');
  }
  ping(): void {}
}

describe('ClientChannel', () => {
  it('drops a client before its buffer passes maxBufferedBytes', () => {
    const socket = new StalledSocket();
    const reasons: string[] = [];
    const channel = new ClientChannel(
      socket as unknown as WebSocket,
      { maxBufferedBytes: 1_000, maxQueuedFrames: 1_000 },
      (reason) => reasons.push(reason),
    );
    let sent = 0;
    while (channel.sendText('x'.repeat(300))) sent++;
    expect(sent).toBe(3);
    expect(socket.bufferedAmount).toBeLessThanOrEqual(1_000);
    expect(channel.maxBufferedSeen).toBe(900);
    expect(socket.terminated).toBe(true);
    expect(reasons).toEqual(['slow']);
    expect(channel.sendText('x')).toBe(false);
  });

  it('sends one frame larger than the bound when nothing else waits, then drops', () => {
    const socket = new StalledSocket();
    const channel = new ClientChannel(
      socket as unknown as WebSocket,
      { maxBufferedBytes: 1_000, maxQueuedFrames: 1_000 },
      () => {},
    );
    expect(channel.sendText('h'.repeat(5_000))).toBe(true);
    expect(channel.sendText('x')).toBe(false);
    expect(channel.closed).toBe(true);
  });

  it('drops a client with maxQueuedFrames writes pending', () => {
    const socket = new StalledSocket();
    const channel = new ClientChannel(
      socket as unknown as WebSocket,
      { maxBufferedBytes: 1e9, maxQueuedFrames: 2 },
      () => {},
    );
    expect([channel.sendText('a'), channel.sendText('b'), channel.sendText('c')]).toEqual([
      true,
      true,
      false,
    ]);
    expect(channel.closed).toBe(true);
  });

  it('closes a client that missed a ping', () => {
    const socket = new StalledSocket();
    const reasons: string[] = [];
    const channel = new ClientChannel(
      socket as unknown as WebSocket,
      { maxBufferedBytes: 1e9, maxQueuedFrames: 10 },
      (r) => reasons.push(r),
    );
    channel.heartbeat();
    socket.emit('pong');
    channel.heartbeat();
    expect(channel.closed).toBe(false);
    channel.heartbeat();
    expect(reasons).toEqual(['timeout']);
  });
});
