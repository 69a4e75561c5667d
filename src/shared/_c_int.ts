/**
 * C integer patterns. Code ported from C passes numbers as C holds them: a
 * `long` FIONBIO is -2147195266 (the signed reading of 0x8004667e), a `WORD`
 * version of -1 is 0xffff. Arguments that C declares as 32-bit (16-bit) types
 * are compared as bit patterns, so the same bits mean the same thing whichever
 * way the number was written. Numbers that are no such pattern (fractions, NaN,
 * values beyond the type's signed and unsigned ranges) are kept as they are: they
 * match no constant.
 *
 * @module
 */

/**
 * The signed 32-bit reading of `value` when it is an integer that fits 32 bits
 * (signed or unsigned): 0x8004667e and -2147195266 both give -2147195266.
 * Any other number is returned unchanged.
 */
export function int32(value: number): number {
  return Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 32 ? value | 0 : value;
}

/** The unsigned 16-bit reading of `value` (C's WORD) when it fits 16 bits signed or unsigned, else NaN. */
export function word(value: number): number {
  return Number.isInteger(value) && value >= -(2 ** 15) && value < 2 ** 16 ? value & 0xffff : NaN;
}
