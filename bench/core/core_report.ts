/**
 * The `admit+take` group of bench/core/core_bench.ts (one burst of bench/core/_burst.ts per
 * operation: wasm core, ts model, denque, array) as a benny suite (npm:benny, on
 * benchmark.js), which saves its results under bench/results/ as
 * core_report.json, core_report.csv and core_report.table.html.
 *
 * benny's ops/s are bursts per second; "percentSlower" is relative to the fastest.
 * The ratio to the model, printed at the end, is time / time of `ts model`.
 *
 * Run: `deno task bench:report`
 * (`deno run --allow-read --allow-write --allow-env --allow-sys bench/core/core_report.ts`).
 *
 * @module
 */

import { add, complete, cycle, save, suite } from "benny";
import { ADMIT_TAKE, assertAgreement, type TrafficFactory } from "./_traffic.ts";

const FOLDER = new URL("../results", import.meta.url).pathname;
const FILE = "core_report";
const BASELINE = "ts model";

/** Every burst's checksum lands here, so no burst is dead code. */
let sink = 0;

/** A benny case: benny calls the outer function to set up, and times the function it returns. */
function burstCase(name: string, factory: TrafficFactory): ReturnType<typeof add> {
  return add(name, () => {
    const traffic = factory();
    return () => {
      sink ^= traffic.burst();
    };
  });
}

/** One line per case: ops/s and time relative to the model. */
function printRatios(results: readonly { name: string; ops: number }[]): void {
  const baseline = results.find((r) => r.name === BASELINE);
  if (!baseline) return;
  console.log(`\nTime relative to ${BASELINE} (< 1 is faster):`);
  for (const r of results) console.log(`  ${r.name.padEnd(10)} ${(baseline.ops / r.ops).toFixed(2)}`);
}

async function main(): Promise<void> {
  assertAgreement(ADMIT_TAKE);
  await suite(
    "admit+take (one burst: 16 arrivals, 12 admitted, 12 taken, 12 closed)",
    ...Object.entries(ADMIT_TAKE).map(([name, factory]) => burstCase(name, factory)),
    cycle(),
    complete((summary) => printRatios(summary.results)),
    save({ folder: FOLDER, file: FILE, format: "json", details: true }),
    save({ folder: FOLDER, file: FILE, format: "csv", details: true }),
    save({ folder: FOLDER, file: FILE, format: "table.html", details: true }),
  );
  if (sink === 0x7fffffff) console.log("(sink)"); // keeps the sink observable
}

if (import.meta.main) await main();
