/**
 * The three implementations of the core that tests run against: the release
 * WebAssembly build, the debug build (assertions on, loaded through
 * @assemblyscript/loader so an assertion failure becomes a readable Error), and
 * the TypeScript model.
 */

import { instantiateSync } from "@assemblyscript/loader";
import { bindCore, type CoreExports, instantiateCore } from "../../src/core/_core.ts";
import type { CoreOps } from "../../src/core/_abi.ts";
import { CoreModel } from "../../src/core/_model.ts";

const DEBUG_WASM = new URL("../../build/acceptq.debug.wasm", import.meta.url);

/** A fresh debug-build core; its `abort` import throws `Error("abort: <message> at <file>:<line>:<col>")`. */
export function instantiateDebugCore(): CoreOps & { memory: WebAssembly.Memory } {
  const { exports } = instantiateSync(Deno.readFileSync(DEBUG_WASM), {});
  return bindCore(exports as unknown as CoreExports);
}

/** Named factories of fresh, uninitialised cores. */
export const CORES: ReadonlyArray<readonly [string, () => CoreOps]> = [
  ["wasm", instantiateCore],
  ["wasm debug", instantiateDebugCore],
  ["model", () => new CoreModel()],
];

/** Registers `fn` as one Deno test per core implementation; `make` makes more cores of the same kind. */
export function testEachCore(name: string, fn: (core: CoreOps, make: () => CoreOps) => void): void {
  for (const [kind, make] of CORES) {
    Deno.test(`${name} (${kind})`, () => fn(make(), make));
  }
}

/** An initialised core with a bound stream socket listening with `backlog` (Winsock 2). */
export function listenerOn(core: CoreOps, backlog: number, profile = 0): number {
  const s = core.socket(1);
  if (s < 0 || core.bind(s) !== 0 || core.listen(s, backlog, profile) < 0) {
    throw new Error(`could not set up a listener: ${s}`);
  }
  return s;
}
