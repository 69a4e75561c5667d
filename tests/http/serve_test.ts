// serve(): a fetch-style handler behind the accept queue, on Deno's own HTTP engine when
// available (node:http otherwise), with 503 + Retry-After for refused clients, onRefused,
// maxConnections, and a graceful shutdown.
import { deepStrictEqual as eq, strictEqual as is, throws } from "node:assert/strict";
import { refuseWith503, serve } from "../../http.ts";
import { listen } from "../../listener.ts";
import { denoEngine } from "../../src/http/_deno_engine.ts";
import { providerFor, sharedProvider } from "../../src/provider/runtime.ts";
import { waitUntil } from "../fixtures/_process.ts";

const echo = async (request: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>) =>
  new Response(
    `${request.method} ${new URL(request.url).pathname} ${info.remoteAddr.hostname} ${await request.text()}`,
  );

Deno.test("this Deno has the internal one-connection HTTP engine that serve prefers", () => {
  is(typeof denoEngine(), "function");
});

for (const engine of ["auto", "node"] as const) {
  Deno.test(`serve answers GET and POST with keep-alive (engine ${engine})`, async () => {
    const server = serve({ hostname: "127.0.0.1", port: 0, backlog: 8, engine }, echo);
    const url = `http://127.0.0.1:${server.addr.port}/path`;
    is(await (await fetch(url)).text(), "GET /path 127.0.0.1 ");
    is(await (await fetch(url, { method: "POST", body: "data" })).text(), "POST /path 127.0.0.1 data");
    const stats = server.stats();
    is(stats.accepted, 1, "fetch kept its connection alive");
    eq(stats.servedBy, engine === "auto" ? { deno: 1, node: 0 } : { deno: 0, node: 1 });
    await server.shutdown();
    is(server.stats().open, 0);
    is(sharedProvider().openSockets(), 0);
  });
}

Deno.test("serve on the in-memory network falls back to node:http", async () => {
  await using server = serve({ hostname: "127.0.0.1", port: 0, backlog: 4, transport: "memory" }, echo);
  const provider = providerFor("memory");
  const s = provider.socket(2, 1, 0, "test");
  await provider.connect(s, { family: 2, address: "127.0.0.1", port: server.addr.port });
  await provider.send(s, new TextEncoder().encode("GET /m HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  let text = "";
  const buf = new Uint8Array(4096);
  for (let n; (n = await provider.recv(s, buf)) > 0;) text += new TextDecoder().decode(buf.subarray(0, n));
  provider.closesocket(s);
  is(text.startsWith("HTTP/1.1 200 OK\r\n"), true, text);
  is(text.endsWith("\r\n\r\nGET /m 127.0.0.1 "), true, text);
  eq(server.stats().servedBy, { deno: 0, node: 1 });
});

Deno.test("under overload every refused client gets 503 with Retry-After, and the counts agree", async () => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => release = resolve);
  const refusedPeers: number[] = [];
  const server = serve({
    hostname: "127.0.0.1",
    port: 0,
    backlog: 2,
    maxConnections: 1,
    retryAfterSeconds: 3,
    onRefused: ({ remoteAddr }) => refusedPeers.push(remoteAddr.port),
  }, async () => {
    await released;
    return new Response("done");
  });
  const port = server.addr.port;
  const request = (i: number) => rawGet(port, `/${i}`);
  const first = request(0); // served: it holds the one connection slot
  is(await waitUntil(() => server.stats().accepted === 1, 10_000), true);
  const queued = [request(1), request(2)];
  is(await waitUntil(() => server.stats().queued === 2, 10_000), true);
  const refused = await Promise.all([3, 4, 5, 6, 7].map(request));
  for (const answer of refused) {
    is(answer.status, 503);
    is(answer.headers.get("retry-after"), "3");
  }
  release();
  const served = await Promise.all([first, ...queued]);
  eq(served.map((a) => [a.status, a.body]), [[200, "done"], [200, "done"], [200, "done"]]);
  const stats = server.stats();
  eq([stats.admitted, stats.refused, stats.accepted, stats.highWater], [3, 5, 3, 2]);
  is(refusedPeers.length, 5);
  is(stats.maxConnections, 1);
  await server.shutdown();
});

Deno.test("serve rejects bad arguments", () => {
  throws(() => serve({ port: 0 }, undefined as unknown as () => Response), TypeError);
  throws(() => serve({ hostname: "127.0.0.1", maxConnections: 0 }, () => new Response()), RangeError);
  is(sharedProvider().openSockets(), 0);
});

Deno.test("an aborted signal shuts the server down and finished resolves", async () => {
  const controller = new AbortController();
  const server = serve(
    { hostname: "127.0.0.1", port: 0, signal: controller.signal },
    () => new Response("x"),
  );
  is(await (await fetch(`http://127.0.0.1:${server.addr.port}/`)).text(), "x");
  controller.abort();
  await server.finished;
  is(server.listener.closed, true);
});

/** One HTTP/1.1 request with Connection: close on a raw socket; the status, headers and body read to the end. */
async function rawGet(
  port: number,
  path: string,
): Promise<{ status: number; headers: Headers; body: string }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
  let text = "";
  const buf = new Uint8Array(4096);
  try {
    for (let n; (n = await conn.read(buf)) !== null;) text += new TextDecoder().decode(buf.subarray(0, n));
  } finally {
    conn.close();
  }
  const [head, body = ""] = text.split("\r\n\r\n");
  const [statusLine, ...lines] = head.split("\r\n");
  const headers = new Headers(lines.map((line) => line.split(/:\s*/, 2) as [string, string]));
  return { status: Number(statusLine.split(" ")[1]), headers, body };
}

Deno.test("refuseWith503 answers once the request head has arrived, also in pieces", async () => {
  await using listener = listen({
    hostname: "127.0.0.1",
    backlog: 1,
    refusal: refuseWith503({ retryAfterSeconds: 2 }),
  });
  const filler = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  const client = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  const pieces = ["GET / HTTP/1.1\r\nHo", "st: x\r\n\r", "\n"];
  for (const piece of pieces) {
    await client.write(new TextEncoder().encode(piece));
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  let text = "";
  const buf = new Uint8Array(1024);
  for (let n; (n = await client.read(buf)) !== null;) text += new TextDecoder().decode(buf.subarray(0, n));
  is(text.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), true, text);
  is(text.includes("\r\nRetry-After: 2\r\n"), true, text);
  is(listener.stats().refused, 1);
  client.close();
  filler.close();
  throws(() => refuseWith503({ retryAfterSeconds: -1 }), RangeError);
});

Deno.test("a streamed response body arrives whole on both engines, a static one with its length", async () => {
  for (const engine of ["auto", "node"] as const) {
    await using server = serve({ hostname: "127.0.0.1", port: 0, engine }, (request) => {
      if (new URL(request.url).pathname === "/static") return new Response("static body");
      let step = 0;
      return new Response(
        new ReadableStream({
          async pull(controller) {
            await new Promise((resolve) => setTimeout(resolve, 10));
            if (step++ < 3) controller.enqueue(new TextEncoder().encode(`part${step} `));
            else controller.close();
          },
        }),
      );
    });
    const base = `http://127.0.0.1:${server.addr.port}`;
    is(await (await fetch(`${base}/stream`)).text(), "part1 part2 part3 ", engine);
    const response = await fetch(`${base}/static`);
    is(response.headers.get("content-length"), "11", engine);
    is(await response.text(), "static body");
  }
});
