// Loading the core where compiling it is limited: loadCore with no argument (an
// asynchronous compile), with a precompiled module, bytes or a Response; a module
// that is not the core is refused; and a runtime that forbids compiling from bytes
// gets an Error naming loadCore, after which a precompiled module works.
import { deepStrictEqual as eq, match, rejects, strictEqual as is } from "node:assert/strict";
import { CORE_EXPORTS } from "../../src/core/_abi.ts";
import { instantiateCore } from "../../src/core/_core.ts";
import { coreModule, loadCore } from "../../src/core/load.ts";

const RELEASE = new URL("../../build/acceptq.wasm", import.meta.url);
const bytes = () => Deno.readFileSync(RELEASE);
const exportNames = (m: WebAssembly.Module) => WebAssembly.Module.exports(m).map((e) => e.name).sort();

/** A core made from the current module works: a listener admits and a take returns the handle. */
function assertWorks(): void {
  const core = instantiateCore();
  is(core.init(4, 4), 0);
  const s = core.socket(1);
  is(core.bind(s), 0);
  is(core.listen(s, 2, 0), 0);
  is(core.admit(s, 7), 0);
  is(core.take(s) > 0, true);
  is(core.takenHandle(), 7);
}

Deno.test("the core module exports exactly what the binding uses", () => {
  eq(exportNames(coreModule()), [...CORE_EXPORTS].sort());
});

Deno.test("loadCore() compiles the embedded core asynchronously and sets it", async () => {
  const module = await loadCore();
  is(coreModule(), module);
  eq(exportNames(module), exportNames(new WebAssembly.Module(bytes())));
  assertWorks();
});

Deno.test("loadCore takes a precompiled module at once, bytes and a Response", async () => {
  const precompiled = new WebAssembly.Module(bytes());
  const pending = loadCore(precompiled);
  is(coreModule(), precompiled); // before the promise settles
  is(await pending, precompiled);
  assertWorks();
  const fromBytes = await loadCore(bytes());
  is(coreModule(), fromBytes);
  const response = new Response(bytes(), { headers: { "content-type": "application/wasm" } });
  const fromResponse = await loadCore(Promise.resolve(response));
  is(coreModule(), fromResponse);
  assertWorks();
});

Deno.test("loadCore refuses a module that is not the core and keeps the current one", async () => {
  const current = coreModule();
  // The smallest valid module: the magic number and version, no sections.
  const empty = new WebAssembly.Module(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  await rejects(
    loadCore(empty),
    (e: Error) => e instanceof TypeError && /not acceptq's core/.test(e.message),
  );
  await rejects(loadCore(new Uint8Array([1, 2, 3])), WebAssembly.CompileError);
  // deno-lint-ignore no-explicit-any
  await rejects(loadCore(42 as any), TypeError);
  is(coreModule(), current);
});

// A child process stands in for workerd: its WebAssembly.Module refuses bytes as
// workerd's does ("Wasm code generation disallowed by embedder"), and
// WebAssembly.compile too, so only a precompiled module gets in.
const FORBIDDING_RUNTIME = `
const precompiled = new WebAssembly.Module(Deno.readFileSync(new URL(${JSON.stringify(RELEASE.href)})));
const Original = WebAssembly.Module;
const refuse = () => { throw new WebAssembly.CompileError("Wasm code generation disallowed by embedder"); };
WebAssembly.Module = new Proxy(Original, { construct: refuse });
WebAssembly.compile = () => Promise.reject(new WebAssembly.CompileError("Wasm code generation disallowed by embedder"));
const { AdmissionGate } = await import(${JSON.stringify(new URL("../../mod.ts", import.meta.url).href)});
const { loadCore } = await import(${JSON.stringify(new URL("../../src/core/load.ts", import.meta.url).href)});
try {
  new AdmissionGate({ limit: 1 });
  console.log("made a gate without a core");
} catch (e) {
  console.log("error:", e.message);
}
await loadCore(precompiled);
const gate = new AdmissionGate({ limit: 1 });
console.log("after loadCore:", gate.tryEnter() !== undefined, gate.tryEnter() === undefined);
`;

Deno.test("a runtime that forbids compiling gets an Error naming loadCore; a precompiled module then works", async () => {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", FORBIDDING_RUNTIME],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(stdout);
  is(code, 0, new TextDecoder().decode(stderr));
  match(out, /^error: acceptq: this runtime did not compile the WebAssembly core \(Wasm code generation/m);
  match(out, /loadCore/);
  match(out, /^after loadCore: true true$/m);
});
