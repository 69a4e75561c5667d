/**
 * Throughput part of the end-to-end accept benchmark: accepted connections per
 * second through acceptq, raw `Deno.listen` and Node `net`, under the same load
 * from a separate process (wrk, bench/e2e/_wrk.ts).
 *
 * The three servers run side by side, idle except for the one under load. Each
 * gets a warm-up run first (discarded); then the rounds alternate them, one
 * load run each, every other round in reverse order (acceptq, Deno.listen,
 * Node; Node, Deno.listen, acceptq; ...): acceptq and Deno.listen, the pair the
 * target compares, always run back to back, and neither always runs first. Per run: served connections per second, latency,
 * and the server process's CPU time (user + system, all threads, from /proc)
 * per connection: the steadier figure on a shared machine, since it does not
 * depend on how much CPU the load generator got. Per round: acceptq's rate
 * divided by the others' rates, and the others' CPU per connection divided by
 * acceptq's, in the same round; reported as the median over the rounds with
 * the range. acceptq's counters are read after every run: it must refuse
 * nothing here (its backlog is large).
 *
 * @module
 */

import { runWrk, wrkArgs, type WrkResult } from "./_wrk.ts";
import { type ServerHandle, type ServerKind, startServer } from "./_servers.ts";
import { median, range, round } from "./_stats.ts";

/** The order in which the rounds alternate the servers. */
export const KINDS: readonly ServerKind[] = ["acceptq", "deno", "node"];

/** How the throughput test runs. */
export interface ThroughputOptions {
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  concurrency: number;
  backlog: number;
  root: string;
}

/** One load run against one server. */
export interface ThroughputRun extends WrkResult {
  round: number;
  server: ServerKind;
  serverCpuSeconds: number;
  /** Server CPU time per served connection, in µs. */
  serverCpuUsPerConnection: number;
  /** acceptq only: connections its listener refused during this run (must be 0). */
  refused?: number;
}

/** Per-server summary over the rounds. */
export interface ServerSummary {
  server: ServerKind;
  command: string;
  medianPerSecond: number;
  perSecondRange: [number, number];
  medianCpuUsPerConnection: number;
  /** The smallest and largest CPU per connection over the rounds, in µs. */
  cpuUsRange: [number, number];
  medianLatencyP50Ms: number;
  medianLatencyP99Ms: number;
}

/** A ratio of acceptq to another server, per round and its median. */
export interface RatioSummary {
  against: ServerKind;
  /** acceptq's connections/s divided by the other's, per round. */
  perRound: number[];
  median: number;
  range: [number, number];
  /** The other's CPU µs per connection divided by acceptq's, per round (> 1: acceptq uses less). */
  cpuPerRound: number[];
  cpuMedian: number;
  cpuRange: [number, number];
}

/** Everything the throughput test measured. */
export interface ThroughputResult {
  options: Omit<ThroughputOptions, "root">;
  /** The load generator's command line (PORT stands for each server's port). */
  loadCommand: string;
  runs: ThroughputRun[];
  warmups: ThroughputRun[];
  servers: ServerSummary[];
  ratios: RatioSummary[];
  /** acceptq's listener counters at the end (refused must be 0). */
  acceptqFinal: unknown;
  finalCounters: Record<string, unknown>;
}

async function loadOnce(
  server: ServerHandle,
  roundNo: number,
  seconds: number,
  options: ThroughputOptions,
): Promise<ThroughputRun> {
  const before = server.kind === "acceptq" ? await server.counters() : undefined;
  const cpu0 = server.cpu();
  const load = await runWrk(server.port, options.concurrency, seconds, options.root);
  const serverCpuSeconds = round(server.cpu() - cpu0, 2);
  const run: ThroughputRun = {
    round: roundNo,
    server: server.kind,
    ...load,
    serverCpuSeconds,
    serverCpuUsPerConnection: round(serverCpuSeconds / Math.max(1, load.served) * 1e6, 2),
  };
  if (before) {
    const after = await server.counters();
    run.refused = (after.listener?.refused ?? 0) - (before.listener?.refused ?? 0);
  }
  return run;
}

