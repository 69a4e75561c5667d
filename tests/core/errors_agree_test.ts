// Each Winsock code is defined once per side of the boundary: assembly/errors.ts
// and src/shared/errors.ts must agree on every name the core uses.
import { deepStrictEqual as eq, strictEqual as is } from "node:assert/strict";
import { WinsockError, WSA, wsaName } from "../../src/shared/errors.ts";

const ASSEMBLY_ERRORS = new URL("../../assembly/errors.ts", import.meta.url);

Deno.test("assembly/errors.ts and src/shared/errors.ts define the same value for every code the core uses", () => {
  const text = Deno.readTextFileSync(ASSEMBLY_ERRORS);
  const defined = [...text.matchAll(/export const (WSA\w+): i32 = (\d+);/g)].map(([, name, value]) =>
    [name, Number(value)] as const
  );
  is(defined.length >= 12, true);
  for (const [name, value] of defined) eq([name, WSA[name as keyof typeof WSA]], [name, value]);
});

Deno.test("every code has a distinct value, a name and a message", () => {
  const values = Object.values(WSA);
  is(new Set(values).size, values.length);
  for (const [name, code] of Object.entries(WSA)) {
    is(wsaName(code), name);
    const error = new WinsockError(code);
    is(error.code, code);
    is(error.wsaName, name);
    is(error.message.startsWith(`${name} (${code}): `), true);
    is(error instanceof Error, true);
  }
});

Deno.test("an unknown code still makes a readable WinsockError", () => {
  const error = new WinsockError(12345, "context");
  is(error.wsaName, "WSA12345");
  is(error.message, "WSA12345 (12345): Winsock error: context");
});
