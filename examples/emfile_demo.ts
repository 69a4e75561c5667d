// Out of file descriptors: plain Deno.serve against the same handler behind
// acceptq's serve(), each in its own process under `ulimit -n 128` (Linux, bash).
//
//   deno run -A examples/emfile_demo.ts [--limit 128] [--hold 300] [--json]
//
// For each server: `--hold` clients connect, each sends one request and keeps
// its connection open (each open connection is a descriptor in the server);
// then every client lets go, and 20 fresh requests follow. Deno.serve's accept
// loop ends at its first EMFILE, so it answers nothing afterwards; acceptq keeps
// serving the connections it has descriptors for, refuses the rest at once with
// 503 (their connections are decided on a reserve descriptor), and serves every
// fresh request once the descriptors are free.
//
// Run as `... emfile_demo.ts --server deno|acceptq` it is one of the two servers:
// it prints its port on stdout and serves until its stdin closes.

import { parseArgs } from "node:util";
import { serve } from "../http.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    server: { type: "string" },
    limit: { type: "string", default: "128" },
    hold: { type: "string", default: "300" },
    json: { type: "boolean", default: false },
  },
});

const handler = () => new Response("ok\n");

if (values.server) await runServer(values.server);
else await main();

async function runServer(kind: string): Promise<void> {
  const onListen = ({ port }: Deno.NetAddr) => console.log(port);
  let stats = () => ({});
  if (kind === "deno") {
    Deno.serve({ hostname: "127.0.0.1", port: 0, onListen }, handler);
  } else {
    // The default TCP listener (Deno.listen's) is told of EMFILE and decides arrivals
    // on its reserve descriptor; the native-handle one (listener: "handle") is not.
    const server = serve({ hostname: "127.0.0.1", port: 0, backlog: 32, onListen }, handler);
    stats = () => server.stats();
  }
  // Serves until the parent closes our stdin; a "stats" line is answered with the counters.
  for await (const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
    if (chunk.includes("stats")) console.log(JSON.stringify(stats()));
  }
  Deno.exit(0);
}

/** What one client saw. */
type Outcome = "200" | "503" | "refused" | "silent" | "down";

/** Connects, sends one keep-alive request, and reads the status line (within `ms`). */
async function ask(port: number, ms: number): Promise<{ outcome: Outcome; conn?: Deno.TcpConn }> {
  let conn: Deno.TcpConn;
  try {
    conn = await Deno.connect({ hostname: "127.0.0.1", port });
  } catch (error) {
    // A reset that arrives before the connect call returns is a refusal too (acceptq resets when it
    // may: --allow-ffi); a refused SYN means nobody listens any more.
    const reset = error instanceof Deno.errors.ConnectionReset || error instanceof Deno.errors.NotConnected;
    return { outcome: reset ? "refused" : "down" };
  }
  const timer = setTimeout(() => conn.close(), ms); // unblocks the read: the server stayed silent
  try {
    await conn.write(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: demo\r\n\r\n"));
    const buffer = new Uint8Array(64);
    const n = await conn.read(buffer);
    clearTimeout(timer);
    if (n === null) return { outcome: "refused", conn };
    const status = new TextDecoder().decode(buffer.subarray(0, n)).split(" ")[1];
    return { outcome: status === "200" ? "200" : status === "503" ? "503" : "refused", conn };
  } catch {
    clearTimeout(timer);
    // A reset is a refusal; a read cut by our own timer is silence.
    try {
      conn.close();
      return { outcome: "refused" };
    } catch {
      return { outcome: "silent" };
    }
  }
}

function count(outcomes: Outcome[]): Record<Outcome, number> {
  const tally: Record<Outcome, number> = { "200": 0, "503": 0, refused: 0, silent: 0, down: 0 };
  for (const outcome of outcomes) tally[outcome]++;
  return tally;
}

async function trial(kind: "deno" | "acceptq", limit: number, hold: number) {
  const script = new URL(import.meta.url).pathname;
  const server = new Deno.Command("bash", {
    args: [
      "-c",
      `ulimit -n ${limit} && exec "${Deno.execPath()}" run --quiet -A "${script}" --server ${kind}`,
    ],
    env: { NO_COLOR: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(server.stderr).text();
  const input = server.stdin.getWriter();
  let exited = false;
  server.status.then(() => exited = true);
  const stdout = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    const first = await stdout.read();
    const port = Number(first.value?.trim());
    if (!port) throw new Error(`the ${kind} server did not start: ${await stderr}`);

    // Exhaustion: every client holds its connection (a descriptor in the server).
    // They arrive in batches of 20, so that a server answers while it has descriptors.
    const held: { outcome: Outcome; conn?: Deno.TcpConn }[] = [];
    for (let i = 0; i < hold; i += 20) {
      held.push(...await Promise.all(Array.from({ length: Math.min(20, hold - i) }, () => ask(port, 5000))));
    }
    const during = count(held.map((client) => client.outcome));
    for (const client of held) {
      try {
        client.conn?.close();
      } catch {
        // closed by its timer already
      }
    }
    // The descriptors are free again: fresh requests, one after another.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const fresh: Outcome[] = [];
    for (let i = 0; i < 20; i++) {
      const { outcome, conn } = await ask(port, 5000);
      conn?.close();
      fresh.push(outcome);
    }
    const after = count(fresh);
    const alive = !exited;
    // The server's own counters (acceptq's serve only), to set beside what the clients saw.
    let counters: { accepted?: number; refused?: number } = {};
    if (alive && kind === "acceptq") {
      await input.write(new TextEncoder().encode("stats\n"));
      let line = "";
      while (!line.includes("\n")) {
        const { value, done } = await stdout.read();
        if (done) break;
        line += value;
      }
      counters = JSON.parse(line);
    }
    await stop();
    // The server's last words, if it died (Deno.serve's uncaught EMFILE error).
    const died = alive ? "" : (await stderr).trim().split("\n")[0];
    return { kind, limit, hold, during, after, alive, died, server: counters };
  } finally {
    await stop();
  }

  async function stop(): Promise<void> {
    await input.close().catch(() => {});
    const timer = setTimeout(() => {
      try {
        server.kill("SIGKILL");
      } catch {
        // exited
      }
    }, 3000);
    await server.status;
    clearTimeout(timer);
    await stdout.cancel().catch(() => {});
    await stderr;
  }
}

async function main(): Promise<void> {
  const limit = Number(values.limit);
  const hold = Number(values.hold);
  const results = [];
  for (const kind of ["deno", "acceptq"] as const) results.push(await trial(kind, limit, hold));
  if (values.json) {
    console.log(JSON.stringify(results));
    return;
  }
  for (const { kind, during, after, alive, died, server } of results) {
    const name = kind === "deno" ? "Deno.serve" : "acceptq serve";
    console.log(`${name} under ulimit -n ${limit}, ${hold} clients holding their connections:`);
    console.log(
      `  while held: ${during["200"]} answered 200, ${during["503"]} refused with 503, ` +
        `${during.refused} reset/closed, ${during.silent} got no answer, ${during.down} found nobody listening`,
    );
    console.log(
      `  after release, 20 fresh requests: ${after["200"]} answered 200, ${after["503"]} 503, ` +
        `${after.refused} reset/closed, ${after.silent} no answer, ${after.down} nobody listening; server process ${
          alive ? "alive" : "exited"
        }`,
    );
    if (died) console.log(`  it died with: ${died}`);
    if ("accepted" in server) {
      console.log(`  its own counters: accepted ${server.accepted}, refused ${server.refused}`);
    }
  }
}
