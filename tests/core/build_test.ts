// The committed build: no imports in the release module, the exports the
// binding expects, and the embedded bytes equal to build/acceptq.wasm.
// (`deno task check` rebuilds from assembly/ and compares every byte.)
import { deepStrictEqual as eq, strictEqual as is } from "node:assert/strict";
import { CORE_WASM_BASE64 } from "../../build/acceptq_wasm.ts";
import { decodeBase64 } from "../../src/core/_base64.ts";
import { coreModule } from "../../src/core/load.ts";

const RELEASE = new URL("../../build/acceptq.wasm", import.meta.url);
const DEBUG = new URL("../../build/acceptq.debug.wasm", import.meta.url);

Deno.test("the release module imports nothing", () => {
  eq(WebAssembly.Module.imports(coreModule()), []);
});

Deno.test("the embedded module is build/acceptq.wasm byte for byte", () => {
  eq(decodeBase64(CORE_WASM_BASE64), Deno.readFileSync(RELEASE));
});

Deno.test("release and debug builds export the same functions", () => {
  const names = (m: WebAssembly.Module) => WebAssembly.Module.exports(m).map((e) => e.name).sort();
  const debug = new WebAssembly.Module(Deno.readFileSync(DEBUG));
  eq(names(coreModule()), names(debug));
  is(names(coreModule()).includes("memory"), true);
});

Deno.test("the debug module imports only env.abort, for readable assertion failures", () => {
  const debug = new WebAssembly.Module(Deno.readFileSync(DEBUG));
  eq(WebAssembly.Module.imports(debug), [{ module: "env", name: "abort", kind: "function" }]);
});
