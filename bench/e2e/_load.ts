/**
 * Runs bench/e2e/_load.mjs, the hand-written client of the overload test, and
 * types its JSON line. wrk (bench/e2e/_wrk.ts) measures plain throughput; it
 * cannot say, per connection, whether the server refused it (established, then
 * ended before any byte), served it, or left it unanswered, nor how long each
 * refused client waited to learn it, nor retry a refused client after a pause:
 * that is what this client is for.
 *
 * @module
 */

import { runBounded } from "../../tests/fixtures/_process.ts";

/** Latency percentiles, in ms. */
export interface Percentiles {
  n?: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  /** The share of values at most 1 ms (bench/e2e/_load.mjs only). */
  within1ms?: number;
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
  /** Refusals seen as a reset (ECONNRESET or ECONNREFUSED), not an end of stream. */
  refusedByReset: number;
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

/** The client's arguments, relative to the repository root (for the report and for running it). */
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

/** One run of bench/e2e/_load.mjs against 127.0.0.1:`port`, from the repository root `root`. */
export async function runNodeLoad(
  port: number,
  concurrency: number,
  seconds: number,
  root: string,
  timeoutMs = 2000,
  retryMs = 0,
): Promise<NodeLoadReport> {
  const args = nodeLoadArgs(port, concurrency, seconds, timeoutMs, retryMs);
  const out = await runBounded("node", args, { cwd: root, limitMs: seconds * 1000 + timeoutMs + 10_000 });
  return JSON.parse(out.trim().split("\n").at(-1)!) as NodeLoadReport;
}
