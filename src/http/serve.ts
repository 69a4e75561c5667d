/**
 * `serve(options, handler)`: an HTTP server behind acceptq's accept queue, as
 * `Deno.serve` is behind the OS's. At most `backlog` connections wait; the
 * next ones are refused at once, by default with `503 Service Unavailable` and
 * `Retry-After`; at most `maxConnections` are served at once.
 *
 * Engine: Deno's own HTTP engine (hyper, the one `Deno.serve` uses) through
 * `Deno[Deno.internal].serveHttpOnConnection` when this Deno has it and the
 * connection is a real socket; otherwise node:http over the connection
 * (`NodeSocket`). Measured (bench/http/http_bench.ts): keep-alive ~0.9-1.0x
 * `Deno.serve`, node:http on acceptq's connections several times slower.
 *
 * @module
 */

import { createServer, type Server } from "node:http";
import { type Connection, listen, type Listener, type ListenOptions } from "../faces/listener.ts";
import type { ListenerStats } from "../provider/provider.ts";
import type { Refusal } from "../provider/refusal.ts";
import { WinsockError } from "../shared/errors.ts";
import { denoEngine, serveWithDeno } from "./_deno_engine.ts";
import {
  defaultOnError,
  type ErrorHandler,
  nodeRequestListener,
  type ServeHandler,
} from "./_fetch_over_node.ts";
import { NodeSocket } from "./node_socket.ts";
import { markListening } from "./emit_connections.ts";
import { refuseWith503 } from "./refuse_503.ts";
import type { HistogramSnapshot } from "../shared/histogram.ts";

export type { ErrorHandler, ServeHandler };

/** Options of {@link serve}. */
export interface ServeOptions extends Omit<ListenOptions, "refusal" | "hostname"> {
  /** The IP literal to listen on. Default "0.0.0.0", as Deno.serve. */
  hostname?: string;
  /**
   * How a connection refused because the queue is full is answered: `"503"`
   * (the default: `503 Service Unavailable` with `Retry-After`), `"reset"`,
   * `"close"`, or a refusal handler.
   */
  refusal?: "503" | Refusal;
  /** Retry-After of the 503, in seconds. Default 1. */
  retryAfterSeconds?: number;
  /**
   * The most connections served at once (open, accepted); more wait in the
   * queue (up to `backlog`, then they are refused). Default: no limit.
   */
  maxConnections?: number;
  /** "auto" (default): Deno's engine when available, else node:http. "node" forces node:http. */
  engine?: "auto" | "node";
  /** Called once listening, with the address. Default: nothing is printed. */
  onListen?: (addr: Deno.NetAddr) => void;
  /** The response when the handler throws. Default: 500, and the error is logged. */
  onError?: ErrorHandler;
}

/** The server's counters: the listener's, and the connections being served. */
export interface ServeStats extends ListenerStats {
  /** Connections accepted and not yet ended. */
  open: number;
  /** The cap on open connections (Infinity when none). */
  maxConnections: number;
  /** Connections served by Deno's engine and by node:http. */
  servedBy: { deno: number; node: number };
}

/** A running server. */
export interface HttpServer extends AsyncDisposable {
  /** The address listened on. */
  readonly addr: Deno.NetAddr;
  /** The listener underneath (its `stats()`, its descriptor). */
  readonly listener: Listener;
  /** Resolves when the server has shut down and every connection has ended. */
  readonly finished: Promise<void>;
  /** Stops accepting, lets the requests in flight finish, and resolves when every connection has ended. */
  shutdown(): Promise<void>;
  /** The counters. */
  stats(): ServeStats;
  /** The time connections waited in the accept queue, in seconds (the listener's histogram). */
  queueTime(): HistogramSnapshot;
}

/**
 * Serves `handler` on `hostname:port` behind a bounded accept queue.
 *
 * @example
 * ```ts
 * import { serve } from "../../http.ts";
 * await using server = serve({ hostname: "127.0.0.1", port: 0, backlog: 64 }, () => new Response("hi"));
 * const response = await fetch(`http://127.0.0.1:${server.addr.port}/`);
 * console.log(await response.text(), server.stats().accepted); // "hi" 1
 * ```
 */
