/**
 * A fetch-style handler (`(Request, info) => Response`) as a `node:http`
 * request listener: the fallback engine of `serve` when Deno's own HTTP
 * engine cannot take a connection (the in-memory network, or a Deno without
 * the internal entry point).
 *
 * @module
 */

import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";

/** A fetch-style HTTP handler, as `Deno.serve` takes. */
export type ServeHandler = (
  request: Request,
  info: Deno.ServeHandlerInfo<Deno.NetAddr>,
) => Response | Promise<Response>;

/** What to answer when the handler throws. */
export type ErrorHandler = (error: unknown) => Response | Promise<Response>;

/** Answers 500 and logs the error, as `Deno.serve` does by default. */
export function defaultOnError(error: unknown): Response {
  console.error(error);
  return new Response("Internal Server Error", { status: 500 });
}

/** `handler` as a node:http request listener. */
export function nodeRequestListener(
  handler: ServeHandler,
  onError: ErrorHandler,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => void respond(handler, onError, req, res);
}

async function respond(
  handler: ServeHandler,
  onError: ErrorHandler,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const aborted = new AbortController();
  const completed = new Promise<void>((resolve) => res.once("close", resolve));
  res.once("close", () => {
    if (!res.writableFinished) aborted.abort(); // the client went away before the response was sent
  });
  const socket = req.socket;
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  const request = new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, {
    method,
    headers,
    body: hasBody ? Readable.toWeb(req) as ReadableStream<Uint8Array> : undefined,
    signal: aborted.signal,
    // @ts-ignore: `duplex` is required by fetch for a streamed body but missing from RequestInit's type.
    duplex: "half",
  });
  const remoteAddr: Deno.NetAddr = {
    transport: "tcp",
    hostname: socket.remoteAddress ?? "",
    port: socket.remotePort ?? 0,
  };
  let response: Response;
  try {
    response = await handler(request, { remoteAddr, completed });
  } catch (error) {
    response = await onError(error);
  }
  res.statusCode = response.status;
  if (response.statusText) res.statusMessage = response.statusText;
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie") res.setHeader(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  if (!response.body || method === "HEAD") {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  try {
    // A body that is whole at once (the common case: a string or bytes) goes out with its
    // length in one write; a streamed one chunk by chunk.
    const first = await reader.read();
    if (first.done) {
      res.end();
      return;
    }
    const next = reader.read();
    const soon = await Promise.race([
      next,
      new Promise<"later">((resolve) => setTimeout(() => resolve("later"), 0)),
    ]);
    if (soon !== "later" && soon.done) {
      res.end(first.value);
      return;
    }
    res.write(first.value);
    for (let step = await next; !step.done; step = await reader.read()) {
      if (!res.write(step.value)) await new Promise((resolve) => res.once("drain", resolve));
      if (res.destroyed) {
        await reader.cancel().catch(() => {}); // the client went away: stop the body's source
        return;
      }
    }
    res.end();
  } catch {
    res.destroy();
  }
}
