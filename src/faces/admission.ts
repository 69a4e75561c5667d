/**
 * Admission control without sockets: the core's bounded queue used as a gate
 * for work that does not arrive through `accept` — for example the requests of a
 * `Deno.serve` handler on an edge runtime, which has no raw TCP. A request that
 * finds the gate full is refused at once (the handler answers 503 with
 * Retry-After) instead of queueing without bound.
 *
 * Each gate has a private WebAssembly core with one listening socket whose
 * backlog is the limit: entering admits a handle, leaving takes one (and frees
 * the descriptor the take allocates). The counters are the core's.
 *
 * @module
 */

import { instantiateCore } from "../core/_core.ts";
import { CoreLimits, type CoreOps, Profile, StatField } from "../core/_abi.ts";
import { WSA } from "../shared/errors.ts";

/** The gate's counters. */
export interface AdmissionStats {
  /** The most admitted at once. */
  limit: number;
  /** Admitted and not yet released. */
  inFlight: number;
  /** Admitted since the gate was made. */
  admitted: number;
  /** Refused because the gate was full. */
  refused: number;
  /** Released. */
  released: number;
  /** The most in flight at once so far. */
  highWater: number;
}

/** A place in the gate; `release()` gives it back (idempotent). */
export interface Ticket extends Disposable {
  /** Gives the place back. */
  release(): void;
}

/**
 * A bound on work in flight, refusing at once when full.
 *
 * @example Bounding concurrent jobs
 * ```ts
 * import { AdmissionGate } from "../../mod.ts";
 * const gate = new AdmissionGate({ limit: 2 });
 * const a = gate.tryEnter(), b = gate.tryEnter(), c = gate.tryEnter();
 * console.log(a !== undefined, b !== undefined, c === undefined); // true true true
 * a?.release();
 * console.log(gate.stats().inFlight, gate.stats().refused); // 1 1
 * ```
 */
export class AdmissionGate {
  #core: CoreOps;
  #socket: number;

  /** Makes a gate admitting at most `limit` (an integer in [1, 65535]) at once. */
  constructor(options: { limit: number }) {
    const limit = options?.limit;
    if (!Number.isInteger(limit) || limit < 1 || limit > CoreLimits.hintMax) {
      throw new RangeError(`limit must be an integer in [1, ${CoreLimits.hintMax}], got ${limit}`);
    }
    this.#core = instantiateCore();
    // Descriptors: the gate's socket, plus one that each release allocates and frees again.
    this.#core.init(2, 1 << Math.ceil(Math.log2(limit)));
    this.#core.configure(Profile.Winsock2, 1, CoreLimits.hintMax);
    const s = this.#core.socket(1);
    this.#core.bind(s);
    this.#core.listen(s, limit, Profile.Winsock2);
    this.#socket = s;
  }

  /** A ticket when there is room, or undefined (counted as refused) when the gate is full. */
  tryEnter(): Ticket | undefined {
    if (this.#core.admit(this.#socket, 0) === -WSA.WSAECONNREFUSED) return undefined;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.#core.close(this.#core.take(this.#socket));
    };
    return { release, [Symbol.dispose]: release };
  }

  /** The gate's counters. */
  stats(): AdmissionStats {
    const stat = (field: number) => this.#core.stat(this.#socket, field);
    return {
      limit: stat(StatField.Backlog),
      inFlight: stat(StatField.Queued),
      admitted: stat(StatField.Admitted),
      refused: stat(StatField.Refused),
      released: stat(StatField.Taken),
      highWater: stat(StatField.HighWater),
    };
  }
}

/** Options of {@link admissionControl}. */
export interface AdmissionControlOptions {
  /** The most requests in flight at once. */
  limit: number;
  /** The Retry-After of a refused request, in seconds. Default 1. */
  retryAfterSeconds?: number;
}

/**
 * A fetch handler with its gate attached (for stats). `Args` are what the
 * runtime passes after the request, handed on unchanged: `Deno.serve`'s `info`,
 * a Cloudflare Worker's `env` and `ctx`, nothing on Bun's `fetch`.
 */
export type GatedHandler<Args extends unknown[] = unknown[]> =
  & ((request: Request, ...args: Args) => Promise<Response>)
  & {
    /** The gate bounding this handler. */
    readonly gate: AdmissionGate;
  };

/**
 * Wraps a fetch handler (`Deno.serve`'s, a Worker's `fetch`, Bun's) so that at
 * most `limit` requests run at once; the others get 503 Service Unavailable
 * with Retry-After at once. A request's place is released when its handler
 * settles (its response body may still be streaming). Every argument after the
 * request is passed on to `handler` (annotate them to type them, for example
 * `(request, info: Deno.ServeHandlerInfo)` or `(request, env: Env, ctx: ExecutionContext)`).
 *
 * @example
 * ```ts
 * import { admissionControl } from "../../mod.ts";
 * const handler = admissionControl(() => new Response("ok"), { limit: 64 });
 * await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
 * const response = await fetch(`http://127.0.0.1:${server.addr.port}/`);
 * console.log(response.status, await response.text(), handler.gate.stats().admitted); // 200 "ok" 1
 * ```
 */
export function admissionControl<Args extends unknown[]>(
  handler: (request: Request, ...args: Args) => Response | Promise<Response>,
  options: AdmissionControlOptions,
): GatedHandler<Args> {
  if (typeof handler !== "function") throw new TypeError(`handler must be a function, got ${typeof handler}`);
  if (options === null || typeof options !== "object") {
    throw new TypeError("admissionControl needs its options: { limit, retryAfterSeconds? }");
  }
  const seconds = options.retryAfterSeconds ?? 1;
  if (typeof seconds !== "number") {
    throw new TypeError(`retryAfterSeconds must be a number, got ${typeof seconds}`);
  }
  if (!Number.isSafeInteger(seconds) || seconds < 0) {
    // HTTP's Retry-After is a whole number of seconds (RFC 9110, 10.2.3).
    throw new RangeError(`retryAfterSeconds must be a non-negative integer, got ${seconds}`);
  }
  const gate = new AdmissionGate({ limit: options.limit });
  const retryAfter = String(seconds);
  const gated = async (request: Request, ...args: Args): Promise<Response> => {
    const ticket = gate.tryEnter();
    if (!ticket) {
      return new Response("Service Unavailable: too many requests in flight\n", {
        status: 503,
        headers: { "Retry-After": retryAfter, "Content-Type": "text/plain" },
      });
    }
    try {
      return await handler(request, ...args);
    } finally {
      ticket.release();
    }
  };
  return Object.assign(gated, { gate });
}
