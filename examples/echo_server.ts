// A complete Winsock accept loop: an echo server with an explicit backlog.
//
//   deno task serve [--port 27015] [--backlog 16] [--transport tcp|memory] [--count N] [--quiet]
//
// Each connection is served concurrently: whatever it sends comes back until it
// closes. Connections beyond the backlog that arrive while the loop is busy are
// refused at once (see the README for what a refused client sees). A live line
// shows the listener's counters. Ctrl-C closes the listener, which ends the
// pending accept with WSAEINTR, waits for open sessions and cleans up; --count N
// stops after N connections. With --transport memory there is no OS socket:
// an in-process client connects every 100 ms so that there is traffic to see.

import { parseArgs } from "node:util";
import {
  accept,
  AF_INET,
  bind,
  closesocket,
  configure,
  connect,
  getsockname,
  listen,
  MAKEWORD,
  MemoryTransport,
  recv,
  send,
  sharedProvider,
  SOCK_STREAM,
  type SockAddr,
  type SOCKET,
  socket,
  SOCKET_ERROR,
  TcpTransport,
  WinsockError,
  WSACleanup,
  WSAEINTR,
  WSAGetLastError,
  WSAStartup,
} from "../mod.ts";

const HELP = `echo server with Winsock listen/accept semantics

  deno task serve [options]

  --port N          port on 127.0.0.1 (default 27015; 0 picks a free one)
  --backlog N       the accept queue's length (default 16; SOMAXCONN = 2147483647)
  --transport T     tcp (default) or memory (in-process, with a built-in client)
  --count N         stop after N connections
  --quiet           no per-connection lines
  --help            this text

Ctrl-C stops it cleanly.`;

const encoder = new TextEncoder();

async function serve(client: SOCKET, peer: string, quiet: boolean): Promise<void> {
  const buf = new Uint8Array(16 * 1024);
  let total = 0;
  try {
    while (true) {
      const n = await recv(client, buf);
      if (n === 0) break;
      await send(client, buf.subarray(0, n));
      total += n;
    }
  } catch (error) {
    if (!quiet) console.error(`\n${peer}: ${(error as WinsockError).wsaName ?? error}`);
  } finally {
    closesocket(client);
    if (!quiet) console.log(`\n${peer}: echoed ${total} bytes, closed`);
  }
}

/** With the memory transport: a client that connects, says hello and leaves, every 100 ms. */
function startLocalClient(name: SockAddr): () => void {
  const timer = setInterval(async () => {
    const s = socket(AF_INET, SOCK_STREAM, 0);
    try {
      await connect(s, name);
      await send(s, encoder.encode("hello"));
      await recv(s, new Uint8Array(16));
    } catch {
      // refused or closed: counted by the listener
    } finally {
      closesocket(s);
    }
  }, 100);
  return () => clearInterval(timer);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      port: { type: "string", default: "27015" },
      backlog: { type: "string", default: "16" },
      transport: { type: "string", default: "tcp" },
      count: { type: "string" },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const port = Number(values.port);
  const backlog = Number(values.backlog);
  const limit = values.count === undefined ? Infinity : Number(values.count);
  if (values.transport !== "tcp" && values.transport !== "memory") {
    console.error(`--transport must be tcp or memory\n\n${HELP}`);
    return 2;
  }
  if (values.transport === "memory") configure({ transport: new MemoryTransport() });

  if (WSAStartup(MAKEWORD(2, 2)) !== 0) return 1;
  const listener = socket(AF_INET, SOCK_STREAM, 0);
  if (bind(listener, { family: AF_INET, address: "127.0.0.1", port }) === SOCKET_ERROR) {
    console.error(`bind failed with error ${WSAGetLastError()}`);
    WSACleanup();
    return 1;
  }
  if (listen(listener, backlog) === SOCKET_ERROR) {
    console.error(`listen failed with error ${WSAGetLastError()}`);
    WSACleanup();
    return 1;
  }
  const name = {} as SockAddr;
  getsockname(listener, name);
  // What a refused external client sees here (TcpTransport.resets: a reset needs --allow-ffi on Deno.listen).
  const refusals = values.transport === "memory"
    ? "refusals reset"
    : new TcpTransport().resets
    ? "refusals reset (RST)"
    : "refusals closed in order (FIN: no ffi permission)";
  console.log(
    `echo server on ${values.transport} ${name.address}:${name.port}, backlog ${backlog}, ${refusals}; ` +
      "Ctrl-C stops it",
  );

  // The live stats line: the listener's counters from the provider.
  const live = Deno.stdout.isTerminal();
  let open = 0;
  const showStats = () => {
    const s = sharedProvider().stats(listener);
    if (!s) return;
    const line = `queued ${s.queued}/${s.backlog}  admitted ${s.admitted}  accepted ${s.accepted}  ` +
      `refused ${s.refused}  high-water ${s.highWater}  open ${open}`;
    if (live) Deno.stdout.writeSync(encoder.encode(`\r${line}   `));
    else console.log(line);
  };
  const ticker = setInterval(showStats, live ? 250 : 5000);
  const stopClient = values.transport === "memory" ? startLocalClient(name) : () => {};

  const stop = () => {
    showStats(); // the final counters, while the listener still has them
    closesocket(listener);
  };
  Deno.addSignalListener("SIGINT", stop);
  const sessions = new Set<Promise<void>>();
  try {
    for (let served = 0; served < limit; served++) {
      const peer = {} as SockAddr;
      const client = await accept(listener, peer);
      open++;
      const session = serve(
        client,
        `${peer.address}:${peer.port}`,
        values.quiet || values.transport === "memory",
      )
        .finally(() => {
          open--;
          sessions.delete(session);
        });
      sessions.add(session);
    }
  } catch (error) {
    if (!(error instanceof WinsockError && error.code === WSAEINTR)) throw error;
  } finally {
    Deno.removeSignalListener("SIGINT", stop);
    stopClient();
    clearInterval(ticker);
  }
  if (Number.isFinite(limit)) stop(); // --count reached: close the listener the same way
  console.log(`\nlistener closed; waiting for ${sessions.size} open session(s)`);
  await Promise.all(sessions);
  WSACleanup();
  return 0;
}

if (import.meta.main) Deno.exit(await main());
