import { describe, it } from 'vitest';
import { sinkOutage } from '../src/scenarios/sinkOutage.js';
import { expectRowHolds } from './expectRow.js';

describe('sink outage', () => {
  it('opens each breaker within its threshold, drops with counts, keeps memory and the fold rate flat, then half-opens and closes', async () => {
    expectRowHolds(await sinkOutage.run({ size: 'ci', log: (line) => console.log(line) }));
  }, 150_000);
});
