// Node.js servers run unchanged on acceptq's admitted connections through NodeSocket and
// `server.emit("connection", socket)`: node:http, Hono (@hono/node-server), Express and node:https
// (TLS), each answered by real clients on loopback: fetch, Node's http client in a second
// process, and curl when it is installed.
import { deepStrictEqual as eq, strictEqual as is } from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { createServer as createTlsServer } from "node:https";
import { Hono } from "hono";
import { getRequestListener } from "@hono/node-server";
import express from "express";
import { emitConnections } from "../../http.ts";
import { listen } from "../../listener.ts";
import { sharedProvider } from "../../src/provider/runtime.ts";

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const has = (command: string) =>
  new Deno.Command("sh", { args: ["-c", `command -v ${command}`], stdout: "null", stderr: "null" })
    .outputSync().success;
const HAS_CURL = has("curl");
const HAS_NODE = has("node");

/** Runs `server` on an acceptq listener: every admitted connection goes to it as a NodeSocket. */
async function withBridge(
  server: Server,
  scheme: "http" | "https",
  body: (url: string, accepted: () => number) => Promise<void>,
) {
  const listener = listen({ hostname: "127.0.0.1", backlog: 16 });
  const pumping = emitConnections(listener, server);
  try {
    await body(`${scheme}://127.0.0.1:${listener.addr.port}/hello`, () => listener.stats().accepted);
    is(listener.stats().refused, 0);
    is(listener.stats().accepted >= 1, true);
  } finally {
    listener.close();
    await pumping;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  is(sharedProvider().openSockets(), 0);
}

async function fetchText(
  url: string,
  init?: RequestInit & { client?: Deno.HttpClient },
): Promise<[number, string]> {
  const response = await fetch(url, init);
  return [response.status, await response.text()];
}

async function curl(url: string, caFile?: string): Promise<string> {
  const args = ["-sS", "--max-time", "20", url, url];
  if (caFile) args.unshift("--cacert", caFile);
  const out = await new Deno.Command("curl", { args, stdout: "piped", stderr: "piped" }).output();
  is(out.code, 0, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

async function nodeClient(url: string): Promise<{ status: number; body: string }[]> {
  const out = await new Deno.Command("node", {
    args: [fixture("node_client.cjs"), url],
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  is(out.code, 0, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trim().split("\n").map((line) => JSON.parse(line));
}

const servers: [string, () => Server, string][] = [
  ["node:http", () => createServer((req, res) => res.end(`node:http ${req.url}`)), "node:http /hello"],
  ["Hono through @hono/node-server", () => {
    const app = new Hono();
    app.get("/hello", (c) => c.text("hono"));
    return createServer(getRequestListener(app.fetch));
  }, "hono"],
  ["Express", () => {
    const app = express();
    app.get("/hello", (_req, res) => void res.send("express"));
    return createServer(app);
  }, "express"],
];

for (const [name, make, expected] of servers) {
  Deno.test(`${name} answers fetch, Node's http client and curl on acceptq's connections`, async () => {
    await withBridge(make(), "http", async (url) => {
      eq(await fetchText(url), [200, expected]);
      eq(await fetchText(url, { method: "GET", headers: { connection: "close" } }), [200, expected]);
      if (HAS_NODE) {
        eq(await nodeClient(url), [{ status: 200, body: expected }, { status: 200, body: expected }]);
      }
      if (HAS_CURL) is(await curl(url), expected + expected);
    });
  });
}

Deno.test("node:https (TLS) answers fetch and curl on acceptq's connections", async () => {
  const [key, cert, ca] = ["tls_key.pem", "tls_cert.pem", "tls_ca.pem"].map((f) =>
    Deno.readTextFileSync(fixture(f))
  );
  const server = createTlsServer({ key, cert }, (req, res) => res.end(`tls ${req.url}`)) as unknown as Server;
  const client = Deno.createHttpClient({ caCerts: [ca] });
  try {
    await withBridge(server, "https", async (url) => {
      eq(await fetchText(url, { client }), [200, "tls /hello"]);
      if (HAS_CURL) is(await curl(url, fixture("tls_ca.pem")), "tls /hellotls /hello");
    });
  } finally {
    client.close();
  }
});

Deno.test("a request body reaches the Node server and the socket reports the peer's address", async () => {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => body += chunk);
    req.on("end", () => res.end(`${req.socket.remoteAddress} ${body.length}`));
  });
  await withBridge(server, "http", async (url) => {
    eq(await fetchText(url, { method: "POST", body: "x".repeat(200_000) }), [200, "127.0.0.1 200000"]);
  });
});
