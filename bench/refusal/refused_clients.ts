// What real clients see when acceptq refuses them, and how fast.
//
//   deno run -A bench/refusal/refused_clients.ts [--trials 20] [--wait 3000] [--out bench/results/refused_clients.md]
//
// Server A: an acceptq listener (Winsock calls, 127.0.0.1, backlog 1) whose one
// queue slot is taken by a connection nobody accepts. Every further client is
// refused by the accept pump. Each client kind connects `trials` times, one
// after another; each trial records what the client observed (events, errors,
// return values), the time of its connect, and the time from the end of the
// handshake to the refusal.
//
// Server B (contrast): a raw Deno.listen({ tcpBacklog: 1 }) whose OS queue is
// full (2 connections: Linux completes backlog + 1) and nobody accepting. A few
// clients of each kind try at once, each bounded at `wait` ms.
//
// Clients: Node's `net` (node), Python's `socket` (python3), OpenBSD `nc`
// (skipped with a note when not installed), a raw Deno.connect and an acceptq
// Winsock connect() in this process. Every child process is bounded in time and
// killed if it outlives its bound.

import { parseArgs } from "node:util";
import {
  AF_INET,
  bind,
  closesocket,
  connect,
  getsockname,
  IPPROTO_TCP,
  listen,
  MAKEWORD,
  SOCK_STREAM,
  type SockAddr,
  socket,
  TcpTransport,
  WinsockError,
  WSACleanup,
  WSAStartup,
} from "../../mod.ts";
import { sharedProvider } from "../../src/provider/runtime.ts";
import { runBounded } from "../../tests/fixtures/_process.ts";

const args = parseArgs({
  args: Deno.args,
  options: {
    trials: { type: "string", default: "20" },
    wait: { type: "string", default: "3000" },
    out: { type: "string", default: new URL("../results/refused_clients.md", import.meta.url).pathname },
  },
});
const TRIALS = Number(args.values.trials);
const WAIT_MS = Number(args.values.wait);
const CONTRAST_CLIENTS = 3;
const HOST = "127.0.0.1";

/** One client attempt. Times in ms; null when the step did not happen. */
interface Trial {
  /** what the client observed, in order, e.g. "connect end close(hadError=false)" */
  seen: string;
  /** from the connect call to the end of the handshake */
  connectMs: number | null;
  /** from the end of the handshake to the refusal (end of stream, reset or error) */
  refusalMs: number | null;
  /** from the connect call to the refusal, or to the bound */
  totalMs: number;
  /** the client was still waiting when its bound ran out */
  waiting: boolean;
}

// ─── Client drivers ─────────────────────────────────────────────────────────

const NODE_DRIVER = `
const net = require("node:net");
const { HOST, PORT, N, LIMIT_MS, CONCURRENT } = process.env;
function trial() {
  return new Promise((resolve) => {
    const seen = [];
    const t0 = performance.now();
    let tc = null, tr = null, finished = false;
    const s = net.connect({ host: HOST, port: Number(PORT) });
    const finish = (waiting) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      const now = performance.now();
      resolve({ seen: seen.join(" "), connectMs: tc === null ? null : tc - t0,
        refusalMs: tc === null || tr === null ? null : tr - tc, totalMs: (tr ?? now) - t0, waiting });
    };
    const timer = setTimeout(() => { seen.push("(bound reached)"); s.destroy(); finish(true); }, Number(LIMIT_MS));
    s.on("connect", () => { tc = performance.now(); seen.push("connect"); });
    s.on("data", (d) => seen.push("data(" + d.length + ")"));
    s.on("end", () => { tr ??= performance.now(); seen.push("end"); });
    s.on("error", (e) => { tr ??= performance.now(); seen.push("error(" + e.code + ")"); });
    s.on("close", (hadError) => { tr ??= performance.now(); seen.push("close(hadError=" + hadError + ")"); finish(false); });
  });
}
(async () => {
  const n = Number(N);
  const results = CONCURRENT === "1" ? await Promise.all(Array.from({ length: n }, trial)) : [];
  if (CONCURRENT !== "1") for (let i = 0; i < n; i++) results.push(await trial());
  console.log(JSON.stringify(results));
})();
`;

