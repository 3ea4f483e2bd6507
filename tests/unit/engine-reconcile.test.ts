/**
 * jsonEqual (provider/engine/reconcile.ts), the equality every diff and refresh uses: for every pair of JSON-like values
 * it says what comparing their sorted JSON serializations says (the rule it replaced), undefined members counting as
 * absent and member order not counting.
 */
import fc from "fast-check";
import { jsonEqual } from "../../provider/engine/reconcile";

/** The reference: JSON of copies with sorted keys (JSON itself drops undefined members and writes undefined elements as null). */
function sortedJson(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sort) : v !== null && typeof v === "object" ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => [k, sort(x)])) : v;
  return JSON.stringify(sort(value)) ?? "undefined";
}

// Small alphabets, so that generated pairs are often equal or nearly so.
const key = fc.constantFrom("a", "b", "name", "tags", "x");
const leaf = fc.oneof(fc.constantFrom(null, undefined, true, false, 0, 1, -1, 1.5, "", "a", "b", "0"));
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, fc.array(tie("v"), { maxLength: 3 }), fc.dictionary(key, tie("v"), { maxKeys: 4 })),
})).v;

/** The same value rebuilt with members in another order and undefined members added or dropped. */
const variant = (v: unknown, seed: number): unknown => {
  if (Array.isArray(v)) return v.map((x, i) => variant(x, seed + i));
  if (v === null || typeof v !== "object") return v;
  const entries = Object.entries(v).filter(([, x]) => !(x === undefined && seed % 2 === 0));
  if (seed % 3 === 0) entries.reverse();
  const out: Record<string, unknown> = Object.fromEntries(entries.map(([k, x]) => [k, variant(x, seed + 1)]));
  if (seed % 5 === 0) out.extraUndefined = undefined;
  return out;
};

describe("jsonEqual", () => {
  test("agrees with comparing sorted JSON, for generated pairs (2,000 runs)", () => {
    fc.assert(
      fc.property(value, value, (a, b) => {
        expect(jsonEqual(a, b)).toBe(sortedJson(a) === sortedJson(b));
      }),
      { numRuns: 2000 },
    );
  });

  test("a value equals itself reordered, with undefined members added or dropped (2,000 runs)", () => {
    fc.assert(
      fc.property(value, fc.nat(1000), (a, seed) => {
        expect(jsonEqual(a, variant(a, seed))).toBe(true);
        expect(sortedJson(a)).toBe(sortedJson(variant(a, seed)));
      }),
      { numRuns: 2000 },
    );
  });

  test.each([
    ["an undefined member is an absent one", { a: 1 }, { a: 1, b: undefined }, true],
    ["a null member is not an absent one", { a: 1 }, { a: 1, b: null }, false],
    ["an undefined element is null", [1, undefined], [1, null], true],
    ["arrays of different lengths", [1], [1, null], false],
    ["an object is not an array", {}, [], false],
    ["a string is not a number", "1", 1, false],
    ["nested equal values", { a: { b: [1, { c: 2 }] } }, { a: { b: [1, { c: 2 }] } }, true],
  ] as const)("%s", (_name, a, b, same) => {
    expect(jsonEqual(a, b)).toBe(same);
    expect(jsonEqual(b, a)).toBe(same);
  });
});
