/**
 * Ending transport objects whose failure nobody can be told of. A close or a
 * reset that throws (a custom transport's, or a resource already gone) must not
 * skip the rest of a cleanup (closesocket has already freed the descriptor) nor
 * stop the accept pump deciding connections: the object is given up either way,
 * so its error is dropped on purpose.
 *
 * @module
 */

/** Closes `it` (if any); an error it throws is dropped. */
export function closeQuietly(it: { close(): void } | undefined): void {
  try {
    it?.close();
  } catch {
    // Given up either way: see the module comment.
  }
}

/** Resets `it` (if any); an error it throws is dropped. */
export function resetQuietly(it: { reset(): void } | undefined): void {
  try {
    it?.reset();
  } catch {
    // Given up either way: see the module comment.
  }
}
