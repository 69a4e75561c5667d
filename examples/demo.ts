// The main job: an overload demonstration on loopback. A Winsock listener with a
// small backlog and a slow acceptor is hit by a burst of clients from a second
// process. acceptq admits exactly `backlog` of them into its queue and refuses
// the rest; the report shows the counters, how long admitted connections waited
// in the queue, and what the clients saw. On TCP it runs twice: with acceptq's
// deep OS accept queue (the default, 4096), where every refusal happens within
// milliseconds, and with the OS queue sized to the backlog (osBacklog:
// "backlog"), where Linux drops the SYNs of the burst and those clients are
// decided only after their retries.
//
//   deno task demo [--port 0] [--backlog 8] [--clients 96] [--work-ms 25] [--transport tcp|memory]

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
  SOCK_STREAM,
  type SockAddr,
  socket,
  SOCKET_ERROR,
  WinsockError,
  WSACleanup,
  WSAECONNREFUSED,
  WSAGetLastError,
  WSAStartup,
} from "../mod.ts";
import { sharedProvider } from "../src/provider/runtime.ts";

const HELP = `acceptq overload demonstration on loopback

  deno task demo [options]

  --port N         the listener's port on 127.0.0.1 (default 0: any free port)
  --backlog N      the accept queue's length (default 8)
  --clients N      connections in the burst (default 96)
  --work-ms N      the slow acceptor's work per connection (default 25)
  --transport T    tcp (default: the burst comes from a second process) or memory
                   (the in-process network: the burst comes from this process)
  --help           this text`;

const CLIENT = new URL("./_burst_client.ts", import.meta.url);
const encoder = new TextEncoder();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const ms = (value: number) =>
  Number.isNaN(value) ? "-" : `${value < 10 ? value.toFixed(2) : value.toFixed(0)} ms`;

interface RoundOptions {
  title: string;
  port: number;
  transport: "tcp" | "memory";
  backlog: number;
  clients: number;
  workMs: number;
  osBacklog?: number | "backlog";
}

/** What the clients saw: ms from their connect call to being served or refused. */
interface ClientView {
  served: number[];
  refused: number[];
  failed: string[];
}

/** The burst from a second process (TCP): examples/_burst_client.ts. */
async function burstFromProcess(name: SockAddr, clients: number): Promise<ClientView> {
  const args = [
    "run",
    "--allow-net",
    CLIENT.pathname,
    "--port",
    String(name.port),
    "--clients",
    String(clients),
  ];
  const child = new Deno.Command(Deno.execPath(), {
    args: [...args, "--timeout-ms", "8000"],
    stdout: "piped",
    stderr: "inherit",
  });
  const out = await child.output();
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** The burst from this process (the in-memory network has no second process), through Winsock connects. */
async function burstInProcess(name: SockAddr, clients: number): Promise<ClientView> {
  const view: ClientView = { served: [], refused: [], failed: [] };
  await Promise.all(Array.from({ length: clients }, async () => {
    const start = performance.now();
    const s = socket(AF_INET, SOCK_STREAM, 0);
    try {
      await connect(s, name);
      const n = await recv(s, new Uint8Array(64));
      (n > 0 ? view.served : view.refused).push(performance.now() - start);
    } catch (error) {
      if ((error as WinsockError).code === WSAECONNREFUSED) view.refused.push(performance.now() - start);
      else view.failed.push(String(error));
    } finally {
      closesocket(s);
    }
  }));
  return view;
}

async function round(options: RoundOptions): Promise<void> {
  const transport = options.transport === "memory" ? new MemoryTransport() : undefined;
  configure({ osBacklog: options.osBacklog, transport });
  WSAStartup(MAKEWORD(2, 2));
  const listener = socket(AF_INET, SOCK_STREAM, 0);
  if (bind(listener, { family: AF_INET, address: "127.0.0.1", port: options.port }) === SOCKET_ERROR) {
    const code = WSAGetLastError();
    WSACleanup();
    throw new WinsockError(code, `bind to 127.0.0.1:${options.port}`);
  }
  listen(listener, options.backlog);
  const name = {} as SockAddr;
  getsockname(listener, name);
  console.log(`\n${options.title}`);

  const started = performance.now();
  let finished = false;
  const burst = options.transport === "memory" ? burstInProcess : burstFromProcess;
  const report = burst(name, options.clients).then((view) => {
    finished = true;
    return view;
  });

  const provider = sharedProvider();
  const stats = () => provider.stats(listener)!;
  const live = Deno.stdout.isTerminal();
  const progress = () => {
    const s = stats();
    const line =
      `  ${((performance.now() - started) / 1000).toFixed(1)} s  queued ${s.queued}/${s.backlog}  ` +
      `admitted ${s.admitted}  refused ${s.refused}  accepted ${s.accepted}`;
    if (live) Deno.stdout.writeSync(encoder.encode(`\r${line}   `));
    else console.log(line);
  };
  const ticker = setInterval(progress, live ? 100 : 1000);

  // The slow acceptor: one connection at a time, `workMs` of work each.
  const waited: number[] = [];
  while (!finished || stats().queued > 0) {
    if (stats().queued === 0) {
      await sleep(2);
      continue;
    }
    const conn = await accept(listener);
    waited.push(provider.describe(conn)?.queuedMs ?? NaN);
    await sleep(options.workMs);
    await send(conn, encoder.encode("served\n")).catch(() => {});
    closesocket(conn);
  }
  clearInterval(ticker);
  progress();
  if (live) console.log();
  const clientView = await report;
  const s = stats();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  WSACleanup();

  const from = options.transport === "memory" ? "this process (memory transport)" : "a second process";
  console.log(`  offered      ${options.clients} connections from ${from}, backlog ${s.backlog}`);
  console.log(`  admitted     ${s.admitted}    refused ${s.refused}    (sum ${s.admitted + s.refused})`);
  console.log(`  accepted     ${s.accepted}    high-water mark ${s.highWater}`);
  console.log(
    `  accept latency (time queued)  p50 ${ms(percentile(waited, 50))}  p99 ${ms(percentile(waited, 99))}`,
  );
  console.log(
    `  clients saw  served ${clientView.served.length} (p50 ${ms(percentile(clientView.served, 50))}), ` +
      `refused ${clientView.refused.length} (p50 ${ms(percentile(clientView.refused, 50))}, ` +
      `p99 ${ms(percentile(clientView.refused, 99))})` +
      (clientView.failed.length ? `, failed ${clientView.failed.length}` : ""),
  );
  console.log(`  decided and drained in ${seconds} s`);
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      port: { type: "string", default: "0" },
      backlog: { type: "string", default: "8" },
      clients: { type: "string", default: "96" },
      "work-ms": { type: "string", default: "25" },
      transport: { type: "string", default: "tcp" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help || (values.transport !== "tcp" && values.transport !== "memory")) {
    console.log(HELP);
    Deno.exit(values.help ? 0 : 2);
  }
  const base = {
    port: Number(values.port),
    transport: values.transport as "tcp" | "memory",
    backlog: Number(values.backlog),
    clients: Number(values.clients),
    workMs: Number(values["work-ms"]),
  };
  console.log(`acceptq overload demonstration: a slow acceptor behind a small backlog, on 127.0.0.1`);
  await round({ ...base, title: `Round 1 (${base.transport}): acceptq's default, refusal at once` });
  if (base.transport === "tcp") {
    await round({
      ...base,
      osBacklog: "backlog",
      title: 'Round 2 (tcp): OS queue = the backlog (osBacklog: "backlog")',
    });
  }
  configure({});
}
