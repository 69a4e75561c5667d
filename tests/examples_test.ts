// The seed's C example (SPEC L12): examples/listen.ts runs as its own process,
// prints exactly "Listening on socket..." and exits 0.
import { strictEqual as is } from "node:assert/strict";
import { runDeno } from "./fixtures/_process.ts";

const ROOT = new URL("..", import.meta.url);

Deno.test('examples/listen.ts prints exactly "Listening on socket..." and exits 0', async () => {
  const { code, stdout, stderr } = await runDeno(["run", "--allow-net", "examples/listen.ts"], ROOT);
  is(stdout, "Listening on socket...\n", `stderr: ${stderr}`);
  is(code, 0);
});

Deno.test("examples/listen.ts reports WSAEADDRINUSE and exits 1 when port 27015 is taken", async () => {
  let holder: Deno.TcpListener;
  try {
    holder = Deno.listen({ hostname: "127.0.0.1", port: 27015 });
  } catch {
    return; // something else holds the port: the first test would fail and say so
  }
  try {
    const { code, stdout } = await runDeno(["run", "--allow-net", "examples/listen.ts"], ROOT);
    is(stdout, "bind function failed with error 10048\n");
    is(code, 1);
  } finally {
    holder.close();
  }
});

/** Runs an example with `args`; resolves its exit code and output. */
async function run(args: string[]): Promise<{ code: number; out: string }> {
  const { code, stdout, stderr } = await runDeno(args, ROOT);
  return { code, out: stdout + stderr };
}

Deno.test("the demo on TCP decides every connection of round 1; round 2 never counts more than was offered", async () => {
  const { code, out } = await run([
    "run",
    "--allow-net",
    "--allow-run",
    "--allow-read",
    "examples/demo.ts",
    ...["--backlog", "4", "--clients", "20", "--work-ms", "5"],
  ]);
  is(code, 0, out);
  const sums = [...out.matchAll(/admitted\s+(\d+)\s+refused (\d+)\s+\(sum (\d+)\)/g)];
  is(sums.length, 2, out);
  const [[, admitted, refused, sum], round2] = sums;
  // Round 1 (deep OS queue): every connection is decided at once.
  is(Number(admitted) + Number(refused), 20);
  is(Number(sum), 20);
  is(Number(admitted) >= 4, true);
  // Round 2 (OS queue = backlog): a client whose SYN retries outlast its timeout never reaches the listener.
  is(Number(round2[3]) <= 20, true, out);
  is(/accept latency \(time queued\)\s+p50 [\d.]+ ms\s+p99 [\d.]+ ms/.test(out), true, out);
});

Deno.test("the demo on the memory transport decides every connection: admitted + refused = offered", async () => {
  const { code, out } = await run([
    "run",
    "--allow-net",
    "--allow-run",
    "--allow-read",
    "examples/demo.ts",
    ...["--transport", "memory", "--backlog", "4", "--clients", "30", "--work-ms", "2"],
  ]);
  is(code, 0, out);
  const sums = [...out.matchAll(/admitted\s+(\d+)\s+refused (\d+)\s+\(sum (\d+)\)/g)];
  is(sums.length, 1, out);
  is(Number(sums[0][3]), 30);
  is(/high-water mark 4/.test(out), true, out);
});

Deno.test("the echo server echoes, shows its counters and stops after --count connections", async () => {
  const server = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "examples/echo_server.ts", "--port", "0", "--count", "2"],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!/127\.0\.0\.1:(\d+)/.test(out)) out += (await reader.read()).value ?? "";
  const port = Number(out.match(/127\.0\.0\.1:(\d+)/)![1]);
  for (const word of ["one", "two"]) {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(new TextEncoder().encode(word));
    const buf = new Uint8Array(8);
    const n = await conn.read(buf);
    is(new TextDecoder().decode(buf.subarray(0, n ?? 0)), word);
    conn.close();
  }
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) out += chunk.value;
  const { code } = await server.status;
  await server.stderr.cancel();
  is(code, 0, out);
  is(/admitted 2\s+accepted 2\s+refused 0/.test(out), true, out);
});
