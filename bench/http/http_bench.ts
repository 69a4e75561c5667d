/**
 * HTTP behind acceptq against plain Deno.serve and node:http's own listen,
 * same handler, same wrk load, servers alternating within each round, so the
 * ratios compare figures taken side by side on the same machine state:
 *
 * - keep-alive: wrk keeps `-c` connections and sends requests on them;
 * - Connection: close: every request is a new connection (accept path + engine setup);
 * - overload: a 20 ms handler, acceptq with backlog B and maxConnections B, wrk with
 *   10·B connections: acceptq answers the excess with 503 at once; Deno.serve queues all.
 *
 * Reports requests/s, latency p50/p99 and server CPU per request (from
 * /proc/<pid>/stat), and the ratios to Deno.serve. Needs wrk (apt-get install wrk).
 *
 *   deno run -A bench/http/http_bench.ts [--rounds 2] [--seconds 3] [--concurrency 32] [--backlog 16]
 *     [--scenarios keep-alive,close,overload]
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Child } from "../../tests/fixtures/_process.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    rounds: { type: "string", default: "2" },
    seconds: { type: "string", default: "3" },
    concurrency: { type: "string", default: "32" },
    backlog: { type: "string", default: "16" },
    scenarios: { type: "string", default: "keep-alive,close,overload" },
  },
});
const rounds = Number(values.rounds), seconds = Number(values.seconds);
const concurrency = Number(values.concurrency), backlog = Number(values.backlog);
const KINDS = ["acceptq", "deno", "node"] as const;
type Kind = typeof KINDS[number];
const server = new URL("./_server.ts", import.meta.url).pathname;
const TICKS = 100; // clock ticks per second of /proc/<pid>/stat (USER_HZ)

/** A probe's sequential requests during an overload run: latency by status. */
interface Probe {
  refusedMs: number[];
  servedMs: number[];
}

/** Sequential raw requests (Connection: close) for `ms`: each one's status and time from connect to end. */
async function probe(port: number, ms: number): Promise<Probe> {
  const result: Probe = { refusedMs: [], servedMs: [] };
  const request = new TextEncoder().encode("GET /probe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const buf = new Uint8Array(4096);
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const start = performance.now();
    let head = "";
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      try {
        await conn.write(request);
        for (let n; (n = await conn.read(buf)) !== null;) {
          if (head.length < 16) head += new TextDecoder().decode(buf.subarray(0, n));
        }
      } finally {
        conn.close();
      }
    } catch {
      continue; // a reset: neither served nor answered
    }
    const took = performance.now() - start;
    if (head.startsWith("HTTP/1.1 503")) result.refusedMs.push(took);
    else if (head.startsWith("HTTP/1.1 200")) result.servedMs.push(took);
  }
  return result;
}

interface Run {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  cpuMsPerRequest: number;
}

function cpuSeconds(pid: number): number {
  const fields = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS; // utime, stime
}

function ms(text: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text);
  if (!m) return NaN;
  return Number(m[1]) * (m[2] === "us" ? 1e-3 : m[2] === "s" ? 1e3 : 1);
}

async function wrk(port: number, close: boolean, connections: number): Promise<Omit<Run, "cpuMsPerRequest">> {
  const args = ["-t1", `-c${connections}`, `-d${seconds}s`, "--timeout", "5s", "--latency"];
  if (close) args.push("-H", "Connection: close");
  const out = await new Deno.Command("wrk", { args: [...args, `http://127.0.0.1:${port}/`], stdout: "piped" })
    .output();
  const text = new TextDecoder().decode(out.stdout);
  const find = (re: RegExp) => re.exec(text)?.[1] ?? "0";
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  return {
    rps: Number(find(/Requests\/sec:\s+([\d.]+)/)),
    p50: ms(find(/\s50%\s+(\S+)/)),
    p99: ms(find(/\s99%\s+(\S+)/)),
    non2xx: Number(find(/Non-2xx or 3xx responses: (\d+)/)),
    errors: errors ? errors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
  };
}

