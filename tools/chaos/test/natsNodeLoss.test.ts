import { describe, it } from 'vitest';
import { natsNodeLoss } from '../src/scenarios/natsNodeLoss.js';
import { expectRowHolds } from './expectRow.js';

describe('NATS node loss', () => {
  it('loses no tick and applies none twice when nodes of a 3-node R3 cluster are killed and restarted', async () => {
    expectRowHolds(await natsNodeLoss.run({ size: 'ci', log: (line) => console.log(line) }));
  }, 120_000);
});
