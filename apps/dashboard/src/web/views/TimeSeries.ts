import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { WorkerSample } from '../../gateway/gatewayMessages.js';
import { formatBytes, formatRate, workerColor } from '../format.js';

interface TimeSeriesProps {
  readonly title: string;
  readonly testId: string;
  /** Worker id -> its samples, oldest first. */
  readonly samples: ReadonlyMap<string, readonly WorkerSample[]>;
  readonly value: (sample: WorkerSample) => number;
  readonly unit: 'rate' | 'bytes';
  /** Changes whenever samples change: the plot redraws only then. */
  readonly version: number;
}

/**
 * One live uPlot line per worker over the gateway's sample history (x: seconds). Samples of
 * different workers arrive at different times, so each worker's points are placed on the
 * union of timestamps, with gaps (null) where it has none.
 *
 * @example
 * html`<${TimeSeries} title="ticks/s" testId="plot-ticks" samples=${samples}
 *   value=${(s) => s.ticksPerSecond} unit="rate" version=${v} />`
 */
export function TimeSeries({ title, testId, samples, value, unit, version }: TimeSeriesProps) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const workers = [...samples.keys()].sort();
  const shape = workers.join(',');

  // A new set of workers needs new series: rebuild the plot.
  useEffect(() => {
    const el = container.current;
    if (el === null) return;
    const format = unit === 'bytes' ? formatBytes : formatRate;
    plot.current = new uPlot(
      {
        width: Math.max(300, el.clientWidth),
        height: 180,
        legend: { show: true },
        scales: { x: { time: true } },
        axes: [
          { stroke: '#9aa4b2', grid: { stroke: '#2a3140' } },
          {
            stroke: '#9aa4b2',
            grid: { stroke: '#2a3140' },
            size: 70,
            values: (_u, ticks) => ticks.map((t) => format(t)),
          },
        ],
        series: [
          {},
          ...workers.map((id, i) => ({
            label: id,
            stroke: workerColor(i),
            width: 2,
            spanGaps: true,
            value: (_u: uPlot, v: number | null) => (v === null ? '–' : format(v)),
          })),
        ],
      },
      toData(samples, workers, value),
      el,
    );
    const resize = new ResizeObserver(() =>
      plot.current?.setSize({ width: Math.max(300, el.clientWidth), height: 180 }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [shape, unit]);

  useEffect(() => {
    plot.current?.setData(toData(samples, workers, value));
  }, [version]);

  return html`
    <section class="panel">
      <h3>${title}</h3>
      <div ref=${container} class="plot" data-testid=${testId}></div>
    </section>
  `;
}

function toData(
  samples: ReadonlyMap<string, readonly WorkerSample[]>,
  workers: readonly string[],
  value: (sample: WorkerSample) => number,
): uPlot.AlignedData {
  const times = new Set<number>();
  for (const id of workers)
    for (const s of samples.get(id) ?? []) times.add(Math.floor(s.at / 1000));
  const xs = [...times].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const series = workers.map((id) => {
    const ys: (number | null)[] = new Array(xs.length).fill(null);
    for (const s of samples.get(id) ?? []) ys[index.get(Math.floor(s.at / 1000)) ?? 0] = value(s);
    return ys;
  });
  return [xs, ...series];
}
