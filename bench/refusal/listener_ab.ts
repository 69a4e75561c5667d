// Accepted connections per second of acceptq's listen() on its two kinds of
// listening socket, side by side in one run: native handles (listener "handle",
// refusals are resets without FFI) and Deno.listen (the default; refusals are
// resets through FFI where it is granted, else orderly closes).
//
//   deno run -A bench/refusal/listener_ab.ts [--rounds 5] [--seconds 2] [--concurrency 32]
//
// Each round starts bench/e2e/_server.ts --kind acceptq once per listener kind,
// in alternating order, and loads it with wrk (Connection: close) after a 1 s
// warm-up; the ratio is handle ÷ deno within each round, and its median.

import { parseArgs } from "node:util";
import { Child } from "../../tests/fixtures/_process.ts";
import { hasWrk, runWrk } from "../e2e/_wrk.ts";
import { cpuSeconds } from "../e2e/_servers.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    rounds: { type: "string", default: "5" },
    seconds: { type: "string", default: "2" },
    concurrency: { type: "string", default: "32" },
  },
});
const ROUNDS = Number(values.rounds);
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
const ROOT = new URL("../../", import.meta.url).pathname;
const KINDS = ["handle", "deno"] as const;

if (!(await hasWrk())) {
  console.error("wrk is not installed (apt-get install -y wrk)");
  Deno.exit(2);
}

interface Measure {
  perSecond: number;
  /** Server CPU time per served connection, in µs. */
  cpuUs: number;
  failed: number;
  refused: number;
}

async function measure(listener: string): Promise<Measure> {
  const child = new Child(Deno.execPath(), [
    "run",
    "--quiet",
    "--allow-net=127.0.0.1",
    "bench/e2e/_server.ts",
    "--kind",
    "acceptq",
    "--backlog",
    "512",
    "--listener",
    listener,
  ], ROOT);
  try {
    const { port, pid } = JSON.parse(await child.line(20_000));
    await runWrk(port, CONCURRENCY, 1, ROOT);
    const cpu0 = cpuSeconds(pid);
    const run = await runWrk(port, CONCURRENCY, SECONDS, ROOT);
    const cpuUs = (cpuSeconds(pid) - cpu0) / run.served * 1e6;
    await child.endInput();
    const last = JSON.parse(await child.line(5000));
    return {
      perSecond: run.servedPerSecond,
      cpuUs,
      failed: last.failed,
      refused: last.listener?.refused ?? 0,
    };
  } finally {
    await child.close(5000);
  }
}

const rows: Record<string, number[]> = { handle: [], deno: [] };
const cpu: Record<string, number[]> = { handle: [], deno: [] };
const ratios: number[] = [];
const cpuRatios: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? KINDS : [...KINDS].reverse();
  const got: Record<string, number> = {};
  for (const kind of order) {
    const m = await measure(kind);
    got[kind] = m.perSecond;
    got[`${kind}Cpu`] = m.cpuUs;
    rows[kind].push(m.perSecond);
    cpu[kind].push(m.cpuUs);
    if (m.refused !== 0 || m.failed !== 0) {
      console.error(`round ${round + 1} ${kind}: refused ${m.refused}, failed ${m.failed}`);
    }
  }
  ratios.push(got.handle / got.deno);
  cpuRatios.push(got.handleCpu / got.denoCpu);
  console.error(
    `round ${round + 1}: handle ${got.handle}/s, deno ${got.deno}/s, ratio ${
      (got.handle / got.deno).toFixed(2)
    }`,
  );
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const list = (xs: number[]) => xs.map((r) => r.toFixed(2)).join(", ");
console.log(
  `| listening socket | accepted connections/s (median) | range | server CPU per connection (median) |`,
);
console.log(`| --- | ---: | ---: | ---: |`);
for (const kind of KINDS) {
  const name = kind === "handle" ? "native handle" : "Deno.listen (default)";
  const range = `${Math.min(...rows[kind])} – ${Math.max(...rows[kind])}`;
  console.log(`| ${name} | ${median(rows[kind])} | ${range} | ${median(cpu[kind]).toFixed(1)} µs |`);
}
console.log(
  `\nhandle ÷ Deno.listen, same round, connections/s: median **${median(ratios).toFixed(2)}** (${
    list(ratios)
  })`,
);
console.log(
  `handle ÷ Deno.listen, same round, CPU per connection: median **${median(cpuRatios).toFixed(2)}** (${
    list(cpuRatios)
  })`,
);
