// Differential property test: generated sequences of socket / bind / listen /
// re-listen / admit / take / close / connect / batch operations run on the
// WebAssembly core (release and debug builds) and on the TypeScript model. After
// every step the two must agree on the result, on every stat field of every
// descriptor seen so far, on the free-descriptor count, the taken handle, the
// hand-back list and the I/O area. Small tables and arenas make WSAEMFILE and
// WSAENOBUFS common. Runs: ACCEPTQ_DIFF_RUNS (default 10,000) per build.
import fc from "fast-check";
import { instantiateCore } from "../../src/core/_core.ts";
import type { CoreOps } from "../../src/core/_abi.ts";
import { CoreModel } from "../../src/core/_model.ts";
import { instantiateDebugCore } from "./_cores.ts";

const RUNS = Number(Deno.env.get("ACCEPTQ_DIFF_RUNS") ?? 10_000);

/** A descriptor operand: one produced earlier in the sequence (by index), or a raw number. */
type Ref = { seen: number } | { raw: number };
type Op =
  | { op: "socket"; type: number }
  | { op: "listener"; backlog: number; profile: number }
  | { op: "bind" | "take" | "close" | "beginConnect"; s: Ref }
  | { op: "endConnect" | "setNonBlocking"; s: Ref; flag: number }
  | { op: "listen"; s: Ref; backlog: number; profile: number }
  | { op: "admit"; s: Ref; handle: number }
  | { op: "configure"; profile: number; min: number; max: number }
  | { op: "admitMany"; s: Ref; handles: number[] }
  | { op: "takeMany"; s: Ref; max: number }
  | { op: "closeMany"; s: Ref[] };

/** Numbers that are not descriptors or handles: NaN, infinities, fractions, beyond 2^31 and 2^53. */
const oddNumber = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 0.5, 2 ** 31, 2 ** 32 + 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 31)),
  fc.double(),
);

// Mostly the first few descriptors (often listeners), sometimes any, rarely a raw number.
const ref: fc.Arbitrary<Ref> = fc.oneof(
  { weight: 6, arbitrary: fc.nat(2).map((seen) => ({ seen })) },
  { weight: 4, arbitrary: fc.nat(40).map((seen) => ({ seen })) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), oddNumber).map((raw) => ({ raw })) },
);
const backlog = fc.oneof(
  fc.integer({ min: -3, max: 12 }),
  fc.integer({ min: 13, max: 70 }),
  fc.constantFrom(0x7fffffff, -200, -1000, -70000, -(2 ** 31), 600, 2 ** 40, -(2 ** 40), 5.9, -250.5),
  fc.constantFrom(NaN, Infinity, -Infinity),
);
const profile = fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: 2 }) }, {
  weight: 1,
  arbitrary: fc.integer({ min: -1, max: 5 }),
});
const handle = fc.oneof({ weight: 9, arbitrary: fc.nat(1000) }, { weight: 1, arbitrary: fc.integer() });
/** Handles as the batch call's f64 I/O area carries them: also fractions, NaN, beyond i32. */
const ioHandle = fc.oneof({ weight: 9, arbitrary: handle }, { weight: 1, arbitrary: oddNumber });

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant("socket" as const), type: fc.integer({ min: 0, max: 3 }) }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("listener" as const), backlog, profile }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("bind" as const), s: ref }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("listen" as const), s: ref, backlog, profile }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant("admit" as const), s: ref, handle }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant("take" as const), s: ref }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("close" as const), s: ref }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("beginConnect" as const), s: ref }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("endConnect" as const), s: ref, flag: fc.nat(1) }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant("setNonBlocking" as const), s: ref, flag: fc.nat(1) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("configure" as const),
      profile,
      min: fc.integer({ min: 0, max: 6 }),
      max: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant(65536)),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("admitMany" as const),
      s: ref,
      handles: fc.array(ioHandle, { maxLength: 12 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("takeMany" as const),
      s: ref,
      max: fc.integer({ min: -1, max: 10 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant("closeMany" as const), s: fc.array(ref, { maxLength: 6 }) }),
  },
);

const scenario = fc.record({
  table: fc.integer({ min: 1, max: 12 }),
  epoch: fc.oneof(fc.nat(5000), fc.integer()),
  arena: fc.oneof(fc.integer({ min: 1, max: 80 }), fc.integer({ min: 81, max: 300 })),
  ops: fc.array(op, { maxLength: 80 }),
});

