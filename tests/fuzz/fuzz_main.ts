// `deno task fuzz`: the faces fuzzer for as long as asked. Runs of `--per-run` calls with seeds
// from `--seed` on (default: random), one run in `--tcp-every` on TCP loopback, the rest on the
// memory transport, one in `--faults-every` with random transport faults (FaultyTransport), until `--calls` calls (default 1,000,000). FUZZ_SEED and FUZZ_CALLS set the
// same from the environment. `--known` also generates the calls of the known defects (KNOWN_DEFECTS). A failing run prints its seed and the command that replays it.
import { parseArgs } from "node:util";
import { runFuzz } from "./_faces_fuzz.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    seed: { type: "string", default: Deno.env.get("FUZZ_SEED") },
    calls: { type: "string", default: Deno.env.get("FUZZ_CALLS") ?? "1000000" },
    "per-run": { type: "string", default: "5000" },
    "tcp-every": { type: "string", default: "10" },
    transport: { type: "string" },
    known: { type: "boolean", default: false },
    "faults-every": { type: "string", default: "4" },
  },
});
const total = Number(values.calls);
const perRun = Math.min(Number(values["per-run"]), total);
const tcpEvery = Number(values["tcp-every"]);
const faultsEvery = Number(values["faults-every"]);
const first = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
if (
  ![total, perRun, tcpEvery, faultsEvery, first].every(Number.isInteger) || perRun < 1 || tcpEvery < 1 ||
  faultsEvery < 1
) {
  console.error(
    "usage: deno task fuzz [--seed N] [--calls N] [--per-run N] [--tcp-every N] [--faults-every N] [--transport memory|tcp] [--known]",
  );
  Deno.exit(2);
}

const started = performance.now();
let calls = 0;
let runs = 0;
let failed = 0;
for (let seed = first; calls < total; seed++, runs++) {
  const transport = values.transport === "tcp" || values.transport === "memory"
    ? values.transport
    : runs % tcpEvery === tcpEvery - 1
    ? "tcp"
    : "memory";
  const n = Math.min(perRun, total - calls);
  const faults = runs % faultsEvery === 0;
  const result = await runFuzz({ seed, calls: n, transport, faults, knownDefects: values.known });
  calls += n;
  if (result.findings.length > 0) {
    failed++;
    console.log(
      `FAILED seed ${seed} (${transport}, ${n} calls): replay with deno task fuzz --seed ${seed} --calls ${n} --transport ${transport}${
        faults ? " --faults-every 1" : ""
      }${values.known ? " --known" : ""}`,
    );
    for (const finding of result.findings) console.log(`  ${finding}`);
  }
  if (runs % 20 === 19) {
    console.log(
      `${calls} calls, ${runs + 1} runs, ${failed} failed, ${
        Math.round((performance.now() - started) / 1000)
      } s`,
    );
  }
}
console.log(
  `${calls} calls in ${runs} runs (seeds ${first}..${first + runs - 1}), ${failed} failed, ` +
    `${Math.round((performance.now() - started) / 1000)} s`,
);
if (failed > 0) Deno.exit(1);