export function serve(options: ServeOptions, handler: ServeHandler): HttpServer {
  if (typeof handler !== "function") throw new TypeError("handler must be a function");
  const maxConnections = options.maxConnections ?? Infinity;
  if (maxConnections !== Infinity && (!Number.isInteger(maxConnections) || maxConnections < 1)) {
    throw new RangeError(`maxConnections must be an integer >= 1, got ${maxConnections}`);
  }
  const onError = options.onError ?? defaultOnError;
  const listener = listen({ ...options, refusal: refusalOf(options) });
  const server = new Served(listener, handler, onError, maxConnections, options.engine ?? "auto");
  options.signal?.addEventListener("abort", () => void server.shutdown(), { once: true });
  options.onListen?.(listener.addr);
  return server;
}

function refusalOf(options: ServeOptions): Refusal {
  const form = options.refusal ?? "503";
  return form === "503" ? refuseWith503({ retryAfterSeconds: options.retryAfterSeconds }) : form;
}

class Served implements HttpServer {
  readonly addr: Deno.NetAddr;
  readonly listener: Listener;
  readonly finished: Promise<void>;
  #handler: ServeHandler;
  #onError: ErrorHandler;
  #max: number;
  #engine = denoEngine();
  #node: Server | undefined;
  /** Connections being served, each with its graceful end (none for node:http's: the server ends those). */
  #open = new Map<Promise<void>, (() => Promise<void>) | undefined>();
  #servedBy = { deno: 0, node: 0 };
  #slotFreed: (() => void) | undefined;

  constructor(listener: Listener, handler: ServeHandler, onError: ErrorHandler, max: number, engine: string) {
    this.listener = listener;
    this.addr = listener.addr;
    this.#handler = handler;
    this.#onError = onError;
    this.#max = max;
    if (engine === "node") this.#engine = undefined;
    this.finished = this.#acceptLoop().then(() => this.#drain());
  }

  async #acceptLoop(): Promise<void> {
    while (!this.listener.closed) {
      if (this.#open.size >= this.#max) {
        await new Promise<void>((resolve) => this.#slotFreed = resolve);
        continue;
      }
      let conn: Connection;
      try {
        conn = await this.listener.accept();
      } catch (error) {
        if (this.listener.closed) return;
        // WSAEMFILE (the descriptor table is full): the connection stays queued; try again shortly.
        if (error instanceof WinsockError) await new Promise((resolve) => setTimeout(resolve, 20));
        else throw error;
        continue;
      }
      const { finished, shutdown } = this.#serve(conn);
      const ended = finished.finally(() => {
        this.#open.delete(ended);
        const freed = this.#slotFreed;
        this.#slotFreed = undefined;
        freed?.();
      });
      this.#open.set(ended, shutdown);
    }
  }

  #serve(conn: Connection): { finished: Promise<void>; shutdown?: () => Promise<void> } {
    if (this.#engine) {
      const raw = conn.detach();
      if (raw) {
        const served = serveWithDeno(this.#engine, raw, this.#handler, this.#onError);
        if (served) {
          this.#servedBy.deno++;
          return served;
        }
        this.#engine = undefined; // it threw: node:http from now on, this connection included
        return { finished: this.#serveNode(raw as Deno.Conn<Deno.NetAddr>) }; // detached from a TCP connection
      }
    }
    return { finished: this.#serveNode(conn) };
  }

  #serveNode(conn: Deno.Conn<Deno.NetAddr>): Promise<void> {
    this.#servedBy.node++;
    if (!this.#node) {
      this.#node = createServer(nodeRequestListener(this.#handler, this.#onError));
      markListening(this.#node); // else node:http ends keep-alive connections after one response
    }
    const socket = new NodeSocket(conn);
    const ended = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    this.#node.emit("connection", socket);
    return ended;
  }

  async #drain(): Promise<void> {
    for (const shutdown of this.#open.values()) void shutdown?.();
    this.#node?.close();
    this.#node?.closeIdleConnections();
    await Promise.all(this.#open.keys());
  }

  shutdown(): Promise<void> {
    this.listener.close();
    this.#slotFreed?.();
    return this.finished;
  }

  stats(): ServeStats {
    return {
      ...this.listener.stats(),
      open: this.#open.size,
      maxConnections: this.#max,
      servedBy: { ...this.#servedBy },
    };
  }

  queueTime(): HistogramSnapshot {
    return this.listener.queueTime();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }
}
