/**
 * The core at scale: a table of 2^20 descriptors with 1k to 1M connections
 * queued and as many accepted ones open, and the time of one operation there.
 *
 * For each size N: `init(2^20, queueSlots)` with L = ceil(N / 65535) listeners
 * of backlog ceil(N / L) (SOMAXCONN_HINT sizes; a listener holds at most 65,535),
 * N handles admitted and N descriptors taken and kept open (so 2N connections
 * are in the core, spread over the table by the rotating free list), then a
 * steady state that keeps both at N: per cycle, on the next listener in turn,
 * `take` the oldest handle (a new descriptor), `admit` a new one and `close`
 * the oldest open descriptor. Each is one call (one JS-to-WebAssembly crossing).
 *
 * Reported per N: the module's memory, and the time per operation relative to
 * N = 1,000 in the same round (the rounds visit the sizes in turn; median over
 * ROUNDS rounds of CYCLES cycles, with the range). It should stay near 1: every
 * operation touches a fixed number of entries, whatever the table's size. The
 * results file also keeps this run's ns per operation.
 *
 * Run: `deno task bench:scale` (writes bench/results/core_scale.md).
 *
 * @module
 */

import { instantiateCore } from "../../src/core/_core.ts";
import { CoreLimits } from "../../src/core/_abi.ts";

const TABLE = CoreLimits.maxTableCapacity;
const SIZES = [1_000, 4_000, 16_000, 64_000, 256_000, 1_000_000];
const CYCLES = 200_000;
const ROUNDS = 15;

/** One size's figures. */
interface Row {
  queued: number;
  listeners: number;
  memoryBytes: number;
  queueSlots: number;
  nsPerOp: number;
  /** Median over the rounds of this size's time / N = 1,000's time in the same round. */
  ratio: number;
  ratioRange: [number, number];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** A core set up at size `n`, its steady-state cycle, and the check that the state held. */
interface Setup {
  n: number;
  listeners: number;
  queueSlots: number;
  memoryBytes: number;
  cycle: () => void;
  check: () => void;
}

function setUp(n: number): Setup {
  const hintMax = CoreLimits.hintMax;
  const listeners = Math.ceil(n / hintMax);
  const backlog = Math.ceil(n / listeners);
  const ringSlots = 2 ** Math.ceil(Math.log2(backlog));
  const queueSlots = listeners * ringSlots;
  const core = instantiateCore();
  if (core.init(TABLE, queueSlots) !== 0) throw new Error(`init(${TABLE}, ${queueSlots}) failed`);
  const ls: number[] = [];
  for (let i = 0; i < listeners; i++) {
    const s = core.socket(1);
    core.bind(s);
    if (core.listen(s, -backlog, 0) !== 0) throw new Error("listen failed"); // SOMAXCONN_HINT(backlog)
    ls.push(s);
  }
  // N open descriptors, taken from the listeners, then N queued handles.
  const open = new Float64Array(n); // a ring of open descriptors, oldest at `head`
  let handle = 0;
  for (let i = 0; i < n; i++) core.admit(ls[i % listeners], handle++);
  for (let i = 0; i < n; i++) open[i] = core.take(ls[i % listeners]);
  for (let i = 0; i < n; i++) core.admit(ls[i % listeners], handle++);
  let queued = 0;
  for (const s of ls) queued += core.stat(s, 4);
  if (queued !== n || core.freeDescriptors() !== TABLE - n - listeners) throw new Error("setup failed");

  let head = 0;
  let next = 0;
  let sink = 0;
  const cycle = () => {
    const l = ls[next];
    next = next + 1 === listeners ? 0 : next + 1;
    const d = core.take(l);
    sink ^= core.admit(l, handle);
    handle = (handle + 1) & 0x3fffffff;
    sink ^= core.close(open[head]);
    open[head] = d;
    head = head + 1 === n ? 0 : head + 1;
  };
  const check = () => {
    queued = 0;
    for (const s of ls) queued += core.stat(s, 4);
    if (queued !== n || core.freeDescriptors() !== TABLE - n - listeners || sink !== 0) {
      throw new Error(`steady state lost: queued ${queued}, free ${core.freeDescriptors()}, sink ${sink}`);
    }
  };
  return { n, listeners, queueSlots, memoryBytes: core.memory.buffer.byteLength, cycle, check };
}

/** Rounds interleaved over the sizes, so that the machine's noise falls on all of them alike. */
function measureAll(setups: readonly Setup[]): Row[] {
  const perOp = setups.map(() => [] as number[]);
  for (const s of setups) for (let i = 0; i < CYCLES; i++) s.cycle(); // warm-up: JIT and caches
  for (let r = 0; r < ROUNDS; r++) {
    setups.forEach((s, k) => {
      const t0 = performance.now();
      for (let i = 0; i < CYCLES; i++) s.cycle();
      perOp[k].push(((performance.now() - t0) * 1e6) / CYCLES / 3);
    });
  }
  return setups.map((s, k) => {
    s.check();
    const ratios = perOp[k].map((t, r) => t / perOp[0][r]);
    return {
      queued: s.n,
      listeners: s.listeners,
      memoryBytes: s.memoryBytes,
      queueSlots: s.queueSlots,
      nsPerOp: median(perOp[k]),
      ratio: median(ratios),
      ratioRange: [Math.min(...ratios), Math.max(...ratios)],
    };
  });
}

/** The rows as the markdown table the README quotes. */
export function markdownTable(rows: readonly Row[]): string {
  const mib = (b: number) => (b / 2 ** 20).toFixed(1);
  const lines = [
    `The core at ${
      TABLE.toLocaleString("en")
    } descriptors, \`deno task bench:scale\`, ${Deno.version.deno} ` +
    `(V8 ${Deno.version.v8}). Per row: N connections queued and N accepted ones open; one operation is an ` +
    `admit, a take or a close (one call each); median of ${ROUNDS} rounds of ${
      CYCLES.toLocaleString("en")
    } ` +
    "cycles, range beside it.",
    "",
    "| queued (N) | listeners | queue slots | core memory | time per operation ÷ N = 1,000's | range | ns (this run) |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.queued.toLocaleString("en")} | ${r.listeners} | ${r.queueSlots.toLocaleString("en")} | ` +
        `${mib(r.memoryBytes)} MiB | ${r.ratio.toFixed(2)} | ` +
        `${r.ratioRange[0].toFixed(2)} – ${r.ratioRange[1].toFixed(2)} | ${r.nsPerOp.toFixed(1)} |`,
    );
  }
  return lines.join("\n") + "\n";
}

if (import.meta.main) {
  const rows = measureAll(SIZES.map(setUp));
  const table = markdownTable(rows);
  console.log(table);
  await Deno.writeTextFile(new URL("../results/core_scale.md", import.meta.url), table);
}
