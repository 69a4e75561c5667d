/**
 * Lets an in-process client learn whether the in-process listener it connected
 * to admitted or refused it, so that `connect` can report exactly
 * WSAECONNREFUSED (SPEC L5) although the TCP handshake itself succeeded.
 *
 * The listener's pump announces each decision under the peer's address (the
 * client's local address); the client waits under the same key. Either may come
 * first. Decisions are kept only while some in-process connect is in flight, so
 * external clients leave nothing behind.
 *
 * @module
 */

/** Admission decisions, matched by the connecting side's address. */
export class LocalPeers {
  #decided = new Map<string, boolean>();
  #waiting = new Map<string, (admitted: boolean) => void>();
  #inFlight = 0;

  /** Whether any in-process connect is in flight (else decisions need not be announced). */
  get active(): boolean {
    return this.#inFlight > 0 || this.#waiting.size > 0;
  }

  /** A connect toward a local listener has started; pair with `end()`. */
  begin(): void {
    this.#inFlight++;
  }

  /** A connect toward a local listener has ended. */
  end(): void {
    if (--this.#inFlight === 0) this.#decided.clear();
  }

  /** The listener side decided about the connection from `peerKey`. */
  announce(peerKey: string, admitted: boolean): void {
    const waiter = this.#waiting.get(peerKey);
    if (waiter) {
      this.#waiting.delete(peerKey);
      waiter(admitted);
    } else if (this.#inFlight > 0) {
      this.#decided.set(peerKey, admitted);
    }
  }

  /**
   * Waits for the decision about the connection from `localKey`, at most
   * `timeoutMs` (then it counts as admitted: the listener is not ours after all,
   * or its pump has not reached the connection yet). When `signal` aborts (the
   * socket was closed, or its connect timed out) it stops waiting at once and
   * resolves false; the caller checks `signal` first.
   */
  decision(localKey: string, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    const known = this.#decided.get(localKey);
    if (known !== undefined) {
      this.#decided.delete(localKey);
      return Promise.resolve(known);
    }
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const settle = (admitted: boolean) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", aborted);
        this.#waiting.delete(localKey);
        resolve(admitted);
      };
      const timer = setTimeout(() => settle(true), timeoutMs);
      const aborted = () => settle(false);
      signal?.addEventListener("abort", aborted, { once: true });
      this.#waiting.set(localKey, settle);
    });
  }
}
