/**
 * A transport wrapper for fault injection: it forwards to a real transport (TCP
 * or memory) and makes chosen calls fail on demand, as the OS makes them fail.
 *
 * - `failNext(op, fault, times)`: the next `times` calls of `op` ("accept",
 *   "connect", "read", "write", "close") fail with `fault`: "EMFILE" and
 *   "ENFILE" (a plain Error with that `code`, as Deno reports descriptor
 *   exhaustion), "ECONNRESET" (Deno.errors.ConnectionReset), "EADDRINUSE"
 *   (Deno.errors.AddrInUse), "hang" (the call never answers until its object is
 *   closed or its connect aborted; it then rejects as the transport contract
 *   says), or any Error. A failing `close` throws, after really closing (the OS
 *   released the descriptor but the call reported an error). A failing `accept`
 *   leaves the arriving connection queued in the inner transport, as the OS
 *   leaves it in its queue.
 * - `kill()` makes every endpoint die underneath (its pending and later accepts
 *   reject with WSAENETDOWN), as a listener whose OS socket vanished would.
 * - `commitDelayMs` makes `listen` commit asynchronously, after that delay;
 *   `commitFails` makes that commit fail with WSAEADDRINUSE.
 *
 * `injected(op)` counts the faults delivered so far; `hanging()` counts hung
 * calls not yet released.
 */

import { WinsockError, WSA } from "../src/shared/errors.ts";
import type { SockAddr } from "../src/shared/_sockaddr.ts";
import type { Endpoint, StreamConn, Transport } from "../src/transports/transport.ts";

/** A transport call that can be made to fail. */
export type FaultOp = "accept" | "connect" | "read" | "write" | "close";

/** How a call fails. */
export type Fault = "EMFILE" | "ENFILE" | "ECONNRESET" | "EADDRINUSE" | "hang" | Error;

/** The error Deno gives for `fault` (not for "hang"). */
export function denoError(fault: Exclude<Fault, "hang">): Error {
  if (fault instanceof Error) return fault;
  switch (fault) {
    case "EMFILE":
      // Deno 2.9: TcpListener.accept() out of descriptors is a plain Error, not a Deno.errors class.
      return Object.assign(new Error("Too many open files (os error 24)"), { code: "EMFILE" });
    case "ENFILE":
      return Object.assign(new Error("Too many open files in system (os error 23)"), { code: "ENFILE" });
    case "ECONNRESET":
      return Object.assign(new Deno.errors.ConnectionReset("Connection reset by peer (os error 104)"), {
        code: "ECONNRESET",
      });
    case "EADDRINUSE":
      return Object.assign(new Deno.errors.AddrInUse("Address already in use (os error 98)"), {
        code: "EADDRINUSE",
      });
  }
}

export class FaultyTransport implements Transport {
  readonly name = "faulty";
  #inner: Transport;
  #kills = new Set<() => void>();
  #plan: Record<FaultOp, Fault[]> = { accept: [], connect: [], read: [], write: [], close: [] };
  #injected: Record<FaultOp, number> = { accept: 0, connect: 0, read: 0, write: 0, close: 0 };
  #hanging = 0;

  #commitDelayMs: number | undefined;
  #commitFails: boolean;

  constructor(inner: Transport, options: { commitDelayMs?: number; commitFails?: boolean } = {}) {
    this.#inner = inner;
    this.#commitDelayMs = options.commitDelayMs;
    this.#commitFails = options.commitFails ?? false;
  }

  /** The next `times` calls of `op` fail with `fault` (after any faults already planned). */
  failNext(op: FaultOp, fault: Fault, times = 1): void {
    for (let i = 0; i < times; i++) this.#plan[op].push(fault);
  }

  /** Forgets the faults planned and not yet delivered. */
  clearFaults(): void {
    for (const op of Object.keys(this.#plan) as FaultOp[]) this.#plan[op].length = 0;
  }

  /** How many faults of `op` were delivered. */
  injected(op: FaultOp): number {
    return this.#injected[op];
  }

  /** Hung calls not yet released by a close or an abort. */
  hanging(): number {
    return this.#hanging;
  }

  #take(op: FaultOp): Fault | undefined {
    const fault = this.#plan[op].shift();
    if (fault !== undefined) this.#injected[op]++;
    return fault;
  }

  /**
   * A hung call: settles only when `release` is called (by a close or an
   * abort), rejecting with `error()`. Returns the promise and the releaser.
   */
  #hang<T>(error: () => Error): { promise: Promise<T>; release: () => void } {
    this.#hanging++;
    let release = () => {};
    const promise = new Promise<T>((_, reject) => {
      let done = false;
      release = () => {
        if (done) return;
        done = true;
        this.#hanging--;
        reject(error());
      };
    });
    return { promise, release };
  }

