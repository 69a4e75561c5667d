/**
 * A transport wrapper for fault injection: it forwards to a real transport, and
 * `kill()` makes every endpoint die underneath (its pending and later accepts
 * reject with WSAENETDOWN), as a listener whose OS socket vanished would.
 * `commitDelayMs` makes `listen` commit asynchronously, after that delay;
 * `commitFails` makes that commit fail with WSAEADDRINUSE.
 */

import { WinsockError, WSA } from "../src/shared/errors.ts";
import type { SockAddr } from "../src/shared/_sockaddr.ts";
import type { Endpoint, StreamConn, Transport } from "../src/transports/transport.ts";

export class FaultyTransport implements Transport {
  readonly name = "faulty";
  #inner: Transport;
  #kills = new Set<() => void>();

  #commitDelayMs: number | undefined;
  #commitFails: boolean;

  constructor(inner: Transport, options: { commitDelayMs?: number; commitFails?: boolean } = {}) {
    this.#inner = inner;
    this.#commitDelayMs = options.commitDelayMs;
    this.#commitFails = options.commitFails ?? false;
  }

  bind(addr: SockAddr): Endpoint {
    const inner = this.#inner.bind(addr);
    let dead = false;
    let killPending: (() => void) | undefined;
    const kill = () => {
      dead = true;
      killPending?.();
    };
    this.#kills.add(kill);
    const died = () => new WinsockError(WSA.WSAENETDOWN, "fault injected: the endpoint died");
    return {
      local: inner.local,
      accept: () => {
        if (dead) return Promise.reject(died());
        return new Promise<StreamConn>((resolve, reject) => {
          killPending = () => reject(died());
          inner.accept().then(resolve, reject);
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
      },
    };
  }

  connect(to: SockAddr, signal: AbortSignal): Promise<StreamConn> {
    return this.#inner.connect(to, signal);
  }

  live(): number {
    return this.#inner.live();
  }

  /** Every endpoint dies now. */
  kill(): void {
    for (const kill of this.#kills) kill();
  }
}