const PYTHON_DRIVER = `
import json, os, socket, threading, time
host, port, n, limit = os.environ["HOST"], int(os.environ["PORT"]), int(os.environ["N"]), int(os.environ["LIMIT_MS"]) / 1000
def name(e):
    return type(e).__name__ + (f"(errno={e.errno})" if getattr(e, "errno", None) else "")
def trial(out):
    seen, t0 = [], time.perf_counter()
    tc = tr = None
    waiting = False
    try:
        s = socket.create_connection((host, port), timeout=limit)
        tc = time.perf_counter()
        seen.append("create_connection ok")
        try:
            data = s.recv(1024)
            tr = time.perf_counter()
            seen.append(f"recv={data!r}")
            try:
                seen.append(f"send={s.send(b'x')}")
            except OSError as e:
                seen.append(f"send={name(e)}")
        except socket.timeout:
            waiting = True
            seen.append("recv timed out (bound reached)")
        except OSError as e:
            tr = time.perf_counter()
            seen.append(f"recv={name(e)}")
        s.close()
    except socket.timeout:
        waiting = True
        seen.append("create_connection timed out (bound reached)")
    except OSError as e:
        tr = time.perf_counter()
        seen.append(f"create_connection={name(e)}")
    now = time.perf_counter()
    ms = lambda a, b: None if a is None or b is None else (b - a) * 1000
    out.append({"seen": " ".join(seen), "connectMs": ms(t0, tc), "refusalMs": ms(tc, tr),
                "totalMs": ms(t0, tr if tr is not None else now), "waiting": waiting})
results = []
if os.environ.get("CONCURRENT") == "1":
    threads = [threading.Thread(target=trial, args=(results,)) for _ in range(n)]
    for t in threads: t.start()
    for t in threads: t.join()
else:
    for _ in range(n): trial(results)
print(json.dumps(results))
`;

/** A client kind's driver script (NODE_DRIVER or PYTHON_DRIVER) run as `command flag script`, bounded. */
function driverClient(command: string, flag: string, script: string) {
  return async (port: number, n: number, concurrent: boolean): Promise<Trial[]> => {
    const env = {
      HOST,
      PORT: String(port),
      N: String(n),
      LIMIT_MS: String(WAIT_MS),
      CONCURRENT: concurrent ? "1" : "",
    };
    const limitMs = (concurrent ? 1 : n) * (WAIT_MS + 2000) + 5000;
    return JSON.parse((await runBounded(command, [flag, script], { env, limitMs })).trim());
  };
}

/** `n` trials, all at once or one after another. */
async function repeat(n: number, concurrent: boolean, trial: () => Promise<Trial>): Promise<Trial[]> {
  if (concurrent) return await Promise.all(Array.from({ length: n }, trial));
  const done: Trial[] = [];
  for (let i = 0; i < n; i++) done.push(await trial());
  return done;
}

/**
 * One `nc -v HOST PORT` with its stdin left open: the handshake is the moment
 * nc prints "... succeeded!" on stderr, the refusal the moment it exits.
 */
