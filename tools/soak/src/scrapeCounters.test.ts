import { describe, expect, it } from 'vitest';
import { parseCounters } from './scrapeCounters.js';

describe('parseCounters', () => {
  it('sums a counter over its labels and ignores comments and other metrics', () => {
    const page = [
      '# HELP ballast_passivated_actors_total Actors snapshotted and stopped',
      '# TYPE ballast_passivated_actors_total counter',
      'ballast_passivated_actors_total{worker="w1"} 120',
      'ballast_hydrations_total{worker="w1",partition="0"} 70',
      'ballast_hydrations_total{worker="w1",partition="1"} 80',
      'ballast_hydrations_total_extra 5',
      'nodejs_heap_size_used_bytes 1e8',
    ].join('\n');
    const counters = parseCounters(page, [
      'passivated_actors_total',
      'hydrations_total',
      'missing',
    ]);
    expect(Object.fromEntries(counters)).toEqual({
      passivated_actors_total: 120,
      hydrations_total: 150,
    });
  });
});
