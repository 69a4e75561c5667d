/**
 * The one place that instantiates the WebAssembly core and types its exports.
 *
 * The exported functions are handed out as they are, with no wrapper in
 * between, so a call from TypeScript costs exactly one JS-to-WebAssembly
 * crossing. Only `init` is wrapped, to refresh the I/O-area view after memory
 * may have grown.
 *
 * @module
 */

import { CoreLimits, type CoreOps, nextEpoch } from "./_abi.ts";
import { coreModule } from "./load.ts";

/** The raw exports of the core module (see assembly/index.ts): the operations plus the memory layout. */
export interface CoreExports extends Omit<CoreOps, "io"> {
  memory: WebAssembly.Memory;
  ioOffset(): number;
}

/** The core as `CoreOps`, plus the module's memory (for tests that watch its size). */
export interface WasmCore extends CoreOps {
  readonly memory: WebAssembly.Memory;
}

/**
 * A new, uninitialised instance of the core (the module `loadCore` set, else the
 * embedded release build). Call `init` before anything else. Throws the Error of
 * `coreModule` when this runtime cannot compile the core.
 */
export function instantiateCore(): WasmCore {
  const instance = new WebAssembly.Instance(coreModule(), {});
  return bindCore(instance.exports as unknown as CoreExports);
}

/** Types a core instance's exports as `WasmCore` (also used for the debug build in tests). */
export function bindCore(exports: CoreExports): WasmCore {
  let io = new Float64Array(0);
  const refresh = () => {
    io = new Float64Array(exports.memory.buffer as ArrayBuffer, exports.ioOffset(), CoreLimits.ioSlots);
  };
  return {
    memory: exports.memory,
    get io(): Float64Array {
      if (io.buffer !== exports.memory.buffer) refresh();
      return io;
    },
    init(tableCapacity: number, queueSlots: number, epoch: number = nextEpoch()): number {
      const result = exports.init(tableCapacity, queueSlots, epoch);
      if (result === 0) refresh();
      return result;
    },
    configure: exports.configure,
    socket: exports.socket,
    bind: exports.bind,
    beginConnect: exports.beginConnect,
    endConnect: exports.endConnect,
    setNonBlocking: exports.setNonBlocking,
    close: exports.close,
    listen: exports.listen,
    admit: exports.admit,
    take: exports.take,
    takenHandle: exports.takenHandle,
    admitMany: exports.admitMany,
    takeMany: exports.takeMany,
    closeMany: exports.closeMany,
    handback: exports.handback,
    stat: exports.stat,
    freeDescriptors: exports.freeDescriptors,
  };
}