async function ncTrial(port: number, stdinOpen: boolean): Promise<Trial> {
  const t0 = performance.now();
  const child = new Deno.Command("nc", {
    args: ["-v", HOST, String(port)],
    stdin: stdinOpen ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let tc: number | null = null;
  const stderrText = (async () => {
    let text = "";
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      text += chunk;
      if (tc === null && text.includes("succeeded")) tc = performance.now();
    }
    return text;
  })();
  const stdoutText = new Response(child.stdout).text();
  let waiting = false;
  const timer = setTimeout(() => {
    waiting = true;
    try {
      child.kill("SIGKILL");
    } catch { /* exited */ }
  }, WAIT_MS);
  const status = await child.status;
  const tr = performance.now();
  clearTimeout(timer);
  if (stdinOpen) await child.stdin.close().catch(() => {});
  const [err, out] = [await stderrText, await stdoutText];
  const said = err.trim().replace(/ \d+ port /, " PORT port ").replace(/\s+/g, " ");
  const seen = waiting
    ? `${said ? `stderr "${said}", ` : ""}no exit (bound reached)`
    : `exit ${status.code}${said ? `, stderr "${said}"` : ""}${
      out ? `, stdout ${JSON.stringify(out)}` : ", no stdout"
    }`;
  return {
    seen,
    connectMs: tc === null ? null : tc - t0,
    refusalMs: tc === null || waiting ? null : tr - tc,
    totalMs: tr - t0,
    waiting,
  };
}

function ncClient(stdinOpen: boolean) {
  return (port: number, n: number, concurrent: boolean): Promise<Trial[]> =>
    repeat(n, concurrent, () => ncTrial(port, stdinOpen));
}

/**
 * One `curl -sS http://HOST:PORT/` (an HTTP client that speaks first): what it
 * reports (exit code and message); the refusal is the whole run, process start included.
 */
async function curlTrial(port: number): Promise<Trial> {
  const t0 = performance.now();
  const out = await new Deno.Command("curl", {
    args: ["-sS", "-m", String(Math.ceil(WAIT_MS / 1000)), `http://${HOST}:${port}/`],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const total = performance.now() - t0;
  const said = new TextDecoder().decode(out.stderr).trim().replace(/ \d+ ms/g, " N ms")
    .replace(/port \d+/g, "port PORT").replace(/\s+/g, " ");
  const waiting = out.code === 28; // curl's "operation timed out"
  return {
    seen: `exit ${out.code}${said ? `, "${said}"` : ""}`,
    connectMs: null,
    refusalMs: null,
    totalMs: total,
    waiting,
  };
}

function curlClient(port: number, n: number, concurrent: boolean): Promise<Trial[]> {
  return repeat(n, concurrent, () => curlTrial(port));
}

/** A raw Deno.connect in this process, then one read. */
async function denoTrial(port: number): Promise<Trial> {
  const t0 = performance.now();
  const signal = AbortSignal.timeout(WAIT_MS);
  let conn: Deno.TcpConn;
  try {
    conn = await Deno.connect({ hostname: HOST, port, signal });
  } catch (error) {
    const waiting = signal.aborted;
    return {
      seen: waiting ? "connect pending (bound reached)" : `connect threw ${(error as Error).name}`,
      connectMs: null,
      refusalMs: null,
      totalMs: performance.now() - t0,
      waiting,
    };
  }
  const tc = performance.now();
  let seen = "connect ok";
  let waiting = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const read = conn.read(new Uint8Array(64));
    const bound = new Promise<"bound">((resolve) => timer = setTimeout(() => resolve("bound"), WAIT_MS));
    const n = await Promise.race([read, bound]);
    if (n === "bound") {
      waiting = true;
      seen += ", read pending (bound reached)";
    } else seen += `, read ${n === null ? "null (end of stream)" : n}`;
  } catch (error) {
    seen += `, read threw ${(error as Error).name}`;
  } finally {
    clearTimeout(timer);
  }
  const tr = performance.now();
  conn.close();
  return { seen, connectMs: tc - t0, refusalMs: waiting ? null : tr - tc, totalMs: tr - t0, waiting };
}

function denoClient(port: number, n: number, concurrent: boolean): Promise<Trial[]> {
  return repeat(n, concurrent, () => denoTrial(port));
}

/** An acceptq Winsock connect() in this process (the in-process path of SPEC L5). */
async function winsockTrial(name: SockAddr): Promise<Trial> {
  const s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  const t0 = performance.now();
  let seen: string;
  try {
    await connect(s, name);
    seen = "connect() resolved 0";
  } catch (error) {
    seen = `connect() rejected ${error instanceof WinsockError ? error.wsaName : error}`;
  }
  const t = performance.now() - t0;
  closesocket(s);
  return { seen, connectMs: null, refusalMs: null, totalMs: t, waiting: false };
}

// ─── Reporting ──────────────────────────────────────────────────────────────

function quantile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function fmt(ms: number | null): string {
  if (ms === null) return "–";
  if (ms < 0.01) return "<0.01";
  return ms < 10 ? ms.toFixed(2) : ms.toFixed(0);
}

/** The distinct observations with their counts, most frequent first. */
function observations(trials: Trial[]): string {
  const counts = new Map<string, number>();
  for (const t of trials) counts.set(t.seen, (counts.get(t.seen) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([seen, n]) => `${n}× ${seen}`).join("; ");
}

interface Row {
  client: string;
  trials: Trial[];
  note?: string;
}

function refusedRow({ client, trials, note }: Row): string {
  if (note) return `| ${client} | ${note} | – | – | – | 0 |`;
  if (trials.every((t) => t.waiting)) {
    const connect = trials.map((t) => t.connectMs).filter((x): x is number => x !== null);
    const none = `none within ${(WAIT_MS / 1000).toFixed(0)} s`;
    return `| ${client} | ${observations(trials)} | ${
      fmt(quantile(connect, 0.5))
    } | **${none}** | – | ${trials.length} |`;
  }
  const connect = trials.map((t) => t.connectMs).filter((x): x is number => x !== null);
  const refusal = trials.map((t) => t.refusalMs ?? (t.connectMs === null ? t.totalMs : null))
    .filter((x): x is number => x !== null);
  return `| ${client} | ${observations(trials)} | ${fmt(quantile(connect, 0.5))} | ` +
    `**${fmt(quantile(refusal, 0.5))}** | ${fmt(quantile(refusal, 0.9))} / ${
      fmt(refusal.length ? Math.max(...refusal) : null)
    } | ${trials.length} |`;
}

function contrastRow({ client, trials, note }: Row): string {
  if (note) return `| ${client} | ${note} | – | 0 |`;
  const waiting = trials.filter((t) => t.waiting).length;
  const outcome = waiting === trials.length
    ? `still waiting after ${(WAIT_MS / 1000).toFixed(0)} s (${waiting} of ${trials.length})`
    : `${waiting} of ${trials.length} still waiting after ${(WAIT_MS / 1000).toFixed(0)} s`;
  return `| ${client} | ${observations(trials)} | ${outcome} | ${trials.length} |`;
}

async function have(command: string, versionArgs: string[]): Promise<string | undefined> {
  try {
    const out = await new Deno.Command(command, { args: versionArgs, stdout: "piped", stderr: "piped" })
      .output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    return text.split("\n").find((line) => line.trim())?.trim() ?? command;
  } catch {
    return undefined;
  }
}

// ─── Main ───────────────────────────────────────────────────────────────────

const nodeVersion = await have("node", ["--version"]);
const pythonVersion = await have("python3", ["--version"]);
const ncVersion = await have("nc", ["-h"]);
const curlVersion = await have("curl", ["--version"]);

type Kind = {
  client: string;
  available: string | undefined;
  /** fewer trials for a client that waits out its bound every time */
  trials?: number;
  run: (port: number, n: number, concurrent: boolean) => Promise<Trial[]>;
};
const kinds: Kind[] = [
  {
    client: "Node `net.connect` (separate process)",
    available: nodeVersion,
    run: driverClient("node", "-e", NODE_DRIVER),
  },
  {
    client: "Python `socket.create_connection` + `recv` (separate process)",
    available: pythonVersion,
    run: driverClient("python3", "-c", PYTHON_DRIVER),
  },
  {
    client: "`nc -v` with stdin at EOF (`< /dev/null`; one process per trial)",
    available: ncVersion,
    run: ncClient(false),
  },
  {
    client: "`nc -v` with stdin open (interactive use; one process per trial)",
    available: ncVersion,
    run: ncClient(true),
    trials: 3,
  },
  {
    client: "`curl -sS http://127.0.0.1:PORT/` (one process per trial; the time is the whole run)",
    available: curlVersion,
    run: curlClient,
  },
  { client: "raw `Deno.connect` + `read` (this process)", available: "deno", run: denoClient },
];

// Server A: acceptq, backlog 1, its one slot taken.
WSAStartup(MAKEWORD(2, 2));
const listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
bind(listener, { family: AF_INET, address: HOST, port: 0 });
listen(listener, 1);
const name = {} as SockAddr;
getsockname(listener, name);
await new Promise((resolve) => setTimeout(resolve, 100)); // the TCP transport commits the address a turn later
const held = await Deno.connect({ hostname: HOST, port: name.port });
for (let i = 0; i < 100 && sharedProvider().stats(listener)!.admitted < 1; i++) {
  await new Promise((resolve) => setTimeout(resolve, 10));
}

const refusedRows: Row[] = [];
let expectedRefused = 0;
for (const kind of kinds) {
  if (!kind.available) {
    refusedRows.push({ client: kind.client, trials: [], note: "not installed here: skipped" });
    continue;
  }
  const trials = await kind.run(name.port, Math.min(TRIALS, kind.trials ?? TRIALS), false);
  expectedRefused += trials.length;
  refusedRows.push({ client: kind.client, trials });
  console.error(`acceptq / ${kind.client}: ${observations(trials)}`);
}
const winsockTrials = await repeat(TRIALS, false, () => winsockTrial(name));
expectedRefused += winsockTrials.length;
refusedRows.push({ client: "acceptq Winsock `connect()` (this process)", trials: winsockTrials });
const stats = sharedProvider().stats(listener)!;
const tcp = new TcpTransport();
const mechanism = tcp.listener === "deno"
  ? tcp.resets
    ? "the listening socket is a Deno.listen listener and the refused connection is reset at once (RST) through " +
      "libc's connect(AF_UNSPEC), as this process has the ffi permission"
    : "the listening socket is a Deno.listen listener and, without the ffi permission, the refused connection is " +
      "closed in order (FIN)"
  : "the listening socket is a native TCP handle and the refused connection is reset at once (RST)";
held.close();
closesocket(listener);
WSACleanup();

// Server B: raw Deno.listen, tcpBacklog 1, OS queue full, nobody accepting.
const raw = Deno.listen({ hostname: HOST, port: 0, tcpBacklog: 1 });
const fillers = [
  await Deno.connect({ hostname: HOST, port: raw.addr.port }),
  await Deno.connect({ hostname: HOST, port: raw.addr.port }),
];
const contrastRows: Row[] = [];
for (const kind of kinds) {
  if (!kind.available) {
    contrastRows.push({ client: kind.client, trials: [], note: "not installed here: skipped" });
    continue;
  }
  const trials = await kind.run(raw.addr.port, CONTRAST_CLIENTS, true);
  contrastRows.push({ client: kind.client, trials });
  console.error(`raw Deno.listen / ${kind.client}: ${observations(trials)}`);
}
for (const c of fillers) c.close();
raw.close();

// ─── Markdown ───────────────────────────────────────────────────────────────

const command = `deno run -A bench/refusal/refused_clients.ts${
  Deno.args.length ? " " + Deno.args.join(" ") : ""
}`;
const md = `# What a refused client sees

Written by \`${command}\` on ${new Date().toISOString()}.
Deno ${Deno.version.deno}, ${nodeVersion ? `Node ${nodeVersion}` : "no Node"}, ${
  pythonVersion ?? "no Python"
}, ${ncVersion ? `nc: ${ncVersion}` : "no nc"}, ${
  curlVersion?.split(" ").slice(0, 2).join(" ") ?? "no curl"
}; ${Deno.build.os} ${Deno.build.arch}; loopback (127.0.0.1) only.

## Refused by acceptq

An acceptq listener (\`socket\`, \`bind 127.0.0.1:0\`, \`listen(s, 1)\`) whose one queue slot holds a connection
nobody accepts. Each client connects ${TRIALS} times, one after another; every attempt is refused by the accept pump
in the default refusal form, \`"reset"\`, on the default TCP transport: ${mechanism} (bench/results/refusal_mechanism.md).
*Handshake* is the time from the connect call to the completed TCP handshake; *refusal* is the time from the completed
handshake to the moment the client learns it was refused (end of stream, reset, error, exit). For the in-process Winsock
\`connect()\`, which reports the refusal itself, *refusal* is the whole call. For \`nc\` the handshake time includes
starting the process, and the refusal ends when nc exits.
The listener counted ${stats.refused} refused (expected ${expectedRefused}) and ${stats.admitted} admitted (the held one).

| client | what the client sees (count× observation) | handshake, ms (median) | refusal, ms (median) | refusal p90 / max, ms | trials |
|---|---|---|---|---|---|
${refusedRows.map(refusedRow).join("\n")}

A reset reaches the client either before its connect has returned (then the connect itself fails: ECONNRESET,
or ECONNREFUSED) or right after it (then its first read or write fails with ECONNRESET); which one depends on
scheduling, so a client kind may show both. \`nc\` either prints "succeeded!" and exits 0 at once, or reports
"Connection reset by peer" and exits 1; it exits even with its stdin open (after a FIN it stayed until its stdin
ended). curl reports "(56) Recv failure: Connection reset by peer" or "(7) Couldn't connect to server". With
\`listen({ refusal: "close" })\` (or the provider option) the refusal is an orderly close instead (FIN: Node \`end\`,
Python \`b''\`, curl "Empty reply from server"), and a function answers in the protocol (an HTTP 503) before the close.

## For contrast: raw \`Deno.listen\` with a full OS queue

\`Deno.listen({ hostname: "127.0.0.1", port: 0, tcpBacklog: 1 })\`, two connections completed and never accepted
(Linux completes backlog + 1 handshakes), then ${CONTRAST_CLIENTS} clients of each kind at once, each bounded at
${WAIT_MS} ms. Linux drops their SYNs and they retransmit (about 1 s, 2 s, 3 s ...); without a bound a connect ends in
ETIMEDOUT after about 130 s (bench/results/transport_facts.md, Q2).

| client | what the client sees | outcome | clients |
|---|---|---|---|
${contrastRows.map(contrastRow).join("\n")}
`;

await Deno.writeTextFile(args.values.out!, md);
console.log(md);
if (stats.refused !== expectedRefused) {
  console.error(`acceptq counted ${stats.refused} refused, expected ${expectedRefused}`);
  Deno.exitCode = 1;
}
