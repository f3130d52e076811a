import type { BreakerStateLabel } from './gatewayMessages.js';

const labels: readonly BreakerStateLabel[] = ['CLOSED', 'OPEN', 'HALF_OPEN'];

/**
 * A breaker state code of `WorkerStatus.breakers` (0, 1, 2) as its name.
 *
 * @example
 * breakerLabel(1); // 'OPEN'
 */
export function breakerLabel(code: number): BreakerStateLabel {
  return labels[code] ?? 'UNKNOWN';
}
