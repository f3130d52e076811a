import { parseSinkFaultsPatch } from '@ballast/cli/dist/sink/sinkSettings.js';
import { decodeControl } from '@ballast/protocol';
import { admitTick } from '@ballast/runtime';

/**
 * Whether a worker would admit this tick message (a malformed one must not be).
 *
 * @example
 * tickAccepted(8)('md.tick.3.AAPL', bytes); // false for garbage
 */
export function tickAccepted(
  partitions: number,
): (subject: string, payload: Uint8Array) => boolean {
  return (subject, payload) => admitTick(subject, payload, partitions).ok;
}

/**
 * Whether the listener of a control subject would act on this payload: any valid control
 * message triggers a reload on `ctl.reload`; `ctl.inspect` and `ctl.breaker.<name>` need their
 * own command; the sink applies any valid `ctl.sink.set` patch. A payload whose check throws
 * counts as refused (the listener's own check would throw too).
 *
 * @example
 * controlAccepted('ctl.reload', encodeControl(reload)); // true
 */
export function controlAccepted(subject: string, payload: Uint8Array): boolean {
  try {
    if (subject === 'ctl.sink.set') return parseSinkFaultsPatch(payload).ok;
    const command = decodeControl(payload, { subject });
    if (subject === 'ctl.reload') return true;
    if (subject === 'ctl.inspect') return command.type === 'inspect';
    return command.type === 'breaker';
  } catch {
    return false;
  }
}