/** Runs the rounds; always stops the three servers. */
export async function runThroughput(
  options: ThroughputOptions,
  log: (line: string) => void,
): Promise<ThroughputResult> {
  const servers: ServerHandle[] = [];
  try {
    for (const kind of KINDS) {
      servers.push(await startServer(kind, { backlog: options.backlog }, options.root));
    }
    const warmups: ThroughputRun[] = [];
    for (const server of servers) {
      warmups.push(await loadOnce(server, 0, options.warmupSeconds, options));
      log(`  warm-up ${server.kind}: ${warmups.at(-1)!.servedPerSecond} conn/s`);
    }
    const runs: ThroughputRun[] = [];
    for (let r = 1; r <= options.rounds; r++) {
      const line: string[] = [];
      for (const server of r % 2 === 1 ? servers : [...servers].reverse()) {
        const run = await loadOnce(server, r, options.seconds, options);
        runs.push(run);
        line.push(`${server.kind} ${run.servedPerSecond}/s (${run.serverCpuUsPerConnection} µs CPU)`);
      }
      log(`  round ${r}/${options.rounds}: ${line.join(", ")}`);
    }
    const finalCounters: Record<string, unknown> = {};
    for (const server of servers) finalCounters[server.kind] = await server.stop();
    const { root: _root, ...rest } = options;
    const loadCommand = ["wrk", ...wrkArgs(0, options.concurrency, options.seconds, "done.lua")]
      .map((a) => a.includes(" ") ? `"${a}"` : a).join(" ");
    return {
      options: rest,
      loadCommand: loadCommand.replace("127.0.0.1:0/", "127.0.0.1:PORT/"),
      runs,
      warmups,
      servers: servers.map((s) => summarise(s, runs)),
      ratios: (["deno", "node"] as const).map((against) => ratios(against, runs)),
      acceptqFinal: (finalCounters.acceptq as { listener?: unknown } | undefined)?.listener,
      finalCounters,
    };
  } finally {
    for (const server of servers) await server.stop().catch(() => {});
  }
}

function summarise(server: ServerHandle, runs: readonly ThroughputRun[]): ServerSummary {
  const mine = runs.filter((r) => r.server === server.kind);
  const rates = mine.map((r) => r.servedPerSecond);
  return {
    server: server.kind,
    command: server.command,
    medianPerSecond: Math.round(median(rates)),
    perSecondRange: range(rates),
    medianCpuUsPerConnection: round(median(mine.map((r) => r.serverCpuUsPerConnection)), 1),
    cpuUsRange: range(mine.map((r) => round(r.serverCpuUsPerConnection, 1))),
    medianLatencyP50Ms: round(median(mine.map((r) => r.latencyMs?.p50 ?? NaN))),
    medianLatencyP99Ms: round(median(mine.map((r) => r.latencyMs?.p99 ?? NaN))),
  };
}

function ratios(against: ServerKind, runs: readonly ThroughputRun[]): RatioSummary {
  const rounds = [...new Set(runs.map((r) => r.round))];
  const pick = (n: number, kind: ServerKind) => runs.find((r) => r.round === n && r.server === kind)!;
  const perRound = rounds.map((n) =>
    round(pick(n, "acceptq").servedPerSecond / pick(n, against).servedPerSecond)
  );
  const cpuPerRound = rounds.map((n) =>
    round(pick(n, against).serverCpuUsPerConnection / pick(n, "acceptq").serverCpuUsPerConnection)
  );
  return {
    against,
    perRound,
    median: round(median(perRound)),
    range: range(perRound),
    cpuPerRound,
    cpuMedian: round(median(cpuPerRound)),
    cpuRange: range(cpuPerRound),
  };
}
