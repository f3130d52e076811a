/**
 * Figure 4b, bytes a passivated symbol leaves in a worker's process: an in-process Worker with
 * `maxLiveActors` = 1,000 folds 2 ticks for each of 1,000 symbols (all live), then 2 ticks for
 * each of 20,000 more, then for 20,000 more again; every new symbol passivates the least
 * recently used one (final snapshot, then stop). Heap plus array buffers is read after forced
 * GCs once all is folded and every final snapshot written, after each phase. The live count is
 * the same (1,000 actors with 2-tick books) after the second and third, so what grew between
 * them is what 20,000 more passivated symbols left behind: the goal is ~0 (a map entry per
 * symbol would already be ~100 B; the readings vary by ~±0.5 MB, ±25 B per symbol). The
 * second phase is the warm-up: it grows pools, buffers and compiled code once (~1 MB here),
 * which would otherwise read as ~50–100 B per symbol.
 *
 * The baseline is the same worker's bytes per live actor (the first phase), whose actors hold
 * nearly empty books; one with every window full is in @ballast/machines' bench (~300 KB).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { type Figure, makeFigure } from '@ballast/bench';
import { silentLogger, type TickFields, TickPublisher, Worker } from '../src/index.js';
import { waitFor } from '../test/harness/waitFor.js';
import { benchPartitions, publishTicks, startBenchStream } from './benchStream.js';
import { note } from './sampleStats.js';

const maxLive = 1_000;
// BALLAST_BENCH_PASSIVATED measures with another count (a fixed residue shows as a per-symbol
// figure that shrinks with the count; a per-symbol one stays).
const passivated = Number(process.env.BALLAST_BENCH_PASSIVATED ?? 20_000);
const ticksPerSymbol = 2;
const t0 = Date.UTC(2026, 0, 5, 14, 30);

/** Runs figure 4b on a fresh server (needs --expose-gc). */
export async function passivationFigures(): Promise<Figure[]> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('passivationFigures needs node --expose-gc');
  await using stream = await startBenchStream();
  const worker = await Worker.start({
    servers: stream.server.url,
    workerId: 'bench-passivation',
    partitions: benchPartitions,
    http: false,
    log: silentLogger(),
    actors: { maxLiveActors: maxLive },
  });
  try {
    await waitFor(
      'all partitions owned',
      () => worker.ownedPartitions().length === benchPartitions,
    );
    const host = worker.host;
    const settled = async (ticks: number) => {
      await waitFor(
        'every tick folded and every final snapshot written',
        () =>
          host.counters.ticksFolded >= ticks &&
          host.retiringActors === 0 &&
          host.writer.waiting === 0,
        120_000,
        20,
      );
      return retained(gc);
    };
    const publisher = new TickPublisher({
      js: stream.js,
      partitions: benchPartitions,
      feed: 'passivation',
    });
    const before = await settled(0);
    await publishTicks(publisher, ticksFor('L', maxLive, 0));
    const allLive = await settled(maxLive * ticksPerSymbol);
    await publishTicks(publisher, ticksFor('W', passivated, maxLive));
    const warm = await settled((maxLive + passivated) * ticksPerSymbol);
    await publishTicks(publisher, ticksFor('P', passivated, maxLive + passivated));
    await publisher.close();
    const after = await settled((maxLive + 2 * passivated) * ticksPerSymbol);
    const c = host.counters;
    note(
      `passivation: ${c.hydrations} hydrations, ${c.passivatedLru} LRU passivations, ${host.liveActors} live; heap+buffers ${mib(before)} -> ${mib(allLive)} (all live) -> ${mib(warm)} (warm-up) -> ${mib(after)} MiB`,
    );
    if (host.liveActors !== maxLive || c.passivatedLru < 2 * passivated || c.failed > 0) {
      throw new Error(
        `passivation bench: ${host.liveActors} live, ${c.passivatedLru} passivated, ${c.failed} failed`,
      );
    }
    return [
      makeFigure({
        name: `bytes left in-process per passivated symbol (${passivated.toLocaleString('en-US')} passivated)`,
        unit: 'B',
        value: (after - warm) / passivated,
        baselineName: 'bytes per live actor, same worker, 2-tick books',
        baseline: (allLive - before) / maxLive,
        goal: { on: 'value', op: '<=', target: 64 },
      }),
    ];
  } finally {
    await worker.stop();
  }
}

/**
 * 2 ticks each for `count` symbols `<prefix>00000`.., a symbol's ticks next to each other (one
 * hydration per symbol), a second apart.
 */
function* ticksFor(prefix: string, count: number, offset: number): Generator<TickFields> {
  for (let i = 0; i < count; i++) {
    for (let round = 0; round < ticksPerSymbol; round++) {
      yield {
        symbol: `${prefix}${String(i).padStart(5, '0')}`,
        price: 100 + ((i + round) % 97) / 100,
        size: 1 + (i % 9),
        ts: t0 + (offset + i) * 10 + round * 1_000,
      };
    }
  }
}

/** Heap used plus array buffers (the books' typed arrays) after full GCs. */
async function retained(gc: () => void): Promise<number> {
  for (let i = 0; i < 4; i++) {
    await nextTurn(); // let finalizers and pending callbacks run between collections
    gc();
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
