import type { Scenario } from '../scenarioTypes.js';
import { badInput } from './badInput.js';
import { loadBurst } from './loadBurst.js';
import { natsNodeLoss } from './natsNodeLoss.js';
import { permissions } from './permissions.js';
import { sinkOutage } from './sinkOutage.js';
import { slowSubscriber } from './slowSubscriber.js';
import { workerCrashes } from './workerCrashes.js';

/**
 * Every scenario, in the order the suite runs and reports them.
 *
 * @example
 * for (const scenario of allScenarios) rows.push(await scenario.run({ size: 'ci', log }));
 */
export const allScenarios: readonly Scenario[] = [
  workerCrashes,
  natsNodeLoss,
  sinkOutage,
  badInput,
  loadBurst,
  permissions,
  slowSubscriber,
];
