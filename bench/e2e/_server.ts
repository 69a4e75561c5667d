/**
 * One server process of the end-to-end accept benchmark (bench/e2e/accept_e2e.ts).
 * `--kind acceptq` listens with acceptq's idiomatic `listen({ hostname, port, backlog })`;
 * `--kind deno` is a raw `Deno.listen` accept loop. Each connection gets the same
 * treatment: read the request head (up to the blank line), optionally wait
 * `--hold-ms`, write a fixed tiny HTTP/1.1 response, close.
 *
 * Throughput mode (`--workers 0`, the default): every accepted connection is
 * handled concurrently (`for await (const conn of listener) void serve(conn)`).
 * Overload mode (`--workers W`): at most W connections are served at once; the
 * accept loop waits for a free slot before it accepts again, so a slow server
 * leaves connections queued (in acceptq's queue, or in the kernel's for raw Deno).
 * `--refuse-all` (raw Deno only) closes every connection as soon as it is accepted,
 * unread: the fastest possible refusal, the floor acceptq's refusals are compared to.
 *
 * Protocol with the parent: one JSON line `{"port", "pid"}` on stdout when listening;
 * the stdin line `stats` prints a JSON line of counters (served, failed and, for
 * acceptq, `listener.stats()`); at the end of stdin it prints the counters once
 * more, closes the listener and exits.
 *
 * Run: `deno run --allow-net=127.0.0.1 --allow-ffi bench/e2e/_server.ts --kind acceptq --backlog 512`
 * (`--allow-ffi` lets acceptq reset the connections it refuses: src/transports/_abort_connection.ts)
 *
 * @module
 */

import { parseArgs } from "node:util";
import { listen, TcpTransport } from "../../mod.ts";
import type { ListenerStats } from "../../mod.ts";

/** The fixed response every server of the benchmark sends. */
export const RESPONSE: Uint8Array = new TextEncoder().encode(
  "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
);

/** What a server reports on `stats` and at exit. */
export interface ServerCounters {
  kind: string;
  /** Connections answered with the response. */
  served: number;
  /** Connections that failed before the response was written (reset, early close). */
  failed: number;
  /** acceptq's own counters (backlog, admitted, refused, ...); null for raw Deno. */
  listener: ListenerStats | null;
}

/** The part of a connection the server uses: both `Deno.TcpConn` and acceptq's `Connection` fit. */
interface Conn {
  read(buf: Uint8Array): Promise<number | null>;
  write(data: Uint8Array): Promise<number>;
  close(): void;
}

/** Whether `buf[0, end)` contains CR LF CR LF, searching from `from`. */
function hasHeadEnd(buf: Uint8Array, from: number, end: number): boolean {
  for (let i = Math.max(0, from - 3); i + 4 <= end; i++) {
    if (buf[i] === 13 && buf[i + 1] === 10 && buf[i + 2] === 13 && buf[i + 3] === 10) return true;
  }
  return false;
}

const counters = { served: 0, failed: 0 };

async function serve(conn: Conn, holdMs: number): Promise<void> {
  try {
    const buf = new Uint8Array(4096);
    let end = 0;
    while (true) {
      const n = await conn.read(buf.subarray(end));
      if (n === null) throw new Error("end of stream before the request head");
      const from = end;
      end += n;
      if (hasHeadEnd(buf, from, end)) break;
      if (end === buf.length) throw new Error("request head too long");
    }
    if (holdMs > 0) await new Promise((resolve) => setTimeout(resolve, holdMs));
    let written = 0;
    while (written < RESPONSE.length) written += await conn.write(RESPONSE.subarray(written));
    counters.served++;
  } catch {
    counters.failed++;
  } finally {
    try {
      conn.close();
    } catch {
      // already closed
    }
  }
}

/** Serves every connection of `listener` concurrently, as an application's accept loop would. */
async function serveAll(listener: AsyncIterable<Conn>, holdMs: number): Promise<void> {
  for await (const conn of listener) void serve(conn, holdMs);
}

/** Closes every connection as soon as it is accepted, without reading it. */
async function refuseAll(listener: AsyncIterable<Conn>): Promise<void> {
  for await (const conn of listener) {
    conn.close();
    counters.failed++; // counted as not served
  }
}

/** Accepts only while fewer than `workers` connections are being served (a slow server). */
async function serveBounded(accept: () => Promise<Conn>, workers: number, holdMs: number): Promise<void> {
  let busy = 0;
  let freed: (() => void) | undefined;
  while (true) {
    while (busy >= workers) await new Promise<void>((resolve) => freed = resolve);
    const conn = await accept();
    busy++;
    void serve(conn, holdMs).finally(() => {
      busy--;
      freed?.();
      freed = undefined;
    });
  }
}

async function* stdinLines(): AsyncGenerator<string> {
  let rest = "";
  for await (const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
    rest += chunk;
    let at: number;
    while ((at = rest.indexOf("\n")) >= 0) {
      yield rest.slice(0, at).trim();
      rest = rest.slice(at + 1);
    }
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      kind: { type: "string" },
      port: { type: "string", default: "0" },
      backlog: { type: "string", default: "512" },
      workers: { type: "string", default: "0" },
      "hold-ms": { type: "string", default: "0" },
      "refuse-all": { type: "boolean", default: false },
      // acceptq only: what its listening socket is (bench/refusal/listener_ab.ts compares the two);
      // the TCP transport's default when not given.
      listener: { type: "string" },
    },
  });
  const kind = values.kind;
  const port = Number(values.port);
  const backlog = Number(values.backlog);
  const workers = Number(values.workers);
  const holdMs = Number(values["hold-ms"]);
  let listener: AsyncIterable<Conn> & { accept(): Promise<Conn> };
  let stats: () => ListenerStats | null;
  let close: () => void;
  let boundPort: number;
  if (kind === "acceptq") {
    const transport = new TcpTransport({ listener: values.listener as "handle" | "deno" | undefined });
    const acceptq = listen({ hostname: "127.0.0.1", port, backlog, transport });
    listener = acceptq;
    stats = () => acceptq.stats();
    close = () => acceptq.close();
    boundPort = acceptq.addr.port;
  } else if (kind === "deno") {
    const raw = Deno.listen({ hostname: "127.0.0.1", port, transport: "tcp", tcpBacklog: backlog });
    listener = raw;
    stats = () => null;
    close = () => raw.close();
    boundPort = raw.addr.port;
  } else {
    throw new Error(`--kind must be acceptq or deno, got ${kind}`);
  }
  const report = (): string =>
    JSON.stringify({ kind, ...counters, listener: stats() } satisfies ServerCounters);
  const loop = values["refuse-all"]
    ? refuseAll(listener)
    : workers > 0
    ? serveBounded(() => listener.accept(), workers, holdMs)
    : serveAll(listener, holdMs);
  loop.catch(() => {/* the listener was closed */});
  console.log(JSON.stringify({ port: boundPort, pid: Deno.pid }));
  for await (const line of stdinLines()) {
    if (line === "stats") console.log(report());
  }
  console.log(report());
  close();
  Deno.exit(0);
}

if (import.meta.main) await main();
