// The provider's record table (src/provider/_records.ts): a sparse set by descriptor that
// stays correct when two live descriptors share a slot, and holds nothing it no longer needs.
import { deepStrictEqual as eq, strictEqual as is } from "node:assert/strict";
import { RecordTable } from "../../src/provider/_records.ts";

const sorted = (pairs: [number, string][]) => [...pairs].sort((a, b) => a[0] - b[0]);

Deno.test("records are found by descriptor, replaced, deleted, and the rest stay found", () => {
  const table = new RecordTable<string>(8);
  for (const s of [1, 2, 3, 4]) table.set(s, `r${s}`);
  table.set(3, "r3'");
  is(table.size, 4);
  is(table.get(3), "r3'");
  is(table.delete(1), true); // not the last: the last record moves into its place
  is(table.delete(1), false);
  is(table.get(1), undefined);
  is(table.has(1), false);
  eq([table.get(2), table.get(3), table.get(4)], ["r2", "r3'", "r4"]);
  eq(sorted(table.entries()), [[2, "r2"], [3, "r3'"], [4, "r4"]]);
  for (const s of [2, 3, 4]) is(table.delete(s), true);
  is(table.size, 0);
  eq(table.entries(), []);
});

Deno.test("descriptors sharing a slot (another generation) are kept apart", () => {
  const table = new RecordTable<string>(4); // slot = s & 3
  table.set(1, "a");
  table.set(5, "b"); // slot 1 again: overflow
  table.set(9, "c"); // and again
  is(table.size, 3);
  eq([table.get(1), table.get(5), table.get(9), table.get(13)], ["a", "b", "c", undefined]);
  is(table.delete(1), true); // the slot is free: one of the others takes it
  eq([table.get(1), table.get(5), table.get(9)], [undefined, "b", "c"]);
  is(table.delete(9), true);
  is(table.delete(5), true);
  is(table.size, 0);
  table.set(13, "d");
  eq(sorted(table.entries()), [[13, "d"]]);
  eq(table.values(), ["d"]);
});

Deno.test("entries() is a snapshot: deleting while iterating visits every record once", () => {
  const table = new RecordTable<string>(16);
  for (let s = 1; s <= 10; s++) table.set(s, `r${s}`);
  const seen: number[] = [];
  for (const [s] of table.entries()) {
    seen.push(s);
    table.delete(s);
  }
  eq(seen.sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  is(table.size, 0);
});
