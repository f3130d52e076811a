import type { SupervisorSettings } from './supervisorTypes.js';

/**
 * Delay before restart number `attempt` (0-based within the window) of child `id`:
 * `min(maxDelayMs, baseDelayMs × backoffFactor^attempt)`, shortened by up to `jitterRatio`.
 *
 * The jitter is a hash of id and attempt rather than `Math.random()`: children that failed
 * together still restart apart, while a replay of the same events makes the same decisions.
 *
 * @example
 * restartDelay({ ...settings, baseDelayMs: 100, backoffFactor: 2, jitterRatio: 0 }, 'a', 3) // 800
 * @internal
 */
export function restartDelay(
  settings: Pick<
    SupervisorSettings,
    'baseDelayMs' | 'backoffFactor' | 'maxDelayMs' | 'jitterRatio'
  >,
  id: string,
  attempt: number,
): number {
  const delay = Math.min(
    settings.maxDelayMs,
    settings.baseDelayMs * settings.backoffFactor ** attempt,
  );
  if (settings.jitterRatio === 0) return delay;
  return Math.round(delay * (1 - settings.jitterRatio * unitHash(`${id}#${attempt}`)));
}

/** FNV-1a of the string, scaled to [0, 1). */
function unitHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 2 ** 32;
}
