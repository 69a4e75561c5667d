/**
 * Overload part of the end-to-end accept benchmark: a slow server (at most
 * `workers` connections served at once, each held `holdMs` before its response)
 * behind a backlog B, loaded by the Node generator (bench/e2e/_load.mjs) in
 * three scenarios, each `seconds` long, on one server process per kind:
 *
 * - reference: workers + B clients, as many as the server and its queue hold, so
 *   nothing is refused: the server's full speed;
 * - overload: 10 × B clients; a refused client retries after `retryMs` (a client
 *   backing off), a served one at once. Refusal times here show what a refused
 *   client waits to learn it;
 * - storm (acceptq only): 10 × B clients that all retry at once. Refused clients
 *   then reconnect as fast as the two cores allow, so by Little's law their time
 *   to refusal is clients / refusals per second: it measures the machine, not the
 *   pump; what matters is that the admitted are still served at full speed.
 * - floor: a raw `Deno.listen` server that closes every connection as soon as it
 *   is accepted (OS queue 4096), offered the refusal traffic of the overload
 *   scenario (10 × B − workers − B clients, same retry pause): the fastest a
 *   refusal can be on this machine with this client, what acceptq's refusal times
 *   compare to.
 *
 * acceptq runs `listen({ backlog: B })` (its OS queue is deep, 4096 by default):
 * the pump admits up to B into acceptq's queue and refuses the rest by closing
 * them; the balance admitted + refused = offered is checked on both sides (the
 * clients' classification and the listener's counters). Raw
 * `Deno.listen({ tcpBacklog: B })` is the contrast: the kernel queue fills, the
 * excess SYNs are dropped, and clients wait (1 s SYN retransmission) instead of
 * being told; each attempt is bounded by `timeoutMs` from its connect call.
 *
 * @module
 */

import { nodeLoadArgs, type NodeLoadReport, runNodeLoad } from "./_load.ts";
import { type ServerHandle, type ServerKind, type ServerOptions, startServer } from "./_servers.ts";
import type { ServerCounters } from "./_server.ts";

/** How the overload test runs. */
export interface OverloadOptions {
  backlog: number;
  /** Concurrent clients offered in the overload and storm scenarios (10 × backlog). */
  offered: number;
  workers: number;
  holdMs: number;
  seconds: number;
  /** Bound on each connection attempt, ms. */
  timeoutMs: number;
  /** A refused client's pause before it retries, in the overload scenario, ms. */
  retryMs: number;
  root: string;
}

/** The three load shapes. */
export type Scenario = "reference" | "overload" | "storm" | "floor";

/** One scenario against one server. */
export interface OverloadRun {
  server: ServerKind;
  scenario: Scenario;
  /** The server's command line. */
  command: string;
  /** The load generator's command line (PORT stands for the server's port). */
  loadCommand: string;
  client: NodeLoadReport;
  /** Connections started per connection served. */
  offeredPerServed: number;
  /** The listener's counters over the run (acceptq only): after minus before; highWater since listen. */
  listener?: { admitted: number; refused: number; accepted: number; highWater: number; backlog: number };
  /** Client-side: served + refused + timed out + failed + pending = offered. */
  balanced: boolean;
  /** acceptq only: listener admitted + refused = offered, refused = client refused, accepted = served. */
  serverAgrees?: boolean;
}

/** Every overload run. */
export interface OverloadResult {
  options: Omit<OverloadOptions, "root">;
  /** Connections/s the slow server could serve if it never waited for work: workers × 1000 / holdMs. */
  nominalCapacityPerSecond: number;
  runs: OverloadRun[];
}

async function scenarioRun(
  server: ServerHandle,
  scenario: Scenario,
  options: OverloadOptions,
): Promise<OverloadRun> {
  const held = options.workers + options.backlog;
  const clients = scenario === "reference"
    ? held
    : scenario === "floor"
    ? options.offered - held
    : options.offered;
  const retryMs = scenario === "overload" || scenario === "floor" ? options.retryMs : 0;
  const before = await server.counters();
  const client = await runNodeLoad(
    server.port,
    clients,
    options.seconds,
    options.root,
    options.timeoutMs,
    retryMs,
  );
  const after = await server.counters();
  const failed = Object.values(client.failed).reduce((a, b) => a + b, 0);
  const run: OverloadRun = {
    server: server.kind,
    scenario,
    command: server.command,
    loadCommand: ["node", ...nodeLoadArgs(0, clients, options.seconds, options.timeoutMs, retryMs)].join(" ")
      .replace("--port 0", "--port PORT"),
    client,
    offeredPerServed: Math.round(client.offered / Math.max(1, client.served) * 10) / 10,
    balanced:
      client.served + client.refused + client.timedOut + failed + client.pendingAtEnd === client.offered,
  };
  const delta = listenerDelta(before, after);
  if (delta) {
    run.listener = delta;
    run.serverAgrees = delta.admitted + delta.refused === client.offered &&
      delta.refused === client.refused &&
      delta.accepted === client.served;
  }
  return run;
}

function listenerDelta(before: ServerCounters, after: ServerCounters): OverloadRun["listener"] {
  const a = after.listener;
  const b = before.listener;
  if (!a || !b) return undefined;
  return {
    admitted: a.admitted - b.admitted,
    refused: a.refused - b.refused,
    accepted: a.accepted - b.accepted,
    highWater: a.highWater,
    backlog: a.backlog,
  };
}

function describe(run: OverloadRun): string {
  const c = run.client;
  const r = c.latencyMs.refused;
  return `  ${run.server} ${run.scenario} (${c.concurrency} clients): offered ${c.offered}, served ${c.served} ` +
    `(${c.servedPerSecond}/s), refused ${c.refused}${
      r ? ` (p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms)` : ""
    }` +
    `, no answer ${c.timedOut}, pending ${c.pendingAtEnd}, failed ${JSON.stringify(c.failed)}`;
}

/**
 * Runs acceptq (reference, overload, storm), raw Deno.listen (reference, overload),
 * then the floor (raw Deno.listen closing every connection).
 */
export async function runOverload(
  options: OverloadOptions,
  log: (line: string) => void,
): Promise<OverloadResult> {
  const slow: ServerOptions = { backlog: options.backlog, workers: options.workers, holdMs: options.holdMs };
  const plan: [ServerKind, ServerOptions, Scenario[]][] = [
    ["acceptq", slow, ["reference", "overload", "storm"]],
    ["deno", slow, ["reference", "overload"]],
    ["deno", { backlog: 4096, refuseAll: true }, ["floor"]],
  ];
  const runs: OverloadRun[] = [];
  for (const [kind, serverOptions, scenarios] of plan) {
    const server = await startServer(kind, serverOptions, options.root);
    try {
      // Warm-up (within capacity: no refusals, except on the floor server), so the JIT has seen the path.
      await runNodeLoad(server.port, options.workers, 0.5, options.root, options.timeoutMs);
      for (const scenario of scenarios) {
        runs.push(await scenarioRun(server, scenario, options));
        log(describe(runs.at(-1)!));
      }
    } finally {
      await server.stop();
    }
  }
  const { root: _root, ...rest } = options;
  return {
    options: rest,
    nominalCapacityPerSecond: Math.round(options.workers * 1000 / options.holdMs),
    runs,
  };
}
