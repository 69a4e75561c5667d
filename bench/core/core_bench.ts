/**
 * Microbenchmarks of the accept queue. The unit is one burst of traffic (16
 * arrivals at a listener with backlog 12: 12 admitted and 4 refused, then 12 taken
 * and their 12 descriptors closed; see bench/core/_burst.ts); each iteration runs
 * `BURSTS_PER_ITERATION` (100) of them, so time/iter in µs × 10 is ns per burst.
 * Four groups:
 *
 * - `admit+take`: the WebAssembly core through its batch calls (three crossings per
 *   burst) against the TypeScript model (the baseline), npm:denque and an Array;
 * - `admit+take, one call per operation`: the core and the model with one call per
 *   admit, take, takenHandle and close (53 crossings per burst for the core);
 * - `floor`: the batched core against the same burst whose three calls find nothing to
 *   do (the crossings and the JavaScript around them, the boundary's share);
 * - `call overhead`: 16 calls of the trivial `takenHandle()` per unit, the crossing alone.
 *
 * Every contender's results are checked against the burst's definition before any
 * measuring (`assertAgreement`), and each burst's checksum goes into a sink.
 *
 * Run: `deno task bench` (or `deno bench --allow-read bench/core/core_bench.ts`);
 * `deno run -A bench/core/ratios.ts` repeats it and tabulates the ratios to the model.
 *
 * @module
 */

import { instantiateCore } from "../../src/core/_core.ts";
import { CoreModel } from "../../src/core/_model.ts";
import { BURSTS_PER_ITERATION } from "./_burst.ts";
import { ADMIT_TAKE, assertAgreement, ONE_CALL_PER_OPERATION } from "./_traffic.ts";
import { wasmBatchTraffic } from "./_traffic_core.ts";

assertAgreement(ADMIT_TAKE);
assertAgreement(ONE_CALL_PER_OPERATION);

/** Every burst's checksum lands here, so no burst is dead code. */
let sink = 0;

const N = BURSTS_PER_ITERATION;

// Each bench gets its own function literal, so every call site in it stays monomorphic.

const batch = "admit+take";
const wasmBatch = ADMIT_TAKE["wasm core"]();
const modelBatch = ADMIT_TAKE["ts model"]();
const denque = ADMIT_TAKE["denque"]();
const array = ADMIT_TAKE["array"]();

Deno.bench("wasm core", { group: batch, baseline: false }, () => {
  for (let i = 0; i < N; i++) sink ^= wasmBatch.burst();
});
Deno.bench("ts model", { group: batch, baseline: true }, () => {
  for (let i = 0; i < N; i++) sink ^= modelBatch.burst();
});
Deno.bench("denque", { group: batch }, () => {
  for (let i = 0; i < N; i++) sink ^= denque.burst();
});
Deno.bench("array", { group: batch }, () => {
  for (let i = 0; i < N; i++) sink ^= array.burst();
});

const floor = "floor: the boundary's share of a batched burst";
const idleBatch = wasmBatchTraffic(true);

Deno.bench("wasm core", { group: floor, baseline: true }, () => {
  for (let i = 0; i < N; i++) sink ^= wasmBatch.burst();
});
Deno.bench("calls with nothing to do", { group: floor }, () => {
  for (let i = 0; i < N; i++) sink ^= idleBatch.burst();
});

const single = "admit+take, one call per operation";
const wasmSingle = ONE_CALL_PER_OPERATION["wasm core"]();
const modelSingle = ONE_CALL_PER_OPERATION["ts model"]();

Deno.bench("wasm core", { group: single }, () => {
  for (let i = 0; i < N; i++) sink ^= wasmSingle.burst();
});
Deno.bench("ts model", { group: single, baseline: true }, () => {
  for (let i = 0; i < N; i++) sink ^= modelSingle.burst();
});

const overhead = "call overhead: 16 × takenHandle()";
const wasmCore = instantiateCore();
const modelCore = new CoreModel();
wasmCore.init(1, 1);
modelCore.init(1, 1);

Deno.bench("wasm core", { group: overhead }, () => {
  for (let i = 0; i < 16 * N; i++) sink ^= wasmCore.takenHandle();
});
Deno.bench("ts model", { group: overhead, baseline: true }, () => {
  for (let i = 0; i < 16 * N; i++) sink ^= modelCore.takenHandle();
});

addEventListener("unload", () => {
  if (sink === 0x7fffffff) console.log("(sink)"); // keeps the sink observable
});
