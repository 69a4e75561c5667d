// The main job: an overload demonstration on loopback. A Winsock listener with a
// small backlog and a slow acceptor is hit by a burst of clients from a second
// process. acceptq admits exactly `backlog` of them into its queue and refuses
// the rest; the report shows the counters, how long admitted connections waited
// in the queue, and what the clients saw. It runs twice: with acceptq's deep OS
// accept queue (the default, 4096), where every refusal happens within
// milliseconds, and with the OS queue sized to the backlog (osBacklog:
// "backlog"), where Linux drops the SYNs of the burst and those clients are
// decided only after their retries.
//
//   deno task demo [--backlog 8] [--clients 96] [--work-ms 25]

import { parseArgs } from "node:util";
import {
  accept,
  AF_INET,
  bind,
  closesocket,
  configure,
  getsockname,
  listen,
  MAKEWORD,
  send,
  SOCK_STREAM,
  type SockAddr,
  socket,
  WSACleanup,
  WSAStartup,
} from "../mod.ts";
import { sharedProvider } from "../src/runtime.ts";

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
  backlog: number;
  clients: number;
  workMs: number;
  osBacklog?: number | "backlog";
}

async function round(options: RoundOptions): Promise<void> {
  configure({ osBacklog: options.osBacklog });
  WSAStartup(MAKEWORD(2, 2));
  const listener = socket(AF_INET, SOCK_STREAM, 0);
  bind(listener, { family: AF_INET, address: "127.0.0.1", port: 0 });
  listen(listener, options.backlog);
  const name = {} as SockAddr;
  getsockname(listener, name);
  console.log(`\n${options.title}`);

  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      CLIENT.pathname,
      "--port",
      String(name.port),
      "--clients",
      String(options.clients),
      "--timeout-ms",
      "8000",
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let finished = false;
  const report = child.output().then((out) => {
    finished = true;
    return JSON.parse(new TextDecoder().decode(out.stdout));
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

  console.log(`  offered      ${options.clients} connections from a second process, backlog ${s.backlog}`);
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
      backlog: { type: "string", default: "8" },
      clients: { type: "string", default: "96" },
      "work-ms": { type: "string", default: "25" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log("deno task demo [--backlog 8] [--clients 96] [--work-ms 25]");
    Deno.exit(0);
  }
  const base = {
    backlog: Number(values.backlog),
    clients: Number(values.clients),
    workMs: Number(values["work-ms"]),
  };
  console.log("acceptq overload demonstration: a slow acceptor behind a small backlog, on 127.0.0.1");
  await round({ ...base, title: "Round 1: acceptq's default, a deep OS queue in front: refusal at once" });
  await round({
    ...base,
    osBacklog: "backlog",
    title: 'Round 2: OS queue = the backlog (osBacklog: "backlog")',
  });
  configure({});
}
