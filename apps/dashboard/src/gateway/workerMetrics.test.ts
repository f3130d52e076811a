import { describe, expect, it } from 'vitest';
import { passivatedFromMetrics, readMetricsText } from './workerMetrics.js';

describe('passivatedFromMetrics', () => {
  it('sums the series of ballast_passivated_actors_total', () => {
    const page = [
      '# HELP ballast_passivated_actors_total Actors snapshotted and stopped',
      '# TYPE ballast_passivated_actors_total counter',
      'ballast_passivated_actors_total{worker="w1"} 12',
      'ballast_passivated_actors_total_other 99',
      'ballast_live_actors{worker="w1"} 3',
    ].join('\n');
    expect(passivatedFromMetrics(page)).toBe(12);
    expect(passivatedFromMetrics('ballast_live_actors 3\n')).toBeNull();
  });

  it('refuses URLs that are not http(s)', async () => {
    await expect(readMetricsText('file:///etc/passwd', 100)).rejects.toThrow(/must be http/);
  });
});
