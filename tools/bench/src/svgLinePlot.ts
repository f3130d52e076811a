/** One point of a plotted series. */
export interface PlotPoint {
  readonly x: number;
  readonly y: number;
}

/** A named line. */
export interface PlotSeries {
  readonly name: string;
  readonly points: readonly PlotPoint[];
  /** Drawn dashed: for a baseline next to the measured lines. */
  readonly dashed?: boolean;
}

/** A vertical line across the plot, e.g. where a warm-up ends. */
export interface PlotMarker {
  readonly x: number;
  readonly label: string;
}

/** Options of {@link svgLinePlot}. */
export interface LinePlotOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly PlotSeries[];
  readonly markers?: readonly PlotMarker[];
  /** Default 900 × 420 px; the legend takes up to 280 px on the right. */
  readonly width?: number;
  readonly height?: number;
  /**
   * Start the y axis at zero. Default true: a flat memory line must look flat, and an axis
   * fitted to its min and max would blow a few MB of GC noise up to the whole height.
   */
  readonly yFromZero?: boolean;
}

const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2'];
/** Points drawn per series at most: a line 700 px wide shows no more detail than this. */
const maxPointsPerSeries = 1_000;
const margin = { top: 40, right: 20, bottom: 50, left: 70 };
/** Width of a legend character, roughly, at 12 px sans-serif. */
const charWidth = 6.6;

/**
 * Renders series as an SVG line plot (axes with round ticks, legend, optional markers): a
 * standalone file that GitHub renders in Markdown, with no browser or plotting library.
 *
 * @returns the SVG document
 * @example
 * await writeFile('docs/bench/soak.svg', svgLinePlot({
 *   title: 'Worker RSS', xLabel: 'minutes', yLabel: 'MB',
 *   series: [{ name: 'w1', points: samples.map((s) => ({ x: s.minutes, y: s.rssMb })) }],
 * }));
 */
export function svgLinePlot(options: LinePlotOptions): string {
  const width = options.width ?? 900;
  const height = options.height ?? 420;
  // The legend sits right of the plot, where it can hide neither lines nor marker labels.
  const longest = Math.max(0, ...options.series.map((s) => s.name.length));
  const legendW = options.series.length === 0 ? 0 : Math.min(280, 44 + longest * charWidth);
  const plotW = width - margin.left - margin.right - legendW;
  const plotH = height - margin.top - margin.bottom;
  const series = options.series.map((s) => ({ ...s, points: decimate(finite(s.points)) }));
  const all = series.flatMap((s) => s.points);
  const markers = (options.markers ?? []).filter((m) => Number.isFinite(m.x));
  const xs = [...all.map((p) => p.x), ...markers.map((m) => m.x)];
  const ys = all.map((p) => p.y);
  const xAxis = niceAxis(min(xs, 0), max(xs, 1));
  const yAxis = niceAxis(
    options.yFromZero === false ? min(ys, 0) : Math.min(0, min(ys, 0)),
    max(ys, 1),
  );
  const sx = (x: number) => margin.left + ((x - xAxis.min) / (xAxis.max - xAxis.min)) * plotW;
  const sy = (y: number) =>
    margin.top + plotH - ((y - yAxis.min) / (yAxis.max - yAxis.min)) * plotH;

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    // The title element is the plot's alternative text (screen readers, Biome's a11y lint).
    `<title>${escapeXml(options.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(options.title)}</text>`,
  ];
  for (const t of yAxis.ticks) {
    const y = round(sy(t));
    out.push(
      `<line x1="${margin.left}" y1="${y}" x2="${margin.left + plotW}" y2="${y}" stroke="#e5e5e5"/>`,
      `<text x="${margin.left - 6}" y="${y + 4}" text-anchor="end">${tickLabel(t)}</text>`,
    );
  }
  for (const t of xAxis.ticks) {
    const x = round(sx(t));
    out.push(
      `<line x1="${x}" y1="${margin.top}" x2="${x}" y2="${margin.top + plotH}" stroke="#f0f0f0"/>`,
      `<text x="${x}" y="${margin.top + plotH + 18}" text-anchor="middle">${tickLabel(t)}</text>`,
    );
  }
  out.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333333"/>`,
    `<text x="${margin.left + plotW / 2}" y="${height - 10}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    `<text transform="translate(16 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
  );
  for (const m of markers) {
    const x = round(sx(m.x));
    out.push(
      `<line x1="${x}" y1="${margin.top}" x2="${x}" y2="${margin.top + plotH}" stroke="#888888" stroke-dasharray="2 3"/>`,
      `<text x="${x + 4}" y="${margin.top + 14}" fill="#555555">${escapeXml(m.label)}</text>`,
    );
  }
  series.forEach((s, i) => {
    const color = palette[i % palette.length] as string;
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    if (s.points.length > 1) {
      const d = s.points
        .map((p, j) => `${j === 0 ? 'M' : 'L'}${round(sx(p.x))} ${round(sy(p.y))}`)
        .join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.8"${dash}/>`);
    } else if (s.points.length === 1) {
      const p = s.points[0] as PlotPoint;
      out.push(`<circle cx="${round(sx(p.x))}" cy="${round(sy(p.y))}" r="3" fill="${color}"/>`);
    }
    const ly = margin.top + 10 + i * 18;
    const lx = margin.left + plotW + 14;
    out.push(
      `<line x1="${lx}" y1="${ly - 4}" x2="${lx + 22}" y2="${ly - 4}" stroke="${color}" stroke-width="2.5"${dash}/>`,
      `<text x="${lx + 28}" y="${ly}">${escapeXml(s.name)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** An axis from `lo` to `hi` widened to round numbers, with ~5 round ticks (1, 2 or 5 × 10^k). */
export function niceAxis(lo: number, hi: number): { min: number; max: number; ticks: number[] } {
  if (hi <= lo) hi = lo === 0 ? 1 : lo + Math.abs(lo) * 0.1;
  const raw = (hi - lo) / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  // A value a hair past a round number (30.02 minutes) does not add a whole empty step.
  const slack = step * 0.005;
  const start = Math.floor((lo + slack) / step) * step;
  const end = Math.ceil((hi - slack) / step) * step;
  const ticks: number[] = [];
  // Integer steps, so floating point cannot add or drop a tick.
  const count = Math.round((end - start) / step);
  for (let i = 0; i <= count; i++) ticks.push(Number((start + i * step).toPrecision(12)));
  return { min: start, max: end, ticks };
}

function finite(points: readonly PlotPoint[]): PlotPoint[] {
  return points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
}

/** Every k-th point (and the last), so a long run still draws a file of a few hundred KB. */
function decimate(points: PlotPoint[]): PlotPoint[] {
  if (points.length <= maxPointsPerSeries) return points;
  const k = Math.ceil(points.length / maxPointsPerSeries);
  const kept = points.filter((_, i) => i % k === 0);
  const last = points[points.length - 1] as PlotPoint;
  if (kept[kept.length - 1] !== last) kept.push(last);
  return kept;
}

function min(values: readonly number[], fallback: number): number {
  return values.length === 0 ? fallback : values.reduce((a, b) => Math.min(a, b));
}

function max(values: readonly number[], fallback: number): number {
  return values.length === 0 ? fallback : values.reduce((a, b) => Math.max(a, b));
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function tickLabel(n: number): string {
  if (Math.abs(n) >= 1e6) return `${n / 1e6}M`;
  if (Math.abs(n) >= 1e4) return `${n / 1e3}k`;
  return String(n);
}

function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}
