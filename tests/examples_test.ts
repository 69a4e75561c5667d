// The seed's C example (SPEC L12): examples/listen.ts runs as its own process,
// prints exactly "Listening on socket..." and exits 0.
import { strictEqual as is } from "node:assert/strict";

const ROOT = new URL("..", import.meta.url);

Deno.test('examples/listen.ts prints exactly "Listening on socket..." and exits 0', async () => {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "examples/listen.ts"],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  is(decoder.decode(stdout), "Listening on socket...\n", `stderr: ${decoder.decode(stderr)}`);
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
    const { code, stdout } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net", "examples/listen.ts"],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "null",
    }).output();
    is(new TextDecoder().decode(stdout), "bind function failed with error 10048\n");
    is(code, 1);
  } finally {
    holder.close();
  }
});
