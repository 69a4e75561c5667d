/**
 * wrk (Debian's package, C, epoll) as the throughput load of the end-to-end
 * accept benchmark: one thread keeping `concurrency` connections busy with
 * `Connection: close`, so every request is one accepted connection. Its cost per
 * connection is a fraction of a Node client's, so on a 2-core machine the server,
 * not the generator, is the bottleneck. A Lua `done` hook (written to a temporary
 * file) prints wrk's summary as JSON; wrk's CPU time comes from bash's `times`.
 *
 * @module
 */

import type { Percentiles } from "./_load.ts";
import { runBounded } from "../../tests/fixtures/_process.ts";

/** What one wrk run reports. */
export interface WrkResult {
  generator: "wrk";
  concurrency: number;
  seconds: number;
  /** Connections served within the window, per second. */
  servedPerSecond: number;
  served: number;
  /** Errors by kind (connect, read, write, status, timeout), the non-zero ones. */
  errors: Record<string, number>;
  /** From the connect call to the end of the response. */
  latencyMs: Percentiles;
  /** wrk's own CPU time (user + system) over the run, in seconds. */
  generatorCpuSeconds: number;
}

const WRK_DONE = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'E2E-JSON {"requests":%d,"durationUs":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latencyUs":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f}}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
`;

/** Whether `wrk` is on the PATH. */
export async function hasWrk(): Promise<boolean> {
  try {
    const { code } = await new Deno.Command("wrk", { args: ["-v"], stdout: "null", stderr: "null" }).output();
    return code === 0 || code === 1; // wrk -v prints its version and exits with 1
  } catch {
    return false;
  }
}

/** Parses bash's `times` output (second line: children's user and system time) into seconds. */
function childrenCpuSeconds(times: string): number {
  const line = times.trim().split("\n").at(-1) ?? "";
  return line.split(/\s+/).reduce((sum, t) => {
    const m = /^(\d+)m([\d.]+)s$/.exec(t);
    return m ? sum + Number(m[1]) * 60 + Number(m[2]) : sum;
  }, 0);
}

/** The exact wrk command line used (for the report). */
export function wrkArgs(port: number, concurrency: number, seconds: number, script = "done.lua"): string[] {
  return [
    "-t1",
    `-c${concurrency}`,
    `-d${seconds}s`,
    "--timeout",
    "2s",
    "-H",
    "Connection: close",
    "-s",
    script,
    `http://127.0.0.1:${port}/`,
  ];
}

/** One wrk run against 127.0.0.1:`port`. */
export async function runWrk(
  port: number,
  concurrency: number,
  seconds: number,
  cwd: string,
  /** CPUs to run wrk on (taskset -c), or undefined for any. */
  cpus?: string,
): Promise<WrkResult> {
  const script = await Deno.makeTempFile({ prefix: "acceptq_e2e_", suffix: ".lua" });
  try {
    await Deno.writeTextFile(script, WRK_DONE);
    const quoted = wrkArgs(port, concurrency, seconds, script).map((a) => `'${a}'`).join(" ");
    const wrk = cpus === undefined ? "wrk" : `taskset -c '${cpus}' wrk`;
    const out = await runBounded("bash", ["-c", `${wrk} ${quoted} && times`], {
      cwd,
      limitMs: (seconds + 10) * 1000,
    });
    const json = out.split("\n").find((l) => l.startsWith("E2E-JSON "));
    if (!json) throw new Error(`wrk printed no summary:\n${out}`);
    const w = JSON.parse(json.slice("E2E-JSON ".length));
    const ms = (us: number) => Math.round(us) / 1000;
    return {
      generator: "wrk",
      concurrency,
      seconds,
      servedPerSecond: Math.round(w.requests / (w.durationUs / 1e6)),
      served: w.requests,
      errors: Object.fromEntries(Object.entries(w.errors as Record<string, number>).filter(([, n]) => n > 0)),
      latencyMs: {
        p50: ms(w.latencyUs.p50),
        p90: ms(w.latencyUs.p90),
        p99: ms(w.latencyUs.p99),
        max: ms(w.latencyUs.max),
        mean: ms(w.latencyUs.mean),
      },
      generatorCpuSeconds: childrenCpuSeconds(out.slice(out.indexOf(json) + json.length)),
    };
  } finally {
    await Deno.remove(script).catch(() => {});
  }
}
