// Bad input to every export of the core: NaN, Infinity, fractions, negatives,
// 2^40, strings, objects, undefined. WebAssembly converts descriptors and
// listen's backlog with ToNumber (f64 parameters) and every other argument with
// ToInt32, and the model does the same, so every call has a defined result and
// none traps; BigInt and Symbol arguments throw TypeError in both.
import { strictEqual as is, throws } from "node:assert/strict";
import type { CoreOps } from "../../src/core/_abi.ts";
import { CORES, listenerOn } from "./_cores.ts";

const BAD: unknown[] = [
  NaN,
  Infinity,
  -Infinity,
  0.5,
  -0.5,
  1.9999,
  -1,
  -(2 ** 31),
  2 ** 31,
  2 ** 40,
  -(2 ** 40),
  2 ** 53,
  "7",
  "x",
  null,
  undefined,
  {},
  [],
  true,
];

type Call = (core: CoreOps, x: number, live: number) => number;
const CALLS: Record<string, Call> = {
  init: (c, x) => c.init(x, x, x),
  configure: (c, x) => c.configure(x, x, x),
  socket: (c, x) => c.socket(x),
  bind: (c, x) => c.bind(x),
  beginConnect: (c, x) => c.beginConnect(x),
  endConnect: (c, x, live) => c.endConnect(live, x),
  setNonBlocking: (c, x, live) => c.setNonBlocking(live, x),
  close: (c, x) => c.close(x),
  listen: (c, x, live) => c.listen(live, x, x),
  "listen(bad s)": (c, x) => c.listen(x, 5, 0),
  admit: (c, x, live) => c.admit(live, x),
  "admit(bad s)": (c, x) => c.admit(x, 1),
  take: (c, x) => c.take(x),
  admitMany: (c, x, live) => c.admitMany(live, x),
  takeMany: (c, x, live) => c.takeMany(live, x),
  closeMany: (c, x) => c.closeMany(x),
  handback: (c, x) => c.handback(x),
  stat: (c, x, live) => c.stat(live, x) + c.stat(x, 0),
};

for (const [name, call] of Object.entries(CALLS)) {
  Deno.test(`bad input to ${name}: a defined result, the same on every core, never a trap`, () => {
    const results = CORES.map(([, make]) => {
      const core = make();
      core.init(16, 4096, 1); // one epoch, so every core makes the same descriptors
      const live = listenerOn(core, 4);
      core.admit(live, 1);
      return BAD.map((x) => {
        const result = call(core, x as number, live);
        if (typeof result !== "number" || Number.isNaN(result)) {
          throw new Error(`${name}(${String(x)}) gave ${result}`);
        }
        return result;
      });
    });
    for (const other of results.slice(1)) is(JSON.stringify(other), JSON.stringify(results[0]));
  });
}

Deno.test("BigInt and Symbol arguments throw TypeError on every core", () => {
  for (const [, make] of CORES) {
    const core = make();
    core.init(4, 64);
    throws(() => core.socket(1n as unknown as number), TypeError);
    throws(() => core.bind(Symbol() as unknown as number), TypeError);
  }
});
