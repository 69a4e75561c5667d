/**
 * The two load generators of the end-to-end accept benchmark, behind one call.
 *
 * - `wrk` (Debian's package, C, epoll) for throughput: one thread keeping
 *   `concurrency` connections busy with `Connection: close`, so every request is
 *   one accepted connection. Its per-connection cost is a fraction of a Node
 *   client's, so on a 2-core machine the server (not the generator) is the
 *   bottleneck. A Lua `done` hook (written to a temporary file) prints its figures
 *   as JSON; its CPU time comes from bash's `times`.
 * - bench/e2e/_load.mjs (Node) where each connection must be classified and timed:
 *   served, refused (end of stream before any byte), timed out, failed. The
 *   overload test needs that, and it is the fallback for throughput without wrk.
 *
 * @module
 */

import { runBounded } from "./_proc.ts";

/** Latency percentiles, in ms. */
export interface Percentiles {
  n?: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  /** The share of values at most 1 ms (node generator only). */
  within1ms?: number;
}

/** What one load run reports, whichever generator ran it. */
export interface LoadResult {
  generator: "wrk" | "node";
  concurrency: number;
  seconds: number;
  /** Connections served within the window, per second. */
  servedPerSecond: number;
  /** Connections served (for node: including those finished while draining). */
  served: number;
  /** Errors by kind (wrk: connect, read, write, status, timeout; node: refused, timedOut and codes). */
  errors: Record<string, number>;
  /** From the connect call to the end of the response, for served connections. */
  latencyMs: Percentiles | null;
  /** The generator's own CPU time (user + system) over the run, in seconds. */
  generatorCpuSeconds: number;
  /** The node generator's full report (overload figures), when it ran. */
  node?: NodeLoadReport;
}

/** bench/e2e/_load.mjs's JSON line. */
export interface NodeLoadReport {
  concurrency: number;
  windowMs: number;
  timeoutMs: number;
  retryMs: number;
  elapsedMs: number;
  offered: number;
  served: number;
  refused: number;
  timedOut: number;
  failed: Record<string, number>;
  pendingAtEnd: number;
  servedInWindow: number;
  servedPerSecond: number;
  latencyMs: {
    served: Percentiles | null;
    refused: Percentiles | null;
    refusedAfterHandshake: Percentiles | null;
  };
  generatorCpuSeconds: number;
}

const NODE_LOAD = new URL("./_load.mjs", import.meta.url).pathname;

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
): Promise<LoadResult> {
  const script = await Deno.makeTempFile({ prefix: "acceptq_e2e_", suffix: ".lua" });
  try {
    await Deno.writeTextFile(script, WRK_DONE);
    const quoted = wrkArgs(port, concurrency, seconds, script).map((a) => `'${a}'`).join(" ");
    const out = await runBounded("bash", ["-c", `wrk ${quoted} && times`], cwd, (seconds + 10) * 1000);
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

/** The node generator's arguments (for the report and for running it). */
export function nodeLoadArgs(
  port: number,
  concurrency: number,
  seconds: number,
  timeoutMs: number,
  retryMs = 0,
): string[] {
  return [
    "bench/e2e/_load.mjs",
    "--port",
    String(port),
    "--concurrency",
    String(concurrency),
    "--seconds",
    String(seconds),
    "--timeout-ms",
    String(timeoutMs),
    "--drain-ms",
    String(timeoutMs + 1000),
    "--retry-ms",
    String(retryMs),
  ];
}

/** One run of bench/e2e/_load.mjs against 127.0.0.1:`port`. */
export async function runNodeLoad(
  port: number,
  concurrency: number,
  seconds: number,
  cwd: string,
  timeoutMs = 2000,
  retryMs = 0,
): Promise<LoadResult> {
  const args = nodeLoadArgs(port, concurrency, seconds, timeoutMs, retryMs);
  args[0] = NODE_LOAD;
  const out = await runBounded("node", args, cwd, seconds * 1000 + timeoutMs + 10_000);
  const r = JSON.parse(out.trim().split("\n").at(-1)!) as NodeLoadReport;
  const errors: Record<string, number> = { ...r.failed };
  if (r.refused) errors.refused = r.refused;
  if (r.timedOut) errors.timedOut = r.timedOut;
  if (r.pendingAtEnd) errors.pendingAtEnd = r.pendingAtEnd;
  return {
    generator: "node",
    concurrency,
    seconds,
    servedPerSecond: r.servedPerSecond,
    served: r.served,
    errors,
    latencyMs: r.latencyMs.served,
    generatorCpuSeconds: r.generatorCpuSeconds,
    node: r,
  };
}
