import { NatsServer } from '@ballast/nats';
import {
  type DeadLetter,
  deadLetterFor,
  decodeDeadLetter,
  decodeErrorEntry,
  type ErrorEntry,
  systemSubjects,
} from '@ballast/protocol';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { admitTick } from '../ingest/tickAdmission.js';
import type { Logger } from '../logger.js';
import { SystemReporter } from './SystemReporter.js';

const t0 = Date.UTC(2026, 0, 2, 9, 30);

/** Collects what reaches a subject, decoded. */
function collect<T>(nc: NatsConnection, subject: string, decode: (data: Uint8Array) => T): T[] {
  const got: T[] = [];
  nc.subscribe(subject, {
    callback: (_error, msg) => {
      got.push(decode(msg.data));
    },
  });
  return got;
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A logger that records calls, for asserting what was logged. */
function recordingLogger(): { log: Logger; lines: { level: string; args: unknown[] }[] } {
  const lines: { level: string; args: unknown[] }[] = [];
  const at =
    (level: string) =>
    (...args: unknown[]) => {
      lines.push({ level, args });
    };
  const log = { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
  return { log: { ...log, child: () => ({ ...log }) } as unknown as Logger, lines };
}

function letter(i: number): DeadLetter {
  return deadLetterFor(new Error(`bad ${i}`), {
    subject: 'md.tick.3.X',
    payload: Uint8Array.of(i & 0xff),
    at: t0,
  });
}

describe('SystemReporter', () => {
  it('publishes dead letters and errors that any subscriber decodes', async () => {
    await using server = await NatsServer.start({ jetStream: false });
    const nc = await connect({ servers: server.url });
    try {
      const letters = collect(nc, systemSubjects.deadLetter, (d) => decodeDeadLetter(d));
      const errors = collect(nc, systemSubjects.errors, (d) => decodeErrorEntry(d));
      const reporter = new SystemReporter({ nc, now: () => t0 });
      const admission = admitTick('md.tick.3.AAPL', Uint8Array.of(0xc1), 16, t0);
      expect(admission.ok).toBe(false);
      if (!admission.ok) reporter.deadLetter(admission.deadLetter);
      const cause = new Error('KV get timed out');
      const failure = Object.assign(new Error('reload failed', { cause }), {
        code: 'reload_failed',
      });
      reporter.failure('reloader', 'reloader', failure, { reloading: 'fetch' });
      reporter.error({
        source: 'worker-1',
        kind: 'sequence',
        code: 'gap',
        message: 'sim-p03: 42..43',
      });
      await nc.flush();
      await until(() => letters.length === 1 && errors.length === 2);
      expect(letters[0]).toMatchObject({
        reason: 'bad_subject',
        subject: 'md.tick.3.AAPL',
        at: t0,
      });
      expect([...(letters[0]?.payload ?? [])]).toEqual([0xc1]);
      expect(errors[0]).toEqual({
        v: 1,
        source: 'reloader',
        kind: 'reloader',
        state: '{"reloading":"fetch"}',
        code: 'reload_failed',
        message: 'reload failed',
        cause: 'KV get timed out',
        at: t0,
      } satisfies ErrorEntry);
      expect(errors[1]).toMatchObject({ kind: 'sequence', code: 'gap', at: t0 });
      expect(reporter.counters.deadLetters.bad_subject).toBe(1);
      expect(reporter.counters.errors).toEqual({ reloader: 1, sequence: 1 });
      expect(reporter.counters.published).toBe(3);
      expect(reporter.recentErrors()).toEqual(errors);
      reporter.stop();
    } finally {
      await nc.close();
    }
  });

  it('publishes at most maxPublishPerSecond of a 100k flood, counting every one', async () => {
    await using server = await NatsServer.start({ jetStream: false });
    const nc = await connect({ servers: server.url });
    try {
      const letters = collect(nc, systemSubjects.deadLetter, (d) => decodeDeadLetter(d));
      let now = t0;
      const reporter = new SystemReporter({ nc, now: () => now, maxPublishPerSecond: 50 });
      for (let i = 0; i < 100_000; i++) reporter.deadLetter(letter(i));
      now += 200; // a fifth of a second: 10 more tokens
      for (let i = 0; i < 1_000; i++) reporter.deadLetter(letter(i));
      await nc.flush();
      await until(() => letters.length >= 60);
      await nc.flush();
      expect(letters).toHaveLength(60);
      expect(reporter.counters).toMatchObject({ published: 60, suppressed: 101_000 - 60 });
      expect(reporter.counters.deadLetters.processing_failed).toBe(101_000);
      expect(reporter.recentDeadLetters()).toHaveLength(500);
      expect(reporter.recentDeadLetters().at(-1)?.detail).toBe('bad 999');
      reporter.stop();
    } finally {
      await nc.close();
    }
  });

  it('rate-limits errors apart from dead letters, and logs only what it publishes', () => {
    const { log, lines } = recordingLogger();
    const sent: string[] = [];
    const nc = { publish: (subject: string) => void sent.push(subject) };
    const reporter = new SystemReporter({ nc, log, now: () => t0, maxPublishPerSecond: 3 });
    for (let i = 0; i < 10; i++) reporter.deadLetter(letter(i));
    for (let i = 0; i < 10; i++)
      reporter.error({ source: 's', kind: 'k', code: 'c', message: `m${i}` });
    expect(sent.filter((s) => s === systemSubjects.deadLetter)).toHaveLength(3);
    expect(sent.filter((s) => s === systemSubjects.errors)).toHaveLength(3);
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(3);
    expect(lines.filter((l) => l.level === 'debug')).toHaveLength(3);
    expect(lines.find((l) => l.level === 'warn')?.args).toEqual([
      { source: 's', kind: 'k', code: 'c', at: t0 },
      'm0',
    ]);
    expect(reporter.counters.suppressed).toBe(14);
    expect(reporter.counters.errors.k).toBe(10);
    reporter.summarize();
    const summary = lines.find((l) => l.level === 'info');
    expect(summary?.args[0]).toMatchObject({ deadLetters: 10, errors: 10, suppressed: 14 });
    lines.length = 0;
    reporter.summarize(); // nothing new: no line
    expect(lines).toHaveLength(0);
    reporter.stop();
  });

  it('counts at most maxErrorKinds kinds and folds the rest into other', () => {
    const nc = { publish: () => {} };
    const reporter = new SystemReporter({ nc, maxErrorKinds: 100 });
    for (let i = 0; i < 150; i++) {
      reporter.error({ source: 's', kind: `kind${i}`, code: 'c', message: 'm' });
    }
    reporter.error({ source: 's', kind: '__proto__', code: 'c', message: 'm' });
    reporter.error({ source: 's', kind: 'kind0', code: 'c', message: 'm' });
    expect(Object.keys(reporter.counters.errors)).toHaveLength(101);
    expect(reporter.counters.errors.other).toBe(51);
    expect(reporter.counters.errors.kind0).toBe(2);
    reporter.stop();
  });

  it('keeps only the known fields, cut to the wire limits', () => {
    const reporter = new SystemReporter({ nc: { publish: () => {} } });
    const huge = 'x'.repeat(1_000_000);
    const report = { source: huge, kind: huge, code: 'c', message: huge, extra: huge };
    const entry = reporter.error(report);
    expect(entry.kind).toHaveLength(256);
    expect(entry.message).toHaveLength(4096);
    expect(Object.keys(reporter.counters.errors)[0]).toHaveLength(256);
    expect(reporter.recentErrors()[0]).not.toHaveProperty('extra');
    reporter.stop();
  });

  it('keeps a copy of the payload, not a view of the whole message buffer', () => {
    const reporter = new SystemReporter({ nc: { publish: () => {} } });
    const message = new Uint8Array(64 * 1024);
    reporter.deadLetter(
      deadLetterFor(new Error('x'), { subject: 'md.tick.1.A', payload: message, at: t0 }),
    );
    const kept = reporter.recentDeadLetters()[0];
    expect(kept?.payload.byteLength).toBe(1024);
    expect(kept?.payload.buffer.byteLength).toBe(1024);
    expect(kept?.payloadSize).toBe(64 * 1024);
    reporter.stop();
  });

  it('counts and logs once when publishing fails, and goes on', () => {
    const { log, lines } = recordingLogger();
    const nc = {
      publish: () => {
        throw Object.assign(new Error('connection closed'), { code: 'CONNECTION_CLOSED' });
      },
    };
    const reporter = new SystemReporter({ nc, log });
    for (let i = 0; i < 5; i++) reporter.deadLetter(letter(i));
    expect(reporter.counters).toMatchObject({ published: 0, publishFailed: 5 });
    expect(reporter.counters.deadLetters.processing_failed).toBe(5);
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1);
    reporter.stop();
  });

  it('logs a summary from its unref timer and stops it', async () => {
    const { log, lines } = recordingLogger();
    const reporter = new SystemReporter({ nc: { publish: () => {} }, log, summaryIntervalMs: 10 });
    reporter.deadLetter(letter(1));
    await until(() => lines.some((l) => l.level === 'info'));
    reporter.stop();
    const count = lines.length;
    await new Promise((resolve) => setTimeout(resolve, 30));
    reporter.deadLetter(letter(2));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(lines.filter((l) => l.level === 'info')).toHaveLength(1);
    expect(lines.length).toBe(count + 1); // the debug line of letter 2, no summary
  });
});