  bind(addr: SockAddr): Endpoint {
    const inner = this.#inner.bind(addr);
    let dead = false;
    let killPending: (() => void) | undefined;
    let releaseHang: (() => void) | undefined;
    const kill = () => {
      dead = true;
      killPending?.();
    };
    this.#kills.add(kill);
    const died = () => new WinsockError(WSA.WSAENETDOWN, "fault injected: the endpoint died");
    const closed = () => new WinsockError(WSA.WSAEINTR, "the endpoint was closed");
    return {
      local: inner.local,
      accept: () => {
        if (dead) return Promise.reject(died());
        const fault = this.#take("accept");
        if (fault === "hang") {
          const { promise, release } = this.#hang<StreamConn>(closed);
          releaseHang = release;
          return promise;
        }
        if (fault !== undefined) return Promise.reject(denoError(fault));
        return new Promise<StreamConn>((resolve, reject) => {
          killPending = () => reject(died());
          inner.accept().then((conn) => resolve(this.#wrap(conn)), reject);
        });
      },
      listen: (backlog) => {
        const committed = inner.listen(backlog);
        if (this.#commitDelayMs === undefined) return committed;
        return new Promise<void>((resolve, reject) =>
          setTimeout(() => {
            if (this.#commitFails) {
              reject(new WinsockError(WSA.WSAEADDRINUSE, "fault injected: the address was lost"));
            } else Promise.resolve(committed).then(resolve, reject);
          }, this.#commitDelayMs)
        );
      },
      close: () => {
        this.#kills.delete(kill);
        inner.close();
        releaseHang?.();
      },
      setRef: inner.setRef?.bind(inner),
    };
  }

  connect(to: SockAddr, signal: AbortSignal): Promise<StreamConn> {
    const fault = this.#take("connect");
    if (fault === "hang") {
      const { promise, release } = this.#hang<StreamConn>(() =>
        new WinsockError(WSA.WSAETIMEDOUT, "connect timed out")
      );
      if (signal.aborted) release();
      else signal.addEventListener("abort", release, { once: true });
      return promise;
    }
    if (fault !== undefined) return Promise.reject(denoError(fault));
    return this.#inner.connect(to, signal).then((conn) => this.#wrap(conn));
  }

  /** `conn` with its read, write and close failing as planned. */
  #wrap(conn: StreamConn): StreamConn {
    const releases = new Set<() => void>();
    const closedWhileWaiting = () => new WinsockError(WSA.WSAEINTR, "the connection was closed");
    const io = <T>(op: "read" | "write", call: () => Promise<T>): Promise<T> => {
      const fault = this.#take(op);
      if (fault === "hang") {
        const { promise, release } = this.#hang<T>(closedWhileWaiting);
        releases.add(release);
        return promise;
      }
      if (fault !== undefined) return Promise.reject(denoError(fault));
      return call();
    };
    const releaseAll = () => {
      for (const release of releases) release();
      releases.clear();
    };
    const ending = (end: () => void) => () => {
      end();
      releaseAll();
      const fault = this.#take("close");
      if (fault !== undefined && fault !== "hang") throw denoError(fault);
    };
    return {
      get local() {
        return conn.local;
      },
      get remote() {
        return conn.remote;
      },
      read: (buf) => io("read", () => conn.read(buf)),
      write: (data) => io("write", () => conn.write(data)),
      close: ending(() => conn.close()),
      reset: ending(() => conn.reset()),
      closeWrite: conn.closeWrite?.bind(conn),
      available: conn.available?.bind(conn),
      setRef: conn.setRef?.bind(conn),
    };
  }

  live(): number {
    return this.#inner.live();
  }

  /** Every endpoint dies now. */
  kill(): void {
    for (const kill of this.#kills) kill();
  }
}
