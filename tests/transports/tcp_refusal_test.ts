// What a client in another process sees on the wire when acceptq's TCP
// listener refuses it (its queue is full), in each refusal form, and when an
// admitted connection is closed by the server, on both kinds of listening
// socket: Deno.listen (the default; its resets go through FFI, which these
// tests have: --allow-all) and native handles. The client is Python's socket
// module (python3), a client that is neither Deno nor acceptq. Last, a server
// without the ffi permission: its refusals on Deno.listen are orderly closes.
import { deepStrictEqual as eq, ok, strictEqual as is, throws } from "node:assert/strict";
import { listen, type Refusal, TcpTransport } from "../../mod.ts";
import { Child, waitUntil, within } from "../fixtures/_process.ts";

// Connects `first` and reports it; on "go" connects a second time and reports
// what that one sees (the refusal); on "read" reports what `first` reads.
// Each report is one line: connected | eof | data:<text> | <errno name>.
const CLIENT = `
import errno, socket, sys
host, port = sys.argv[1], int(sys.argv[2])
def outcome(action):
    try:
        return action()
    except OSError as e:
        return errno.errorcode.get(e.errno, type(e).__name__)
def connect():
    s = socket.create_connection((host, port), timeout=10)
    conns.append(s)
    return "connected"
def receive(s):
    data = b""
    while True:
        chunk = s.recv(64)
        if not chunk:
            return "data:" + data.decode() if data else "eof"
        data += chunk
conns = []
print(outcome(connect), flush=True)
sys.stdin.readline()
second = outcome(connect)
print(outcome(lambda: receive(conns[1])) if second == "connected" else second, flush=True)
sys.stdin.readline()
print(outcome(lambda: receive(conns[0])), flush=True)
`;

/** What the refused client and the admitted one (closed by the server) saw, with the listener's counts. */
async function refusedAndAdmitted(
  kind: "deno" | "handle",
  refusal?: Refusal,
): Promise<{ refused: string; admitted: string }> {
  const transport = new TcpTransport({ listener: kind });
  is(transport.resets, true, "this process may reset refused connections");
  await using listener = listen({ hostname: "127.0.0.1", backlog: 1, refusal, transport });
  const child = new Child("python3", ["-c", CLIENT, "127.0.0.1", String(listener.addr.port)]);
  try {
    is(await child.line(10_000), "connected");
    ok(await waitUntil(() => listener.stats().admitted === 1, 5000), "the first connection is admitted");
    await child.send("go");
    const refused = await child.line(10_000);
    eq(listener.stats().refused, 1);
    const conn = await within(listener.accept(), 5000, "accept");
    conn.close();
    await child.send("read");
    const admitted = await child.line(10_000);
    eq(
      { ...listener.stats(), highWater: undefined },
      { backlog: 1, queued: 0, admitted: 1, accepted: 1, refused: 1, dropped: 0, highWater: undefined },
    );
    return { refused, admitted };
  } finally {
    const status = await child.close();
    is(status.code, 0, `the client exited with ${status.code}: ${await child.stderr}`);
  }
}

for (const kind of ["deno", "handle"] as const) {
  const on = kind === "deno" ? "Deno.listen (FFI reset)" : "native handles";
  Deno.test(`${on}: a refused client in another process is reset (ECONNRESET or ECONNREFUSED); an admitted one the server closes reads a clean end`, async () => {
    const seen = await refusedAndAdmitted(kind);
    ok(["ECONNRESET", "ECONNREFUSED"].includes(seen.refused), `the refused client saw ${seen.refused}`);
    is(seen.admitted, "eof");
  });

  Deno.test(`${on}: refusal "close": the refused client in another process reads a clean end, not a reset`, async () => {
    eq(await refusedAndAdmitted(kind, "close"), { refused: "eof", admitted: "eof" });
  });

  Deno.test(`${on}: a refusal handler's answer reaches the client in another process, then a clean end`, async () => {
    const seen = await refusedAndAdmitted(kind, async (conn) => {
      await conn.write(new TextEncoder().encode(`busy ${conn.remote.address}`));
    });
    eq(seen, { refused: "data:busy 127.0.0.1", admitted: "eof" });
  });
}

// A server without the ffi permission (its own process, tests/fixtures/no_ffi_server.ts): the default
// listener cannot reset, says so, and refuses with an orderly close; nothing else changes.
Deno.test("without the ffi permission, Deno.listen's refusals are orderly closes and TcpTransport.resets says so", async () => {
  const fixture = new URL("../fixtures/no_ffi_server.ts", import.meta.url).pathname;
  const server = new Child(Deno.execPath(), ["run", "--quiet", "--allow-net=127.0.0.1", fixture]);
  try {
    const { port, resets } = JSON.parse(await server.line(20_000));
    is(resets, false);
    const client = new Child("python3", ["-c", CLIENT, "127.0.0.1", String(port)]);
    try {
      is(await client.line(10_000), "connected");
      await client.send("go");
      is(await client.line(10_000), "eof", "the refused client reads an orderly end of stream");
      await server.send("stats");
      const stats = JSON.parse(await server.line(10_000));
      eq([stats.admitted, stats.refused], [1, 1]);
      await server.send("accept");
      await client.send("read");
      is(await client.line(10_000), "eof");
    } finally {
      is((await client.close()).code, 0, `the client failed: ${await client.stderr}`);
    }
  } finally {
    is((await server.close()).code, 0, `the server failed: ${await server.stderr}`);
  }
});

Deno.test('TcpTransport listens on Deno.listen by default, on native handles with listener "handle", and rejects any other listener', () => {
  is(new TcpTransport().listener, "deno");
  is(new TcpTransport({ listener: "handle" }).listener, "handle");
  is(new TcpTransport({ listener: "deno" }).listener, "deno");
  throws(() => new TcpTransport({ listener: "node" as "deno" }), TypeError);
});
