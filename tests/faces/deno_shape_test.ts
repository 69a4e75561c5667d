// The idiomatic listener and connection follow Deno.Listener and Deno.Conn:
// assignability (proven by `deno check`), NetAddr addresses, ref/unref,
// both dispose symbols, closeWrite, end of stream after one's own close,
// abort reasons; and what stays better than Deno: concurrent ordered accepts.
import { deepStrictEqual as eq, rejects, strictEqual as is, throws } from "node:assert/strict";
import { listen, type WinsockError } from "../../mod.ts";
import { providerFor, sharedProvider } from "../../src/provider/runtime.ts";
import { Child, macrotask } from "../fixtures/_process.ts";

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url).pathname;
const text = (bytes: Uint8Array, n: number | null) => new TextDecoder().decode(bytes.subarray(0, n ?? 0));

Deno.test("deno check proves Listener assignable to Deno.Listener and Connection to Deno.Conn", async () => {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--quiet", fixture("deno_shape.ts")],
    stdout: "null",
    stderr: "piped",
  }).output();
  is(code, 0, new TextDecoder().decode(stderr));
});

Deno.test("addr, localAddr and remoteAddr are Deno.NetAddr", async () => {
  await using listener = listen({ hostname: "127.0.0.1", backlog: 4 });
  eq(listener.addr, { transport: "tcp", hostname: "127.0.0.1", port: listener.addr.port });
  const client = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  await using conn = await listener.accept();
  eq(conn.localAddr, { ...client.remoteAddr });
  eq(conn.remoteAddr, { ...client.localAddr });
  client.close();
});

for (const transport of ["tcp", "memory"] as const) {
  Deno.test(`closeWrite ends the peer's stream while reading goes on (${transport})`, async () => {
    await using listener = listen({ hostname: "127.0.0.1", backlog: 4, transport });
    const peer = await connectTo(listener.addr.port, transport);
    await using conn = await listener.accept();
    await conn.write(new TextEncoder().encode("bye"));
    await conn.closeWrite();
    const buf = new Uint8Array(8);
    is(text(buf, await peer.read(buf)), "bye");
    is(await peer.read(buf), null, "the peer reads the end of the stream");
    await peer.write(new TextEncoder().encode("still"));
    is(text(buf, await conn.read(buf)), "still", "this side still reads");
    await rejects(conn.write(new Uint8Array(1)));
    peer.close();
  });
}

Deno.test("a read ends with null after one's own close, also one that was waiting", async () => {
  await using listener = listen({ hostname: "127.0.0.1", backlog: 4 });
  const client = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  const conn = await listener.accept();
  const waiting = conn.read(new Uint8Array(8));
  conn.close();
  is(await waiting, null);
  is(await conn.read(new Uint8Array(8)), null);
  const reader = conn.readable.getReader();
  eq(await reader.read(), { done: true, value: undefined });
  await rejects(conn.write(new Uint8Array(1)), (e: WinsockError) => e.code === 10038); // WSAENOTSOCK
  client.close();
});

Deno.test("both dispose symbols close the listener and the connection", async () => {
  let port: number;
  {
    using listener = listen({ hostname: "127.0.0.1", backlog: 4 });
    port = listener.addr.port;
    const clients = [
      await Deno.connect({ hostname: "127.0.0.1", port }),
      await Deno.connect({ hostname: "127.0.0.1", port }),
    ];
    {
      using conn = await listener.accept();
      await using conn2 = await listener.accept();
      is(sharedProvider().openSockets(), 3);
      is(conn.socket !== conn2.socket, true);
    }
    is(sharedProvider().openSockets(), 1, "both connections closed");
    clients.forEach((c) => c.close());
  }
  is(sharedProvider().openSockets(), 0, "the listener closed");
  await macrotask();
  await rejects(Deno.connect({ hostname: "127.0.0.1", port }));
});

Deno.test("several accepts wait at once and are served in call order (Deno.listen throws Busy)", async () => {
  await using listener = listen({ hostname: "127.0.0.1", backlog: 8 });
  const accepts = [listener.accept(), listener.accept(), listener.accept()];
  const clients = [];
  for (let i = 0; i < 3; i++) {
    const client = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
    clients.push(client);
    const conn = await accepts[i];
    eq(conn.remoteAddr, { ...client.localAddr }, `accept ${i} got client ${i}`);
    conn.close();
  }
  clients.forEach((c) => c.close());
});

Deno.test("an already-aborted signal rejects accept and throws from listen with signal.reason", async () => {
  await using listener = listen({ hostname: "127.0.0.1", backlog: 4 });
  const reason = new Error("stop");
  await rejects(listener.accept({ signal: AbortSignal.abort(reason) }), (e) => e === reason);
  const plain = AbortSignal.abort();
  await rejects(
    listener.accept({ signal: plain }),
    (e) => e === plain.reason && (e as Error).name === "AbortError",
  );
  throws(() => listen({ hostname: "127.0.0.1", signal: AbortSignal.abort(reason) }), (e) => e === reason);
  is(sharedProvider().openSockets(), 1, "only the first listener is open");
});

Deno.test("an unref'd listener lets the process exit; ref() makes it keep the process alive again", async () => {
  const args = ["run", "--allow-net=127.0.0.1", fixture("ref_listener.ts")];
  const unref = new Child(Deno.execPath(), [...args, "unref"]);
  is(Number(await unref.line(20_000)) > 0, true);
  const exited = await unref.close(20_000); // killed (signal set) if it had not exited by itself
  eq([exited.code, exited.signal], [0, null]);

  const ref = new Child(Deno.execPath(), [...args, "ref"]);
  const port = Number(await ref.line(20_000));
  await macrotask(300); // the process is still there: it answers the connection below
  const client = await Deno.connect({ hostname: "127.0.0.1", port });
  is(await ref.line(20_000), "accepted");
  client.close();
  eq((await ref.close(20_000)).code, 0);
});

Deno.test("an unref'd connection's pending read lets the process exit", async () => {
  const child = new Child(Deno.execPath(), [
    "run",
    "--allow-net=127.0.0.1",
    fixture("ref_listener.ts"),
    "conn-unref",
  ]);
  const port = Number(await child.line(20_000));
  const client = await Deno.connect({ hostname: "127.0.0.1", port });
  is(await child.line(20_000), "accepted");
  const exited = await child.close(20_000);
  eq([exited.code, exited.signal], [0, null]);
  client.close();
});

async function connectTo(port: number, transport: "tcp" | "memory"): Promise<Deno.Conn | MemoryPeer> {
  if (transport === "tcp") return await Deno.connect({ hostname: "127.0.0.1", port });
  return await MemoryPeer.connect(port);
}

/** A client on the in-memory network, through the provider's calls. */
class MemoryPeer {
  #provider = providerFor("memory");
  #s = -1;
  static async connect(port: number): Promise<MemoryPeer> {
    const peer = new MemoryPeer();
    peer.#s = peer.#provider.socket(2, 1, 0, "test");
    await peer.#provider.connect(peer.#s, { family: 2, address: "127.0.0.1", port });
    return peer;
  }
  async read(buf: Uint8Array): Promise<number | null> {
    const n = await this.#provider.recv(this.#s, buf);
    return n === 0 ? null : n;
  }
  write(data: Uint8Array): Promise<number> {
    return this.#provider.send(this.#s, data);
  }
  close(): void {
    this.#provider.closesocket(this.#s);
  }
}
