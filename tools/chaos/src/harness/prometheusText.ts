/** One sample line of a Prometheus text scrape. */
export interface MetricSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/**
 * Reads a worker's `/metrics` (Prometheus text format).
 *
 * @throws when the endpoint does not answer 200 within 5 s
 * @example
 * const samples = await scrapeMetrics(worker.http);
 * byLabel(samples, 'ballast_dead_letters_total', 'reason'); // { decode_failed: 12, ... }
 */
export async function scrapeMetrics(baseUrl: string): Promise<MetricSample[]> {
  const response = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`GET ${baseUrl}/metrics: HTTP ${response.status}`);
  return parsePrometheusText(await response.text());
}

const sampleLine = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/;
const labelPair = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/**
 * Parses Prometheus text exposition: one entry per sample line, comments skipped.
 *
 * @example
 * parsePrometheusText('a_total{reason="x",worker="w1"} 3\n')[0]; // { name: 'a_total', labels: { reason: 'x', worker: 'w1' }, value: 3 }
 */
export function parsePrometheusText(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = sampleLine.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(labelPair)) {
      labels[key as string] = value as string;
    }
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return samples;
}

/**
 * The sum of every series of metric `name` (whatever their labels).
 *
 * @example
 * total(samples, 'ballast_candles_dropped_total');
 */
export function total(samples: readonly MetricSample[], name: string): number {
  let sum = 0;
  for (const s of samples) if (s.name === name) sum += s.value;
  return sum;
}

/**
 * Metric `name` summed by the value of one `label`, e.g. dead letters by reason.
 *
 * @example
 * byLabel(samples, 'ballast_dead_letters_total', 'reason').decode_failed;
 */
export function byLabel(
  samples: readonly MetricSample[],
  name: string,
  label: string,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) {
    const key = s.labels[label];
    if (s.name !== name || key === undefined) continue;
    out[key] = (out[key] ?? 0) + s.value;
  }
  return out;
}

/**
 * Adds count records key by key.
 *
 * @example
 * addCounts({ a: 1 }, { a: 2, b: 1 }); // { a: 3, b: 1 }
 */
export function addCounts(
  ...records: readonly Readonly<Record<string, number>>[]
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const record of records) {
    for (const [key, value] of Object.entries(record)) out[key] = (out[key] ?? 0) + value;
  }
  return out;
}
