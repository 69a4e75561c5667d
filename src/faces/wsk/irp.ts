/**
 * IRP: the I/O request packet a WSK call completes, as in the Windows kernel.
 * A call returns an NTSTATUS at once; when that is STATUS_PENDING the IRP
 * completes later. Either way the IRP ends with its final `status` and
 * `information`, and `completion` resolves with the status (it never rejects).
 *
 * @module
 */

import { NTSTATUS } from "./ntstatus.ts";

/**
 * An I/O request packet. Allocate one per outstanding call (IoAllocateIrp); it
 * may be reused once it has completed.
 *
 * @example Awaiting a WSK call
 * ```ts
 * import { IRP } from "./irp.ts";
 * const irp = new IRP();
 * console.log(irp.pending); // false: not submitted yet
 * ```
 */
export class IRP {
  #status: number = NTSTATUS.STATUS_SUCCESS;
  #information: unknown = null;
  #pending = false;
  #completion: Promise<number> = Promise.resolve(NTSTATUS.STATUS_SUCCESS);
  #resolve: (status: number) => void = () => {};
  #cancel: (() => void) | undefined;

  /** IoStatus.Status: STATUS_PENDING while the call is in progress, then its final status. */
  get status(): number {
    return this.#status;
  }

  /** IoStatus.Information: the byte count of a send or receive, the WSK_SOCKET of WskSocket and WskAccept, else null. */
  get information(): unknown {
    return this.#information;
  }

  /** Whether a call is in progress on this IRP. */
  get pending(): boolean {
    return this.#pending;
  }

  /** Resolves with the final status of the current (or last) call. */
  get completion(): Promise<number> {
    return this.#completion;
  }

  /**
   * IoCancelIrp: asks the call in progress to stop; it completes with
   * STATUS_CANCELLED if it could still be cancelled. Returns whether a
   * cancellable call was in progress.
   */
  cancel(): boolean {
    if (!this.#pending || !this.#cancel) return false;
    this.#cancel();
    return true;
  }

  /** @internal Starts a call on this IRP; false when one is already in progress. */
  begin(cancel?: () => void): boolean {
    if (this.#pending) return false;
    this.#pending = true;
    this.#status = NTSTATUS.STATUS_PENDING;
    this.#information = null;
    this.#cancel = cancel;
    this.#completion = new Promise((resolve) => (this.#resolve = resolve));
    return true;
  }

  /** @internal Sets how a call in progress can be cancelled. */
  onCancel(cancel: () => void): void {
    this.#cancel = cancel;
  }

  /** @internal Completes the call in progress (IoCompleteRequest). */
  complete(status: number, information: unknown = null): void {
    if (!this.#pending) return;
    this.#pending = false;
    this.#cancel = undefined;
    this.#status = status;
    this.#information = information;
    this.#resolve(status);
  }
}
