import { admitTick } from '@ballast/runtime';
import { describe, expect, it } from 'vitest';
import { controlAccepted, tickAccepted } from '../src/fuzz/acceptance.js';
import { malformedControls } from '../src/fuzz/malformedControls.js';
import { malformedTicks } from '../src/fuzz/malformedTicks.js';
import { percentile } from '../src/harness/percentile.js';
import { addCounts, byLabel, parsePrometheusText, total } from '../src/harness/prometheusText.js';
import { RowBuilder } from '../src/harness/scenarioRow.js';
import { probeSymbols, symbolNames } from '../src/harness/seededTicks.js';
import { renderMarkdown, renderTable } from '../src/report/renderReport.js';

describe('percentile', () => {
  it('takes the nearest rank', () => {
    expect(percentile([300, 120, 80], 50)).toBe(120);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99)).toBe(10);
    expect(percentile([], 50)).toBeNull();
  });
});

describe('parsePrometheusText', () => {
  it('reads samples by name and label, skipping comments', () => {
    const samples = parsePrometheusText(
      [
        '# HELP x',
        'ballast_dead_letters_total{reason="decode_failed",worker="w1"} 12',
        'ballast_dead_letters_total{reason="oversize",worker="w1"} 3',
        'ballast_dead_letters_total{reason="oversize",worker="w2"} 1',
        'ballast_lease_lost_total{worker="w1"} 2',
        'ballast_up 1',
      ].join('\n'),
    );
    expect(total(samples, 'ballast_lease_lost_total')).toBe(2);
    expect(total(samples, 'ballast_up')).toBe(1);
    expect(byLabel(samples, 'ballast_dead_letters_total', 'reason')).toEqual({
      decode_failed: 12,
      oversize: 4,
    });
    expect(addCounts({ a: 1 }, { a: 2, b: 1 })).toEqual({ a: 3, b: 1 });
  });
});

describe('malformedTicks', () => {
  const names = symbolNames(40);
  const messages = [
    ...malformedTicks({
      seed: 1,
      count: 2_000,
      partitions: 4,
      symbols: names,
      accept: tickAccepted(4),
    }),
  ];

  it('yields only messages a worker refuses, on subjects some partition consumer reads', () => {
    expect(messages).toHaveLength(2_000);
    for (const m of messages) {
      expect(admitTick(m.subject, m.payload, 4).ok).toBe(false);
      expect(m.subject).toMatch(/^md\.tick\.[0-3]\.[^.]+/);
    }
  });

  it('covers every kind of damage and is the same for the same seed', () => {
    expect(new Set(messages.map((m) => m.category)).size).toBe(9);
    const again = [
      ...malformedTicks({
        seed: 1,
        count: 50,
        partitions: 4,
        symbols: names,
        accept: tickAccepted(4),
      }),
    ];
    expect(again.map((m) => Buffer.from(m.payload).toString('hex'))).toEqual(
      messages.slice(0, 50).map((m) => Buffer.from(m.payload).toString('hex')),
    );
  });
});

describe('malformedControls', () => {
  it('yields only control messages their listener refuses, on every control subject', () => {
    const messages = [...malformedControls({ seed: 2, count: 1_000, accept: controlAccepted })];
    expect(messages).toHaveLength(1_000);
    for (const m of messages) expect(controlAccepted(m.subject, m.payload)).toBe(false);
    expect(new Set(messages.map((m) => m.subject))).toEqual(
      new Set(['ctl.reload', 'ctl.inspect', 'ctl.breaker.candleSink', 'ctl.sink.set']),
    );
    expect(new Set(messages.map((m) => m.category)).size).toBe(7);
  });
});

describe('probeSymbols', () => {
  it('finds one symbol per partition', () => {
    const probes = probeSymbols(symbolNames(100), 8);
    expect(probes).toHaveLength(8);
    expect(() => probeSymbols(['S0000'], 8)).toThrow(/partition/);
  });
});

describe('report', () => {
  const row = (() => {
    const builder = new RowBuilder('worker crashes', 'ci');
    builder.check('digests equal', true);
    builder.check('nothing lost', false, '3 ticks missing');
    builder.note('3 workers');
    return builder.build({
      faults: '5 × SIGKILL',
      faultsInjected: 5,
      events: 12_345,
      lost: 3,
      appliedTwice: 0,
      maxRssMb: 123.4,
      recoveriesMs: [1_000, 2_000, 3_000],
    });
  })();

  it('fails every book check when a symbol never answered the audit', () => {
    const builder = new RowBuilder('x', 'ci');
    const audit = {
      symbols: 3,
      mismatches: ['S1: no answer'],
      mismatchCount: 1,
      lost: 0,
      appliedTwice: 0,
      unanswered: 1,
    };
    builder.checkBooks(audit);
    expect(builder.checks.map((c) => c.ok)).toEqual([false, false, false]);
    const clean = new RowBuilder('x', 'ci');
    clean.checkBooks({ ...audit, mismatches: [], mismatchCount: 0, unanswered: 0 });
    expect(clean.checks.map((c) => c.ok)).toEqual([true, true, true]);
  });

  it('checks an RSS spread against its bound, naming the bound', () => {
    const builder = new RowBuilder('x', 'ci');
    expect(builder.checkRssSpread('worker RSS flat', 64, 64)).toBe(true);
    expect(builder.checkRssSpread('gateway RSS flat', 64.04, 64)).toBe(false);
    expect(builder.checks).toEqual([
      { name: 'worker RSS flat (max − min ≤ 64 MB)', ok: true, detail: '64.0 MB' },
      { name: 'gateway RSS flat (max − min ≤ 64 MB)', ok: false, detail: '64.0 MB' },
    ]);
  });

  it('builds a row with percentiles and a failed check', () => {
    expect(row).toMatchObject({ recoveryP50Ms: 2_000, recoveryP99Ms: 3_000, maxRssMb: 123 });
    expect(renderTable([row])).toMatch(
      /worker crashes\s+5 × SIGKILL\s+12,345\s+3\s+0\s+123\s+2,000 \/ 3,000\s+FAIL \(1 of 2\)/,
    );
  });

  it('renders markdown with the table, notes, checks and machine', () => {
    const md = renderMarkdown({
      v: 2,
      generatedAt: '2026-01-05T14:30:00.000Z',
      size: 'full',
      durationMs: 600_000,
      machine: {
        cpuModel: 'cpu',
        cores: 2,
        ramBytes: 24 * 2 ** 30,
        os: 'Linux 6.1.0 (linux)',
        node: 'v20',
        natsServer: '2.9.10',
        gitCommit: 'abc1234',
        date: '2026-01-05T14:30:00.000Z',
      },
      loadAtStart: 1,
      rows: [row],
    });
    // Cells padded to the column's width, figures right-aligned: as Biome formats the table.
    expect(md).toContain(
      [
        '| scenario       | faults injected | events | lost | applied twice | max RSS (MB) | recovery p50 / p99 (ms) | result        |',
        '| -------------- | --------------: | -----: | ---: | ------------: | -----------: | ----------------------: | ------------- |',
        '| worker crashes |     5 × SIGKILL | 12,345 |    3 |             0 |          123 |           2,000 / 3,000 | FAIL (1 of 2) |',
      ].join('\n'),
    );
    expect(md).toContain('- ✗ nothing lost — 3 ticks missing');
    expect(md).toContain('- 3 workers');
    expect(md).toContain(
      'cpu, 2 cores, 24.0 GiB; Linux 6.1.0 (linux); Node v20; nats-server 2.9.10; 1-minute load 1 at the start.',
    );
  });
});
