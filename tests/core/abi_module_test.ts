// The generator of build/acceptq_abi.ts: every exported constant of assembly/abi.ts,
// with its doc comment, and a loud failure for an export it cannot read.
import { strictEqual as is, throws } from "node:assert/strict";
import { abiModule } from "../../scripts/_abi_module.ts";
import * as ABI from "../../build/acceptq_abi.ts";

Deno.test("abiModule keeps each constant's value and doc comment", () => {
  const ts = abiModule(
    [
      "// a group comment",
      "/** The first. */",
      "@inline export const FIRST: i32 = 7;",
      "@inline export const SHIFTED: i32 = 1 << 20;",
      "@inline export const NEGATIVE: i32 = -3;",
      "/**",
      " * Two lines.",
      " */",
      "@inline export const HEX: u32 = 0x10;",
    ].join("\n"),
  );
  is(
    ts.split("\n").slice(2).join("\n"),
    [
      "/** The first. */",
      "export const FIRST = 7;",
      "export const SHIFTED = 1048576;",
      "export const NEGATIVE = -3;",
      "/**",
      " * Two lines.",
      " */",
      "export const HEX = 16;",
      "",
    ].join("\n"),
  );
});

Deno.test("abiModule refuses an export it cannot read", () => {
  throws(() => abiModule("@inline export const X: i32 = 1 + 2;"), /cannot read/);
  throws(() => abiModule("export const Y: i32 = 5;"), /cannot read/);
  throws(() => abiModule("export function f(): void {}"), /cannot read/);
});

Deno.test("the generated constants are the ones assembly/abi.ts defines", () => {
  const source = Deno.readTextFileSync(new URL("../../assembly/abi.ts", import.meta.url));
  const names = [...source.matchAll(/export const (\w+)/g)].map(([, name]) => name);
  is(names.length >= 30, true);
  is(Object.keys(ABI).sort().join(), names.sort().join());
  is(ABI.HINT_MAX, 65535);
  is(ABI.MAX_TABLE_CAPACITY, 2 ** 20);
});
