/**
 * Sums of `ballast_<name>` counters on a worker's `/metrics` (Prometheus text), by name; a
 * name the page does not have is absent. Labels are summed over (a counter per partition
 * reads as one number).
 *
 * @param httpUrl - the worker's HTTP base, from its `sys.workers` status
 * @throws {Error} when the endpoint does not answer 200
 * @example
 * const c = await scrapeCounters(status.httpUrl, ['passivated_actors_total', 'hydrations_total']);
 * c.get('passivated_actors_total'); // 18_200
 */
export async function scrapeCounters(
  httpUrl: string,
  names: readonly string[],
): Promise<Map<string, number>> {
  const response = await fetch(`${httpUrl}/metrics`, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`${httpUrl}/metrics answered ${response.status}`);
  return parseCounters(await response.text(), names);
}

/**
 * The counting half of {@link scrapeCounters}, for a page already read.
 *
 * @example
 * parseCounters('ballast_hydrations_total 12\n', ['hydrations_total']).get('hydrations_total'); // 12
 */
export function parseCounters(text: string, names: readonly string[]): Map<string, number> {
  const wanted = new Set(names);
  const sums = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^ballast_(\w+)(?:\{[^}]*\})? (\S+)$/.exec(line);
    const name = match?.[1];
    if (name === undefined || !wanted.has(name)) continue;
    sums.set(name, (sums.get(name) ?? 0) + Number(match?.[2]));
  }
  return sums;
}
