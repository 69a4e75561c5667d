/**
 * The contenders of the accept-queue benchmarks, by group, and the check that they
 * all do the same work: one burst of traffic (bench/core/_burst.ts) implemented as
 *
 * - `wasm core`: the WebAssembly core through its batch calls (bench/core/_traffic_core.ts);
 * - `ts model`: the TypeScript reference model through the same calls;
 * - `denque`, `array`: plain TypeScript queues (bench/core/_traffic_plain.ts);
 *
 * and, in a second group, the core and the model called once per operation.
 *
 * Nothing here is run on its own; bench/core/core_bench.ts and bench/core/core_report.ts
 * import it and call `assertAgreement` before measuring.
 *
 * @module
 */

import { type Counters, expectedChecksum, expectedCounters, type Traffic } from "./_burst.ts";
import {
  modelBatchTraffic,
  modelSingleTraffic,
  wasmBatchTraffic,
  wasmSingleTraffic,
} from "./_traffic_core.ts";
import { arrayTraffic, denqueTraffic } from "./_traffic_plain.ts";

export type { Traffic } from "./_burst.ts";

/** A factory that sets up a contender's state and returns its burst. */
export type TrafficFactory = () => Traffic;

/** Group `admit+take`: the batched core against the model and plain queues. */
export const ADMIT_TAKE: Readonly<Record<string, TrafficFactory>> = {
  "wasm core": wasmBatchTraffic,
  "ts model": modelBatchTraffic,
  "denque": denqueTraffic,
  "array": arrayTraffic,
};

/** Group `admit+take, one call per operation`: the core and the model without batching. */
export const ONE_CALL_PER_OPERATION: Readonly<Record<string, TrafficFactory>> = {
  "wasm core": wasmSingleTraffic,
  "ts model": modelSingleTraffic,
};

/** Bursts `assertAgreement` runs on each contender. */
const CHECK_BURSTS = 5;

/**
 * Runs a few bursts on a fresh instance of every contender and checks each burst's
 * checksum (refused count and handles, in the order taken) and the counters after
 * them against what the burst's definition says.
 *
 * @throws {Error} naming the first contender that disagrees.
 */
export function assertAgreement(factories: Readonly<Record<string, TrafficFactory>>): void {
  for (const [name, factory] of Object.entries(factories)) {
    const traffic = factory();
    for (let i = 0; i < CHECK_BURSTS; i++) {
      const got = traffic.burst();
      if (got !== expectedChecksum(i)) {
        throw new Error(`${name}: burst ${i} returned checksum ${got}, expected ${expectedChecksum(i)}`);
      }
    }
    const got = traffic.counters();
    const want = expectedCounters(CHECK_BURSTS);
    for (const key of Object.keys(want) as (keyof Counters)[]) {
      if (got[key] !== want[key]) {
        throw new Error(`${name}: after ${CHECK_BURSTS} bursts ${key} is ${got[key]}, expected ${want[key]}`);
      }
    }
  }
}
