/**
 * `@acceptq/acceptq/admission`: admission control without sockets. A gate
 * that admits at most `limit` pieces of work at once and refuses the next one
 * at once, and `admissionControl`, a fetch handler wrapper that answers 503
 * with Retry-After when the gate is full. It needs no network and no
 * permission, so it runs wherever WebAssembly does: Deno and Deno Deploy,
 * Cloudflare Workers (workerd), Bun and Node. Where compiling WebAssembly from
 * bytes is forbidden (workerd), pass the core, imported there as a
 * `WebAssembly.Module` from the package's `build/acceptq.wasm`, to `loadCore`
 * before the first gate.
 *
 * @example Bounding concurrent jobs
 * ```ts
 * import { AdmissionGate } from "@acceptq/acceptq/admission";
 * const gate = new AdmissionGate({ limit: 1 });
 * const ticket = gate.tryEnter();
 * console.log(gate.tryEnter() === undefined); // true: the gate is full
 * ticket?.release();
 * console.log(gate.stats()); // { limit: 1, inFlight: 0, admitted: 1, refused: 1, released: 1, highWater: 1 }
 * ```
 *
 * @module
 */

export {
  admissionControl,
  type AdmissionControlOptions,
  AdmissionGate,
  type AdmissionStats,
  type GatedHandler,
  type Ticket,
} from "./src/faces/admission.ts";
export { type CoreSource, loadCore } from "./src/core/load.ts";
