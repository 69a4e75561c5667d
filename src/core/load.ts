/**
 * Where the WebAssembly core comes from, for runtimes that limit compiling it.
 *
 * By default the core is compiled synchronously, on first use, from bytes
 * embedded in the package (build/acceptq_wasm.ts), so nothing needs a file or
 * network permission. Some runtimes forbid or limit that compile:
 *
 * - Cloudflare's workerd (and other edge runtimes) forbid compiling
 *   WebAssembly from bytes at all ("Wasm code generation disallowed by
 *   embedder"); they hand out a precompiled `WebAssembly.Module` when a
 *   `.wasm` file is imported. Pass that module to `loadCore`.
 * - Browsers' main threads compile synchronously only small modules (4 KiB;
 *   the release core is smaller) and prefer an asynchronous compile;
 *   `await loadCore()` compiles the embedded bytes asynchronously.
 *
 * Call `loadCore` before the first socket, listener or gate is made. When the
 * core cannot be compiled and none was given, making one throws an `Error`
 * that says so and names `loadCore`.
 *
 * @module
 */

import { CORE_WASM_BASE64 } from "../../build/acceptq_wasm.ts";
import { decodeBase64 } from "./_base64.ts";
import { CORE_EXPORTS } from "./_abi.ts";

let loaded: WebAssembly.Module | undefined;

/** What `loadCore` accepts: a compiled module, the module's bytes, or a response carrying them. */
export type CoreSource = WebAssembly.Module | BufferSource | Response | Promise<Response>;

/**
 * Sets the WebAssembly core that every later provider, listener and gate
 * instantiates, and resolves to it.
 *
 * - No argument: compiles the embedded release core asynchronously (for
 *   runtimes where a synchronous compile is limited).
 * - A `WebAssembly.Module`: used as it is, at once (before the returned promise
 *   settles, so awaiting it is optional). This is the way in for runtimes that
 *   forbid compiling from bytes: import the package's `build/acceptq.wasm` as a
 *   module there.
 * - Bytes, a `Response` or a promise of one (`fetch(url)`): compiled
 *   asynchronously (a `Response` with `WebAssembly.compileStreaming`).
 *
 * The module must be acceptq's core: one whose exports lack an operation is
 * refused with a TypeError and the current core stays. Rejects with the
 * runtime's `WebAssembly.CompileError` when the bytes do not compile.
 *
 * @example Compiling the embedded core asynchronously
 * ```ts
 * import { loadCore } from "./load.ts";
 * const module = await loadCore();
 * console.log(WebAssembly.Module.exports(module).some((e) => e.name === "admit")); // true
 * ```
 *
 * @example Passing a precompiled module (in workerd: `import core from "./acceptq.wasm"`)
 * ```ts
 * import { loadCore } from "./load.ts";
 * const bytes = await Deno.readFile(new URL("../../build/acceptq.wasm", import.meta.url));
 * const core = new WebAssembly.Module(bytes); // what a runtime's .wasm import gives
 * void loadCore(core); // in effect at once
 * ```
 */
export function loadCore(source?: CoreSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) {
    try {
      use(source);
    } catch (error) {
      return Promise.reject(error);
    }
    return Promise.resolve(source);
  }
  return compileFrom(source).then((module) => {
    use(module);
    return module;
  });
}

/**
 * The module the core is instantiated from: the one `loadCore` set, else the
 * embedded release core, compiled synchronously once. Throws an Error naming
 * `loadCore` when this runtime does not allow that compile.
 */
export function coreModule(): WebAssembly.Module {
  if (loaded) return loaded;
  try {
    loaded = new WebAssembly.Module(embeddedBytes());
  } catch (cause) {
    throw new Error(
      "acceptq: this runtime did not compile the WebAssembly core " +
        `(${cause instanceof Error ? cause.message : String(cause)}). ` +
        "Call `await loadCore()` (an asynchronous compile) or `loadCore(module)` with a precompiled " +
        "WebAssembly.Module of build/acceptq.wasm before making a socket, listener or gate.",
      { cause },
    );
  }
  return loaded;
}

function embeddedBytes(): Uint8Array<ArrayBuffer> {
  return decodeBase64(CORE_WASM_BASE64) as Uint8Array<ArrayBuffer>;
}

async function compileFrom(source: unknown): Promise<WebAssembly.Module> {
  if (source === undefined) return await WebAssembly.compile(embeddedBytes());
  if (ArrayBuffer.isView(source) || source instanceof ArrayBuffer) {
    return await WebAssembly.compile(source as BufferSource);
  }
  const isResponse = typeof Response !== "undefined" && source instanceof Response;
  if (isResponse || source instanceof Promise) {
    return await WebAssembly.compileStreaming(source as Response | Promise<Response>);
  }
  throw new TypeError("loadCore takes a WebAssembly.Module, bytes, a Response or a promise of one");
}

function use(module: WebAssembly.Module): void {
  const names = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  const missing = CORE_EXPORTS.filter((name) => !names.has(name));
  if (missing.length) {
    throw new TypeError(`loadCore: not acceptq's core (no export ${missing.join(", ")})`);
  }
  loaded = module;
}
