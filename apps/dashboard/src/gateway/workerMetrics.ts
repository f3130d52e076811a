/** A metrics page larger than this is not read to the end (a worker's is ~10 KB). */
const maxMetricsBytes = 1024 * 1024;

/**
 * Reads a worker's Prometheus page, `<httpUrl>/metrics`. Only `http:` and `https:` URLs are
 * followed, the path is always `/metrics`, and at most 1 MiB is read: the URL comes from a
 * NATS message, so the gateway never fetches anything else with it.
 *
 * @throws when the URL is not http(s), the answer is not 200, too large, or too late
 * @example
 * passivatedFromMetrics(await readMetricsText('http://127.0.0.1:9464', 2_000));
 */
export async function readMetricsText(httpUrl: string, timeoutMs: number): Promise<string> {
  const url = new URL('/metrics', httpUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`worker metrics URL must be http(s), got ${httpUrl}`);
  }
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok || response.body === null) {
    throw new Error(`GET ${url.href}: ${response.status}`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.length;
    if (size > maxMetricsBytes)
      throw new Error(`GET ${url.href}: more than ${maxMetricsBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The sum of `ballast_passivated_actors_total` over its series in a Prometheus text page, or
 * null when the page has none.
 *
 * @example
 * passivatedFromMetrics('ballast_passivated_actors_total{worker="w1"} 12\n'); // 12
 */
export function passivatedFromMetrics(text: string): number | null {
  let total: number | null = null;
  for (const line of text.split('\n')) {
    if (!line.startsWith('ballast_passivated_actors_total')) continue;
    const match = /^ballast_passivated_actors_total(?:\{[^}]*\})?\s+(\S+)/.exec(line);
    const value = Number(match?.[1]);
    if (Number.isFinite(value)) total = (total ?? 0) + value;
  }
  return total;
}
