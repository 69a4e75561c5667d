/**
 * The three servers of the end-to-end accept benchmark, each in its own process
 * so that they are measured alike: acceptq and raw `Deno.listen`
 * (bench/e2e/_server.ts, `deno run --allow-net=127.0.0.1`, and `--allow-ffi` for acceptq so that
 * its refusals are resets) and Node `net`
 * (bench/e2e/_server_node.mjs). Started from the repository root; stopped by
 * closing their stdin (they print their final counters) or, failing that, killed.
 * Their CPU time is read from /proc (needs --allow-read=/proc, or -A).
 *
 * @module
 */

import { Child } from "../../tests/fixtures/_process.ts";
import type { ServerCounters } from "./_server.ts";

/** Which server. */
export type ServerKind = "acceptq" | "deno" | "node";

/** Labels used in tables and the chart. */
export const LABELS: Record<ServerKind, string> = {
  acceptq: "acceptq listen()",
  deno: "raw Deno.listen",
  node: "Node net.createServer",
};

/** How a server is started. */
export interface ServerOptions {
  /** acceptq's backlog, Deno.listen's tcpBacklog, Node's listen backlog. */
  backlog: number;
  /** 0: serve every connection concurrently; W > 0: at most W at once (a slow server). */
  workers?: number;
  /** Milliseconds each connection is held before the response. */
  holdMs?: number;
  /** Raw Deno only: close every connection as soon as it is accepted (the floor of a refusal). */
  refuseAll?: boolean;
  /** CPUs to run the server on (taskset -c, which execs it: the pid stays the server's), or any. */
  cpus?: string;
}

/** A running server process. */
export interface ServerHandle {
  kind: ServerKind;
  port: number;
  pid: number;
  /** The command line, relative to the repository root. */
  command: string;
  /** The server's counters now. */
  counters(): Promise<ServerCounters>;
  /** CPU seconds the server process has used so far. */
  cpu(): number;
  /** Stops it; resolves its final counters. */
  stop(): Promise<ServerCounters | undefined>;
}

/** The command (executable and arguments, relative to the repository root) that starts `kind`. */
export function serverCommand(kind: ServerKind, options: ServerOptions): [string, string[]] {
  const [exe, args] = unpinnedCommand(kind, options);
  return options.cpus === undefined ? [exe, args] : ["taskset", ["-c", options.cpus, exe, ...args]];
}

function unpinnedCommand(kind: ServerKind, options: ServerOptions): [string, string[]] {
  const common = ["--backlog", String(options.backlog)];
  if (kind === "node") return ["node", ["bench/e2e/_server_node.mjs", ...common]];
  return [Deno.execPath(), [
    "run",
    "--quiet",
    "--allow-net=127.0.0.1",
    // acceptq resets refused connections through FFI where it may (src/transports/_abort_connection.ts).
    ...(kind === "acceptq" ? ["--allow-ffi"] : []),
    "bench/e2e/_server.ts",
    "--kind",
    kind,
    ...common,
    "--workers",
    String(options.workers ?? 0),
    "--hold-ms",
    String(options.holdMs ?? 0),
    ...(options.refuseAll ? ["--refuse-all"] : []),
  ]];
}

/** Starts `kind` in `root` and waits until it listens. */
export async function startServer(
  kind: ServerKind,
  options: ServerOptions,
  root: string,
): Promise<ServerHandle> {
  const [exe, args] = serverCommand(kind, options);
  const child = new Child(exe, args, root);
  const json = async <T>(ms = 10_000) => JSON.parse(await child.line(ms)) as T;
  let stopped: Promise<ServerCounters | undefined> | undefined;
  // Closing its stdin makes the server print its final counters and exit.
  const stop = async () => {
    await child.endInput();
    const last = await json<ServerCounters>(5000).catch(() => undefined);
    await child.close(5000);
    return last;
  };
  try {
    const ready = await json<{ port: number; pid: number }>(20_000);
    return {
      kind,
      port: ready.port,
      pid: ready.pid,
      command: [exe, ...args].map((a) => a === Deno.execPath() ? "deno" : a).join(" "),
      async counters() {
        await child.send("stats");
        return await json<ServerCounters>();
      },
      cpu: () => cpuSeconds(ready.pid),
      stop: () => stopped ??= stop(),
    };
  } catch (error) {
    await child.close(0);
    throw error;
  }
}

/** CPU time (user + system, all threads) the process `pid` has used so far, in seconds (Linux /proc). */
export function cpuSeconds(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  // Fields after the command name (which is in parentheses and may contain spaces): utime is 14th, stime 15th.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticksPerSecond = 100; // USER_HZ on Linux
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}
