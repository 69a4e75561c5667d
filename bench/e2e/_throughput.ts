/**
 * Throughput part of the end-to-end accept benchmark: accepted connections per
 * second through acceptq, raw `Deno.listen` and Node `net`, under the same load
 * from a separate process (wrk, bench/e2e/_wrk.ts).
 *
 * The three servers run side by side, idle except for the one under load. Each
 * gets a warm-up run first (discarded); then the rounds alternate them. A
 * round gives each server `seconds` of load in `slices` slices, the servers
 * taking turns slice by slice, every other turn in reverse order (acceptq,
 * Deno.listen, Node; Node, Deno.listen, acceptq; ...): on a machine whose other
 * load comes and goes by the second, the servers of one round see the same
 * machine, acceptq and Deno.listen (the pair the target compares) always run
 * back to back, and neither always runs first. Per run: served connections per second, latency,
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

import type { Percentiles } from "./_load.ts";
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
  /** Slices per server and round (each `seconds / slices` long). */
  slices: number;
  concurrency: number;
  backlog: number;
  root: string;
  /**
   * CPUs to pin the servers and wrk to (taskset -c), or undefined to leave them
   * to the scheduler: with the server on one core and wrk on the other, every
   * server sees the same split of the machine in every slice.
   */
  pin?: { server: string; load: string };
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
  const load = await runWrk(server.port, options.concurrency, seconds, options.root, options.pin?.load);
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
      servers.push(
        await startServer(kind, { backlog: options.backlog, cpus: options.pin?.server }, options.root),
      );
    }
    const warmups: ThroughputRun[] = [];
    for (const server of servers) {
      warmups.push(await loadOnce(server, 0, options.warmupSeconds, options));
      log(`  warm-up ${server.kind}: ${warmups.at(-1)!.servedPerSecond} conn/s`);
    }
    const runs: ThroughputRun[] = [];
    let turn = 0;
    for (let r = 1; r <= options.rounds; r++) {
      const slices = new Map<ServerHandle, ThroughputRun[]>(servers.map((s) => [s, []]));
      // A server's CPU over the whole round, read once at each end (/proc counts in 10 ms ticks): an
      // idle server uses next to none while the others take their turns, and what it does use then
      // (a deferred collection, say) is part of its cost per connection.
      const cpuAtStart = new Map(servers.map((s) => [s, s.cpu()]));
      for (let k = 0; k < options.slices; k++) {
        for (const server of turn++ % 2 === 0 ? servers : [...servers].reverse()) {
          slices.get(server)!.push(await loadOnce(server, r, options.seconds / options.slices, options));
        }
      }
      const line: string[] = [];
      for (const server of servers) {
        const run = combine(slices.get(server)!, server.cpu() - cpuAtStart.get(server)!);
        runs.push(run);
        line.push(`${server.kind} ${run.servedPerSecond}/s (${run.serverCpuUsPerConnection} µs CPU)`);
      }
      log(`  round ${r}/${options.rounds}: ${line.join(", ")}`);
    }
    const finalCounters: Record<string, unknown> = {};
    for (const server of servers) finalCounters[server.kind] = await server.stop();
    const { root: _root, ...rest } = options;
    const loadCommand = [
      "wrk",
      ...wrkArgs(0, options.concurrency, options.seconds / options.slices, "done.lua"),
    ]
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

/**
 * One server's slices of a round as one run, with `cpuSeconds` its CPU over the
 * round: totals, and the median slice's latency figures.
 */
function combine(slices: readonly ThroughputRun[], cpuSeconds: number): ThroughputRun {
  const sum = (f: (run: ThroughputRun) => number) => slices.reduce((total, run) => total + f(run), 0);
  const served = sum((run) => run.served);
  const seconds = sum((run) => run.servedPerSecond > 0 ? run.served / run.servedPerSecond : run.seconds);
  const serverCpuSeconds = round(cpuSeconds, 2);
  const errors: Record<string, number> = {};
  for (const run of slices) {
    for (const [kind, n] of Object.entries(run.errors)) errors[kind] = (errors[kind] ?? 0) + n;
  }
  const pick = (f: (p: Percentiles) => number) => median(slices.map((run) => f(run.latencyMs)));
  return {
    ...slices[0],
    seconds: round(sum((run) => run.seconds), 2),
    served,
    servedPerSecond: Math.round(served / Math.max(seconds, 1e-9)),
    errors,
    latencyMs: {
      p50: pick((p) => p.p50),
      p90: pick((p) => p.p90),
      p99: pick((p) => p.p99),
      max: Math.max(...slices.map((run) => run.latencyMs.max)),
      mean: pick((p) => p.mean),
    },
    generatorCpuSeconds: round(sum((run) => run.generatorCpuSeconds), 2),
    serverCpuSeconds,
    serverCpuUsPerConnection: round(serverCpuSeconds / Math.max(1, served) * 1e6, 2),
    refused: slices.some((run) => run.refused !== undefined) ? sum((run) => run.refused ?? 0) : undefined,
  };
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
