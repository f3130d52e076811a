import { decodePlain, encodePlain } from '@ballast/protocol';
import { z } from 'zod';

/**
 * Request/reply subject that changes a running sink's faults (`ballast sink set`).
 *
 * @example
 * await nc.request(sinkControlSubject, encodePlain({ down: true }));
 */
export const sinkControlSubject = 'ctl.sink.set';
/**
 * Where a running sink publishes its `SinkStats` (plain MessagePack) every 2 s.
 *
 * @example
 * nc.subscribe(sinkStatsSubject, { callback: (_e, msg) => show(decodePlain(msg.data)) });
 */
export const sinkStatsSubject = 'sys.sink';

/**
 * Longest latency a sink can be told to add: far past any worker's request timeout.
 *
 * @example
 * sinkFaultsSchema.shape.latencyMs.parse(maxSinkLatencyMs + 1); // throws
 */
export const maxSinkLatencyMs = 600_000;

/**
 * The faults a sink injects, changeable while it runs.
 *
 * @example
 * sinkFaultsSchema.parse({ down: false, failRate: 0.1, latencyMs: 5 });
 */
export const sinkFaultsSchema = z.object({
  /** Do not answer at all: requests time out, which a worker's breaker sees as an outage. */
  down: z.boolean(),
  /** Fraction of candles answered with an error reply, 0..1. */
  failRate: z.number().min(0).max(1),
  /** Delay before each answer, ms. */
  latencyMs: z.number().min(0).max(maxSinkLatencyMs),
});

/** The faults a sink injects. */
export type SinkFaults = z.infer<typeof sinkFaultsSchema>;

/** A `ctl.sink.set` request: any subset of the faults; an empty one only reads them. */
const sinkFaultsPatchSchema = sinkFaultsSchema.partial().strict();

/** A `ctl.sink.set` request body. */
export type SinkFaultsPatch = z.infer<typeof sinkFaultsPatchSchema>;

/** What a sink runs with: its faults and its fixed in-flight bound. */
export interface SinkSettings extends SinkFaults {
  readonly maxInFlight: number;
}

/** A sink's answer to `ctl.sink.set`: the settings now in force, or why it refused. */
export type SinkControlReply =
  | { readonly ok: true; readonly settings: SinkSettings }
  | { readonly ok: false; readonly error: string };

const replySchema = z.union([
  z.object({
    ok: z.literal(true),
    settings: sinkFaultsSchema.extend({ maxInFlight: z.number().int().min(1) }),
  }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);

/**
 * Encodes a `ctl.sink.set` reply as plain MessagePack.
 *
 * @example
 * msg.respond(encodeSinkControlReply({ ok: false, error: 'failRate: must be <= 1' }));
 */
export function encodeSinkControlReply(reply: SinkControlReply): Uint8Array {
  return encodePlain(reply);
}

/**
 * Decodes a `ctl.sink.set` reply. Never throws: a reply of another shape becomes a refusal
 * saying so.
 *
 * @example
 * const reply = decodeSinkControlReply((await nc.request(sinkControlSubject, body)).data);
 */
export function decodeSinkControlReply(bytes: Uint8Array): SinkControlReply {
  let value: unknown;
  try {
    value = decodePlain(bytes);
  } catch (error) {
    return { ok: false, error: `undecodable reply from the sink (${(error as Error).message})` };
  }
  const parsed = replySchema.safeParse(value);
  return parsed.success
    ? parsed.data
    : {
        ok: false,
        error: `the sink's reply is not a ctl.sink.set reply: ${echo(value)}`,
      };
}

/** How much of a refused request is echoed in the error: enough to recognise it. */
const maxEchoChars = 200;

/**
 * Decodes and validates a `ctl.sink.set` request body; an empty body reads the settings.
 * Never throws: the sink calls it from a subscription callback, where a throw would end the
 * subscription, so a value too deep to validate or print is refused like any other.
 *
 * @example
 * const patch = parseSinkFaultsPatch(msg.data); // { ok: true, patch: { down: true } }
 */
export function parseSinkFaultsPatch(
  bytes: Uint8Array,
):
  | { readonly ok: true; readonly patch: SinkFaultsPatch }
  | { readonly ok: false; readonly error: string } {
  if (bytes.length === 0) return { ok: true, patch: {} };
  let value: unknown;
  try {
    value = decodePlain(bytes);
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
  try {
    const parsed = sinkFaultsPatchSchema.safeParse(value);
    if (parsed.success) return { ok: true, patch: parsed.data };
    return {
      ok: false,
      error: `invalid ctl.sink.set request ${echo(value)}: ${z.prettifyError(parsed.error).replaceAll('\n', '; ')}`,
    };
  } catch (error) {
    // Nesting deep enough to overflow the stack while validating (msgpackr decodes deeper).
    return { ok: false, error: `invalid ctl.sink.set request: ${(error as Error).message}` };
  }
}

function echo(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch (error) {
    return `(not printable: ${(error as Error).message})`;
  }
  return text.length <= maxEchoChars
    ? text
    : `${text.slice(0, maxEchoChars)}… (${text.length} chars)`;
}
