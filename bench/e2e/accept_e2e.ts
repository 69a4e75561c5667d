/**
 * End-to-end accept benchmark: accepted connections per second through acceptq
 * versus a raw `Deno.listen` accept loop and a Node `net` server, each in its own
 * process, under the same load from a separate process; then acceptq under 10 ×
 * more offered connections than its backlog admits, against raw Deno.listen with
 * the same kernel backlog.
 *
 * Every server answers each connection with a fixed tiny HTTP/1.1 response
 * (`Connection: close`) after reading the request head, then closes it
 * (bench/e2e/_server.ts, bench/e2e/_server_node.mjs).
 *
 * - Throughput (bench/e2e/_throughput.ts): wrk (`-t1 -c32`, `Connection: close`, so
 *   each request is one connection); warm-up, then `--rounds` rounds of
 *   `--seconds` each alternating acceptq, Deno.listen, Node; per round the ratio
 *   of acceptq's rate to each other's; medians. Backlog 512 everywhere: acceptq
 *   must refuse 0.
 * - Overload (bench/e2e/_overload.ts): backlog 32, 320 concurrent clients (a
 *   refused one retries after 100 ms; also a storm retrying at once), a slow
 *   server (4 at once, 10 ms each), loaded by bench/e2e/_load.mjs, a client that
 *   classifies and times every connection (what wrk cannot): admitted rate and
 *   latency against the same server's full speed, refusals and their latency,
 *   admitted + refused = offered; raw Deno.listen with tcpBacklog 32 for contrast.
 *
 * Writes bench/results/accept_e2e.json (every figure, machine facts, versions,
 * the command), accept_e2e.md (tables for the README) and accept_e2e.svg (the chart,
 * bench/e2e/_chart.ts; `--chart-only` redraws it from accept_e2e.json without measuring).
 * Loopback only; every load is bounded in time; every process started is reaped.
 *
 * Run: `deno run -A bench/e2e/accept_e2e.ts [--rounds 9] [--seconds 3] [--chart-only]`
 * (`deno task bench:e2e`; needs wrk: apt-get install wrk). About 2 minutes with the defaults.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { hasWrk } from "./_wrk.ts";
import { runOverload } from "./_overload.ts";
import { type E2eReport, markdownReport } from "./_report.ts";
import { chartSvg } from "./_chart.ts";
import { runThroughput } from "./_throughput.ts";
import { machineFacts } from "./_facts.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const RESULTS = new URL("../results/", import.meta.url);
const USAGE = "usage: deno run -A bench/e2e/accept_e2e.ts [--rounds 9] [--seconds 3] [--concurrency 32] " +
  "[--overload-seconds 3] [--no-pin] [--chart-only]";

/**
 * Where the throughput servers and wrk run: the server on the last CPU and wrk
 * on the first, when taskset is there and the machine has two CPUs or more (so
 * that the scheduler does not move them onto each other's core from slice to
 * slice); undefined otherwise.
 */
async function pinning(): Promise<{ server: string; load: string } | undefined> {
  const cpus = navigator.hardwareConcurrency;
  if (!(cpus >= 2)) return undefined;
  try {
    const { code } = await new Deno.Command("taskset", { args: ["-c", "0", "true"] }).output();
    return code === 0 ? { server: String(cpus - 1), load: "0" } : undefined;
  } catch {
    return undefined;
  }
}

/** The benchmark's settings, from the command line. */
export interface E2eOptions {
  rounds: number;
  seconds: number;
  concurrency: number;
  overloadSeconds: number;
  /** Pin the throughput servers and wrk to cores of their own (taskset), where there are two or more. */
  pin: boolean;
}

/** Parses the command line (throws with the usage line on bad input). */
export async function parseOptions(args: string[]): Promise<E2eOptions> {
  const { values } = parseArgs({
    args,
    options: {
      rounds: { type: "string", default: "9" },
      seconds: { type: "string", default: "3" },
      concurrency: { type: "string", default: "32" },
      "overload-seconds": { type: "string", default: "3" },
      "no-pin": { type: "boolean", default: false },
    },
  });
  const options = {
    rounds: Number(values.rounds),
    seconds: Number(values.seconds),
    concurrency: Number(values.concurrency),
    overloadSeconds: Number(values["overload-seconds"]),
    pin: !values["no-pin"],
  };
  const positive = (x: number) => Number.isFinite(x) && x > 0;
  if (
    !Number.isInteger(options.rounds) || !positive(options.rounds) ||
    !Number.isInteger(options.seconds) || !positive(options.seconds) ||
    !Number.isInteger(options.concurrency) || !positive(options.concurrency) ||
    !positive(options.overloadSeconds)
  ) throw new Error(USAGE);
  if (!(await hasWrk())) {
    throw new Error("wrk is not installed (apt-get install wrk)");
  }
  return options;
}

/** `--chart-only`: redraws accept_e2e.svg from the accept_e2e.json already written, measuring nothing. */
async function redrawChart(): Promise<void> {
  const report = JSON.parse(await Deno.readTextFile(new URL("accept_e2e.json", RESULTS))) as E2eReport;
  await Deno.writeTextFile(new URL("accept_e2e.svg", RESULTS), await chartSvg(report));
  console.error(`accept_e2e: chart redrawn from the report of ${report.date}`);
}

async function main(): Promise<void> {
  if (Deno.args.includes("--chart-only")) return await redrawChart();
  const options = await parseOptions(Deno.args);
  const log = (line: string) => console.error(line);
  const started = new Date();
  const before = await machineFacts(ROOT);
  log(`accept_e2e: ${options.rounds} rounds × ${options.seconds} s`);
  log("throughput (backlog 512):");
  const throughput = await runThroughput({
    rounds: options.rounds,
    seconds: options.seconds,
    warmupSeconds: 3,
    slices: options.seconds, // 1 s slices
    concurrency: options.concurrency,
    backlog: 512,
    root: ROOT,
    pin: options.pin ? await pinning() : undefined,
  }, log);
  log("overload (backlog 32, 320 concurrent clients, 4 workers × 10 ms):");
  const overload = await runOverload({
    backlog: 32,
    offered: 320,
    workers: 4,
    holdMs: 10,
    seconds: options.overloadSeconds,
    timeoutMs: 2000,
    retryMs: 100,
    root: ROOT,
  }, log);
  const report = {
    benchmark: "accept_e2e",
    command: ["deno", "run", "-A", "bench/e2e/accept_e2e.ts", ...Deno.args].join(" "),
    date: started.toISOString(),
    durationSeconds: Math.round((Date.now() - started.getTime()) / 1000),
    machine: before,
    loadAverageAfter: Deno.loadavg(),
    options,
    throughput,
    overload,
  };
  await Deno.mkdir(RESULTS, { recursive: true });
  await Deno.writeTextFile(new URL("accept_e2e.json", RESULTS), JSON.stringify(report, null, 2) + "\n");
  const markdown = markdownReport(report);
  await Deno.writeTextFile(new URL("accept_e2e.md", RESULTS), markdown);
  await Deno.writeTextFile(new URL("accept_e2e.svg", RESULTS), await chartSvg(report));
  console.log(markdown);
}

if (import.meta.main) await main();