async function measure(kind: Kind, scenario: string): Promise<Run & { stats: unknown }> {
  const overload = scenario === "overload";
  const args = ["run", "-A", server, "--kind", kind, "--backlog", String(backlog)];
  if (overload) args.push("--hold-ms", "20", "--max", String(backlog));
  const child = new Child(Deno.execPath(), args);
  try {
    const { port, pid } = JSON.parse(await child.line(20_000));
    const before = cpuSeconds(pid);
    const probing = overload
      ? new Promise((resolve) => setTimeout(resolve, 500)).then(() => probe(port, (seconds - 1) * 1000))
      : undefined;
    const run = await wrk(port, scenario !== "keep-alive", overload ? 10 * backlog : concurrency);
    const cpu = cpuSeconds(pid) - before;
    if (probing) probes[kind].push(await probing);
    await child.send("stats");
    const stats = JSON.parse(await child.line(5000));
    return { ...run, cpuMsPerRequest: (cpu * 1000) / Math.max(1, run.rps * seconds), stats };
  } finally {
    await child.close(5000);
  }
}

const results: Record<string, Record<Kind, (Run & { stats: unknown })[]>> = {};
const probes: Record<Kind, Probe[]> = { acceptq: [], deno: [], node: [] };
for (let round = 0; round < rounds; round++) {
  for (const scenario of values.scenarios.split(",")) {
    results[scenario] ??= { acceptq: [], deno: [], node: [] };
    const order = round % 2 === 0 ? KINDS : [...KINDS].reverse();
    for (const kind of order) results[scenario][kind].push(await measure(kind, scenario));
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ratio = (xs: number[], ys: number[]) => median(xs.map((x, i) => x / ys[i]));
console.log(
  `HTTP, wrk -t1, ${seconds} s per run, ${rounds} rounds alternating, -c${concurrency} (overload: 20 ms handler, ` +
    `acceptq backlog ${backlog} + maxConnections ${backlog}, wrk -c${10 * backlog}, Connection: close)\n`,
);
console.log(
  "| scenario | server | req/s (median) | x Deno.serve (same round) | p50 ms | p99 ms | CPU ms/req | non-2xx | socket errors |",
);
console.log("|---|---|---|---|---|---|---|---|---|");
for (const [scenario, byKind] of Object.entries(results)) {
  for (const kind of KINDS) {
    const runs = byKind[kind];
    const rps = runs.map((r) => r.rps);
    console.log(
      `| ${scenario} | ${
        kind === "acceptq" ? "acceptq serve" : kind === "deno" ? "Deno.serve" : "node:http listen"
      } | ` +
        `${Math.round(median(rps))} | ${ratio(rps, byKind.deno.map((r) => r.rps)).toFixed(2)} | ` +
        `${median(runs.map((r) => r.p50)).toFixed(2)} | ${median(runs.map((r) => r.p99)).toFixed(2)} | ` +
        `${median(runs.map((r) => r.cpuMsPerRequest)).toFixed(3)} | ${median(runs.map((r) => r.non2xx))} | ` +
        `${median(runs.map((r) => r.errors))} |`,
    );
  }
}
const percentile = (xs: number[], p: number) =>
  xs.length === 0 ? NaN : [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
if (results.overload) {
  console.log(
    "\nA probe client during the overload runs (sequential requests, Connection: close, all rounds):\n",
  );
  console.log("| server | answered 503 | 503 p50 ms | 503 p99 ms | served 200 | 200 p50 ms | 200 p99 ms |");
  console.log("|---|---|---|---|---|---|---|");
  for (const kind of KINDS) {
    const refused = probes[kind].flatMap((p) => p.refusedMs),
      served = probes[kind].flatMap((p) => p.servedMs);
    const f = (x: number) => Number.isNaN(x) ? "-" : x.toFixed(2);
    console.log(
      `| ${kind} | ${refused.length} | ${f(percentile(refused, 0.5))} | ${f(percentile(refused, 0.99))} | ` +
        `${served.length} | ${f(percentile(served, 0.5))} | ${f(percentile(served, 0.99))} |`,
    );
  }
}
const last = results.overload?.acceptq.at(-1)?.stats;
console.log(`\nacceptq's counters after the last overload run: ${JSON.stringify(last)}`);
