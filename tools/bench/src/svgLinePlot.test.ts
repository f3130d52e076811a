import { describe, expect, it } from 'vitest';
import { niceAxis, svgLinePlot } from './svgLinePlot.js';

const line = (name: string, ys: number[], dashed = false) => ({
  name,
  dashed,
  points: ys.map((y, x) => ({ x, y })),
});

describe('svgLinePlot', () => {
  it('draws one path per series with more than one point, and a legend entry for each', () => {
    const svg = svgLinePlot({
      title: 'RSS',
      xLabel: 'minutes',
      yLabel: 'MiB',
      series: [line('w1', [200, 210, 205]), line('naive', [100, 400, 800], true), line('one', [5])],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(1);
    expect(svg.match(/stroke-dasharray="6 4"/g)).toHaveLength(2); // the dashed line and its key
    for (const name of ['w1', 'naive', 'one']) expect(svg).toContain(`>${name}</text>`);
  });

  it('maps the largest y to the top of the plot and y = 0 to its bottom', () => {
    const svg = svgLinePlot({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      series: [line('a', [0, 100])],
      height: 420,
    });
    // Plot area: top 40, height 420 - 40 - 50 = 330; the axis is 0..100.
    expect(svg).toMatch(/d="M70 370 L[\d.]+ 40"/);
  });

  it('escapes text, so a name cannot break the document', () => {
    const svg = svgLinePlot({
      title: 'a < b & "c"',
      xLabel: 'x',
      yLabel: 'y',
      series: [line('<w1>', [1, 2])],
    });
    expect(svg).toContain('a &lt; b &amp; &quot;c&quot;');
    expect(svg).toContain('&lt;w1&gt;');
    expect(svg).not.toContain('<w1>');
  });

  it('draws markers and survives empty, constant and non-finite data without NaN', () => {
    const svg = svgLinePlot({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      series: [
        line('flat', [7, 7, 7]),
        { name: 'bad', points: [{ x: Number.NaN, y: 1 }] },
        line('none', []),
      ],
      markers: [{ x: 1, label: 'end of warm-up' }],
    });
    expect(svg).not.toContain('NaN');
    expect(svg).not.toContain('Infinity');
    expect(svg).toContain('end of warm-up');
  });

  it('draws at most 1,000 points per series, keeping the last', () => {
    const ys = Array.from({ length: 5_000 }, (_, i) => i);
    const svg = svgLinePlot({ title: 't', xLabel: 'x', yLabel: 'y', series: [line('long', ys)] });
    const path = /d="([^"]+)"/.exec(svg)?.[1] ?? '';
    const points = path.split(/[ML]/).filter((p) => p.trim() !== '');
    expect(points.length).toBeLessThanOrEqual(1_001);
    expect(points.length).toBeGreaterThan(900);
  });
});

describe('niceAxis', () => {
  it('widens the range to round ticks of 1, 2 or 5 times a power of ten', () => {
    expect(niceAxis(0, 97)).toEqual({ min: 0, max: 100, ticks: [0, 20, 40, 60, 80, 100] });
    expect(niceAxis(0.3, 2.7).ticks).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3]);
    expect(niceAxis(-3, 3).ticks).toEqual([-4, -2, 0, 2, 4]);
  });

  it('makes a range out of a single value', () => {
    const axis = niceAxis(5, 5);
    expect(axis.min).toBeLessThanOrEqual(5);
    expect(axis.max).toBeGreaterThan(5);
  });
});
