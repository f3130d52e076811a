import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Candle, decodeCandle, encodeTick, partition, tickSubject } from '@ballast/protocol';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Gateway, startGateway } from '../src/gateway/index.js';
import { type LocalCluster, startLocalCluster } from './localCluster.js';

const staticDir = fileURLToPath(new URL('../dist/web/', import.meta.url));
const outputDir = fileURLToPath(new URL('../test-output/', import.meta.url));
const chromiumPath = '/usr/bin/chromium';

/** Polls until the page shows what a test expects: 15 s unless told (announcements come every 2 s). */
function poll<T>(read: () => T | Promise<T>, timeout = 15_000) {
  return expect.poll(read, { timeout, interval: 200 });
}

describe('the dashboard in a browser, against a running local cluster', () => {
  let cluster: LocalCluster;
  let gateway: Gateway;
  let browser: Browser;
  let page: Page;
  let admin: NatsConnection;
  /** The last 1m candle seen per symbol: which symbols trade, and at what price. */
  const lastCandles = new Map<string, Candle>();
  /** Requests the page made anywhere but the gateway: must stay empty (offline). */
  const external: string[] = [];

  beforeAll(async () => {
    if (!existsSync(chromiumPath)) {
      throw new Error(
        `no browser at ${chromiumPath}: install Debian's chromium (apt-get install chromium); these tests never download one`,
      );
    }
    if (!existsSync(`${staticDir}index.html`)) {
      throw new Error(`the page is not built (${staticDir}): run \`pnpm build\` in apps/dashboard`);
    }
    mkdirSync(outputDir, { recursive: true });
    cluster = await startLocalCluster(['--symbols', '30', '--rate', '300', '--partitions', '4']);
    gateway = await startGateway({
      servers: cluster.nats,
      auth: cluster.users.gateway,
      partitions: cluster.partitions,
      staticDir,
      limits: { pollIntervalMs: 1_000 },
    });
    admin = await connect({ servers: cluster.nats, ...cluster.users.admin });
    admin.subscribe('md.candle.1m.*', {
      callback: (_e, msg) => {
        const candle = decodeCandle(msg.data);
        lastCandles.set(candle.symbol, candle);
      },
    });
    // Never a downloaded browser: Debian's chromium (root needs --no-sandbox).
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    const origin = new URL(gateway.url).origin;
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(origin) && !url.startsWith('ws://') && !url.startsWith('data:')) {
        external.push(url);
      }
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await admin?.close();
    await cluster?.stop();
  });

  it('shows 2 workers, their partitions and ticks/s > 0 on the overview', async () => {
    await page.goto(gateway.url);
    await poll(() => page.getByTestId('connection').getAttribute('data-state')).toBe('open');
    await poll(() => page.getByTestId('worker-row').count()).toBe(2);
    await poll(async () =>
      Number(await page.getByTestId('ticks-per-second').getAttribute('data-value')),
    ).toBeGreaterThan(0);
    // Once the leases settle, every partition has exactly one owner, and both own some.
    const workers = await page
      .getByTestId('worker-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-worker')));
    const owners = () =>
      page
        .getByTestId('partition')
        .evaluateAll((cells) => cells.map((c) => c.getAttribute('data-owner')).sort());
    await poll(async () => new Set(await owners()), 30_000).toEqual(new Set(workers));
    expect(await owners()).toHaveLength(4);
    await poll(() => page.locator('[data-testid="plot-ticks"] canvas').count()).toBe(1);
    await poll(() => page.getByTestId('breaker-candleSink').getAttribute('data-state')).toBe(
      'CLOSED',
    );
    await page.screenshot({ path: `${outputDir}overview.png`, fullPage: true });
  });

  it("highlights a live symbol actor's active state and draws its candles", async () => {
    await poll(() => lastCandles.size).toBeGreaterThan(0);
    // The busiest symbol: surely live, never idle during the test.
    const busiest = [...lastCandles.values()].sort((a, b) => b.trades - a.trades)[0];
    const symbol = busiest?.symbol ?? '';
    await page.goto(gateway.url);
    await page.getByTestId('symbol-input').fill(symbol);
    await page.getByTestId('symbol-open').click();
    expect(new URL(page.url()).hash).toBe(`#/actor/symbol/${symbol}`);
    await poll(() => page.getByTestId('lifecycle').textContent()).toBe('live');
    const live = page.getByTestId('state-active.live');
    await poll(() => live.getAttribute('data-active')).toBe('true');
    expect(await page.getByTestId('state-active').getAttribute('data-active')).toBe('true');
    expect(await page.getByTestId('state-hydrating').getAttribute('data-active')).toBe('false');
    await poll(async () =>
      Number(await page.getByTestId('candle-chart').getAttribute('data-bars')),
    ).toBeGreaterThan(0);

    await page.getByTestId('inspect-button').click();
    await poll(() => page.getByTestId('inspect-command').textContent()).toBe(
      `ballast inspect --actor symbol/${symbol}`,
    );
    expect(gateway.counters.inspectCommands).toBe(1);
    await page.screenshot({ path: `${outputDir}actor.png`, fullPage: true });
  });

  it('turns the candleSink breaker tile OPEN when the sink goes down', async () => {
    const down = await cluster.ballast(['sink', 'set', '--down']);
    expect(down.code).toBe(0);
    await page.goto(gateway.url);
    await poll(() => page.getByTestId('sink-row').getAttribute('data-down')).toBe('true');

    // Closed candles go to the sink at minute boundaries of event time. Rather than wait for
    // the next one, publish a tick in the next minute for every symbol seen: each closes its
    // current 1m candle, which goes to the (now silent) sink at once.
    const nextMinute = Math.floor(Date.now() / 60_000) * 60_000 + 60_000;
    // Sequence numbers run per source and partition: contiguous in each, so no gap is reported.
    const seqs = new Map<number, number>();
    for (const [symbol, candle] of lastCandles) {
      const p = partition(symbol, cluster.partitions);
      const seq = (seqs.get(p) ?? 0) + 1;
      seqs.set(p, seq);
      admin.publish(
        tickSubject(symbol, cluster.partitions),
        encodeTick({
          v: 1,
          symbol,
          price: candle.close,
          size: 1,
          ts: nextMinute + 1,
          source: 'dashboard-test',
          sourceSeq: seq,
        }),
      );
    }
    await admin.flush();

    const tile = page.getByTestId('breaker-candleSink');
    await poll(() => tile.getAttribute('data-state'), 90_000).toBe('OPEN');
    await poll(() => page.getByTestId('breaker-candleSink-transitions').textContent()).toContain(
      'CLOSED → OPEN',
    );
    // The injected ticks were in order: no sequence gap or other error came of them.
    expect(await page.getByTestId('errors').getAttribute('data-value')).toBe('0');
    await page.screenshot({ path: `${outputDir}breaker-open.png`, fullPage: true });

    // The tile opens the circuit breaker's statechart with OPEN highlighted.
    await tile.click();
    await poll(() => page.getByTestId('state-OPEN').getAttribute('data-active')).toBe('true');
    expect(await page.getByTestId('state-CLOSED').getAttribute('data-active')).toBe('false');
    await page.screenshot({ path: `${outputDir}breaker-statechart.png`, fullPage: true });
    // Overview, actor page (charts, statechart layout) and machine page: nothing from outside.
    expect(external).toEqual([]);
  });
});