/** Runs one operation; returns its result. `seen` holds the descriptors produced so far. */
function apply(core: CoreOps, o: Op, seen: number[]): number | [number, number] {
  const d = (r: Ref) => "raw" in r ? r.raw : seen.length ? seen[r.seen % seen.length] : r.seen;
  switch (o.op) {
    case "socket":
      return core.socket(o.type);
    case "listener": {
      // socket + bind + listen in one step; the result is the descriptor or the first error.
      const s = core.socket(1);
      if (s < 0) return s;
      core.bind(s);
      const listened = core.listen(s, o.backlog, o.profile);
      return listened < 0 ? [listened, s] : s; // on failure both numbers must agree, and s is still seen
    }
    case "bind":
      return core.bind(d(o.s));
    case "take":
      return core.take(d(o.s));
    case "close":
      return core.close(d(o.s));
    case "beginConnect":
      return core.beginConnect(d(o.s));
    case "endConnect":
      return core.endConnect(d(o.s), o.flag);
    case "setNonBlocking":
      return core.setNonBlocking(d(o.s), o.flag);
    case "listen":
      return core.listen(d(o.s), o.backlog, o.profile);
    case "admit":
      return core.admit(d(o.s), o.handle);
    case "configure":
      return core.configure(o.profile, o.min, o.max);
    case "admitMany":
      core.io.set(o.handles);
      return core.admitMany(d(o.s), o.handles.length);
    case "takeMany":
      return core.takeMany(d(o.s), o.max);
    case "closeMany":
      core.io.set(o.s.map(d));
      return core.closeMany(o.s.length);
  }
}

/** Everything observable about a core after a step. */
function observe(core: CoreOps, seen: number[], result: number | [number, number]): string {
  const stats = seen.map((s) => Array.from({ length: 11 }, (_, f) => core.stat(s, f)).join(","));
  const handback = Array.from({ length: 8 }, (_, i) => core.handback(i));
  return JSON.stringify({
    result,
    free: core.freeDescriptors(),
    taken: core.takenHandle(),
    handback,
    io: Array.from(core.io.subarray(0, 24)),
    stats,
  });
}

function agree(makeWasm: () => CoreOps): void {
  fc.assert(
    fc.property(scenario, ({ table, epoch, arena, ops }) => {
      const wasm = makeWasm();
      const model = new CoreModel();
      if (wasm.init(table, arena, epoch) !== model.init(table, arena, epoch)) return false;
      wasm.io.fill(0);
      const seen: number[] = [];
      for (const [step, o] of ops.entries()) {
        const a = apply(wasm, o, seen);
        const b = apply(model, o, seen);
        const left = observe(wasm, seen, a);
        const right = observe(model, seen, b);
        if (left !== right) {
          throw new Error(`step ${step} ${JSON.stringify(o)}:\n wasm  ${left}\n model ${right}`);
        }
        if (typeof a !== "number") seen.push(a[1]);
        else if ((o.op === "socket" || o.op === "take" || o.op === "listener") && a > 0) seen.push(a);
        if (o.op === "takeMany") { for (let k = 0; k < (a as number); k++) seen.push(wasm.io[2 * k]); }
      }
      return true;
    }),
    { numRuns: RUNS },
  );
}

Deno.test(`the release core and the model agree on ${RUNS} generated sequences`, () =>
  agree(instantiateCore));
Deno.test(`the debug core (assertions on) and the model agree on ${RUNS} generated sequences`, () =>
  agree(instantiateDebugCore));

// The ring arena's allocator (bump, per-class free lists, splitting) is reached
// by few general sequences; this property drives it directly: listeners of mixed
// sizes opened and closed in a small arena, so blocks are freed, reused and split.
const arenaOp = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 64 }).map((backlog) => ({ listen: backlog })) },
  { weight: 2, arbitrary: fc.nat(7).map((close) => ({ close })) },
);

function agreeOnArena(makeWasm: () => CoreOps): void {
  fc.assert(
    fc.property(fc.constantFrom(16, 32, 64, 100, 128), fc.array(arenaOp, { maxLength: 40 }), (arena, ops) => {
      const cores = [makeWasm(), new CoreModel()];
      const open: number[][] = [[], []];
      cores.forEach((core) => core.init(64, arena, 7));
      for (const [step, o] of ops.entries()) {
        const results = cores.map((core, i) => {
          if ("listen" in o) {
            const s = core.socket(1);
            core.bind(s);
            const r = core.listen(s, o.listen, 2);
            if (r === 0) open[i].push(s);
            else core.close(s);
            return r;
          }
          const s = open[i].splice(o.close % Math.max(1, open[i].length), 1)[0];
          return s === undefined ? 0 : core.close(s);
        });
        if (results[0] !== results[1]) {
          throw new Error(`step ${step} ${JSON.stringify(o)}: wasm ${results[0]}, model ${results[1]}`);
        }
      }
      return true;
    }),
    { numRuns: RUNS },
  );
}

Deno.test(`the release core and the model allocate ring blocks alike on ${RUNS} listen/close sequences`, () =>
  agreeOnArena(instantiateCore));
