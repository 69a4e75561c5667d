/**
 * The three servers of the end-to-end accept benchmark, each in its own process
 * so that they are measured alike: acceptq and raw `Deno.listen`
 * (bench/e2e/_server.ts, `deno run --allow-net=127.0.0.1`) and Node `net`
 * (bench/e2e/_server_node.mjs). Started from the repository root; stopped by
 * closing their stdin (they print their final counters) or, failing that, killed.
 *
 * @module
 */

import { cpuSeconds, ServerChild } from "./_proc.ts";
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
  const common = ["--backlog", String(options.backlog)];
  if (kind === "node") return ["node", ["bench/e2e/_server_node.mjs", ...common]];
  return [Deno.execPath(), [
    "run",
    "--quiet",
    "--allow-net=127.0.0.1",
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
  const child = new ServerChild(exe, args, root);
  try {
    const ready = await child.json<{ port: number; pid: number }>(20_000);
    return {
      kind,
      port: ready.port,
      pid: ready.pid,
      command: [exe === "node" ? "node" : "deno", ...args].join(" "),
      async counters() {
        await child.send("stats");
        return await child.json<ServerCounters>();
      },
      cpu: () => cpuSeconds(ready.pid),
      stop: () => child.stop<ServerCounters>(),
    };
  } catch (error) {
    child.kill();
    await child.stop().catch(() => {});
    throw error;
  }
}
