/**
 * The burst of bench/core/_burst.ts driven through the core's ABI (`CoreOps`), on the
 * WebAssembly core (src/core/_core.ts) and on the TypeScript reference model
 * (src/core/_model.ts), two ways each:
 *
 * - batched: admitMany, takeMany and closeMany over the I/O area, one call (for the
 *   core, one JS-to-WebAssembly crossing) per phase of the burst;
 * - one call per operation: admit per arrival, take + takenHandle per accept (plus
 *   the take that finds the queue empty), close per descriptor.
 *
 * Each factory is written out separately, on purpose: one shared function fed
 * both the core and the model makes its call sites polymorphic and slows both
 * down, which would bias the ratios this benchmark exists for. Measured with one
 * shared factory beside these (`deno bench`, fastest iteration, two runs), the
 * core's burst was 1–12 % slower batched and about 40 % slower with one call per
 * operation; the model's changed by 3 % or less.
 *
 * Nothing here is run on its own; see bench/core/core_bench.ts.
 *
 * @module
 */

import { instantiateCore } from "../../src/core/_core.ts";
import { type CoreOps, StatField } from "../../src/core/_abi.ts";
import { WSA } from "../../src/shared/errors.ts";
import { CoreModel } from "../../src/core/_model.ts";
import {
  ARRIVALS,
  BACKLOG,
  type Counters,
  HANDLE_MASK,
  mix,
  QUEUE_SLOTS,
  TABLE_CAPACITY,
  type Traffic,
} from "./_burst.ts";

const REFUSED = -WSA.WSAECONNREFUSED;

/** Initialises `core` and returns a listening stream socket with backlog `BACKLOG`. */
function openListener(core: CoreOps): number {
  if (core.init(TABLE_CAPACITY, QUEUE_SLOTS) !== 0) throw new Error("init failed");
  const s = core.socket(1);
  if (s <= 0 || core.bind(s) !== 0 || core.listen(s, BACKLOG, 0) !== 0) throw new Error("listen failed");
  return s;
}

function coreCounters(core: CoreOps, s: number): Counters {
  return {
    admitted: core.stat(s, StatField.Admitted),
    refused: core.stat(s, StatField.Refused),
    taken: core.stat(s, StatField.Taken),
    highWater: core.stat(s, StatField.HighWater),
    queued: core.stat(s, StatField.Queued),
    freeDescriptors: core.freeDescriptors(),
  };
}

/**
 * The WebAssembly core through its batch calls: three crossings per burst.
 *
 * `idle`: the floor of that burst, the same JavaScript and crossings with calls that
 * find nothing to do (admitMany of 0 handles, takeMany of an empty queue, closeMany
 * of 0), so its time is the boundary's and JavaScript's share of a burst. Not a
 * contender: its checksum is not a burst's.
 */
export function wasmBatchTraffic(idle = false): Traffic {
  const core = instantiateCore();
  const s = openListener(core);
  const io = core.io; // a getter: read once, after init
  const arrivals = idle ? 0 : ARRIVALS;
  let next = 0;
  return {
    burst(): number {
      const base = next;
      next = (next + ARRIVALS) & HANDLE_MASK;
      for (let i = 0; i < ARRIVALS; i++) io[i] = base + i;
      const admitted = core.admitMany(s, arrivals);
      const k = core.takeMany(s, ARRIVALS);
      if (admitted < 0 || k < 0) throw new Error(`admitMany ${admitted}, takeMany ${k}`);
      let sum = ARRIVALS - admitted;
      for (let j = 0, n = idle ? BACKLOG : k; j < n; j++) {
        sum = mix(sum, io[2 * j + 1]);
        io[j] = io[2 * j];
      }
      core.closeMany(k);
      return sum;
    },
    counters: () => coreCounters(core, s),
  };
}

/** The TypeScript model through the same batch calls (which loop over its single operations). */
export function modelBatchTraffic(): Traffic {
  const core = new CoreModel();
  const s = openListener(core);
  const io = core.io;
  let next = 0;
  return {
    burst(): number {
      const base = next;
      next = (next + ARRIVALS) & HANDLE_MASK;
      for (let i = 0; i < ARRIVALS; i++) io[i] = base + i;
      const admitted = core.admitMany(s, ARRIVALS);
      const k = core.takeMany(s, ARRIVALS);
      if (admitted < 0 || k < 0) throw new Error(`admitMany ${admitted}, takeMany ${k}`);
      let sum = ARRIVALS - admitted;
      for (let j = 0; j < k; j++) {
        sum = mix(sum, io[2 * j + 1]);
        io[j] = io[2 * j];
      }
      core.closeMany(k);
      return sum;
    },
    counters: () => coreCounters(core, s),
  };
}

/** The WebAssembly core, one crossing per operation (16 admits, 13 takes, 12 takenHandles, 12 closes). */
export function wasmSingleTraffic(): Traffic {
  const core = instantiateCore();
  const s = openListener(core);
  const fds = new Float64Array(ARRIVALS);
  let next = 0;
  return {
    burst(): number {
      const base = next;
      next = (next + ARRIVALS) & HANDLE_MASK;
      let refused = 0;
      for (let i = 0; i < ARRIVALS; i++) {
        const r = core.admit(s, base + i);
        if (r === REFUSED) refused++;
        else if (r !== 0) throw new Error(`admit ${r}`);
      }
      let sum = refused;
      let k = 0;
      for (let d = core.take(s); d > 0; d = core.take(s)) {
        sum = mix(sum, core.takenHandle());
        fds[k++] = d;
      }
      for (let j = 0; j < k; j++) core.close(fds[j]);
      return sum;
    },
    counters: () => coreCounters(core, s),
  };
}

/** The TypeScript model, one method call per operation, as `wasmSingleTraffic`. */
export function modelSingleTraffic(): Traffic {
  const core = new CoreModel();
  const s = openListener(core);
  const fds = new Float64Array(ARRIVALS);
  let next = 0;
  return {
    burst(): number {
      const base = next;
      next = (next + ARRIVALS) & HANDLE_MASK;
      let refused = 0;
      for (let i = 0; i < ARRIVALS; i++) {
        const r = core.admit(s, base + i);
        if (r === REFUSED) refused++;
        else if (r !== 0) throw new Error(`admit ${r}`);
      }
      let sum = refused;
      let k = 0;
      for (let d = core.take(s); d > 0; d = core.take(s)) {
        sum = mix(sum, core.takenHandle());
        fds[k++] = d;
      }
      for (let j = 0; j < k; j++) core.close(fds[j]);
      return sum;
    },
    counters: () => coreCounters(core, s),
  };
}
