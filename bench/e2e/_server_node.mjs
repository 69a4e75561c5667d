/**
 * The Node server of the end-to-end accept benchmark (bench/e2e/accept_e2e.ts): a
 * `net.createServer` that treats each connection as the Deno servers of
 * bench/e2e/_server.ts do: read the request head (up to the blank line), write a
 * fixed tiny HTTP/1.1 response, close (`socket.end`).
 *
 * Protocol with the parent, as bench/e2e/_server.ts: one JSON line `{"port", "pid"}`
 * on stdout when listening; the stdin line `stats` prints a JSON line of counters;
 * at the end of stdin it prints them once more, closes the server and exits.
 *
 * Run: `node bench/e2e/_server_node.mjs --backlog 512`
 *
 * @module
 */

import net from "node:net";
import process from "node:process";
import readline from "node:readline";
import { parseArgs } from "node:util";

const RESPONSE = Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
const HEAD_END = Buffer.from("\r\n\r\n");

const { values } = parseArgs({
  options: { port: { type: "string", default: "0" }, backlog: { type: "string", default: "512" } },
});

const counters = { kind: "node", served: 0, failed: 0, listener: null };

const server = net.createServer((socket) => {
  let head = Buffer.alloc(0);
  let answered = false;
  socket.on("data", (chunk) => {
    if (answered) return;
    head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
    if (head.indexOf(HEAD_END, Math.max(0, head.length - chunk.length - 3)) >= 0) {
      answered = true;
      socket.end(RESPONSE, () => counters.served++);
    } else if (head.length > 4096) {
      socket.destroy();
    }
  });
  socket.on("error", () => {});
  socket.on("close", () => {
    if (!answered) counters.failed++;
  });
});

server.listen({ host: "127.0.0.1", port: Number(values.port), backlog: Number(values.backlog) }, () => {
  console.log(JSON.stringify({ port: server.address().port, pid: process.pid }));
});

const input = readline.createInterface({ input: process.stdin });
input.on("line", (line) => {
  if (line.trim() === "stats") console.log(JSON.stringify(counters));
});
input.on("close", () => {
  console.log(JSON.stringify(counters));
  server.close();
  process.exit(0);
});
