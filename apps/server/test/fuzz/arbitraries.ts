import { IdSchema, MAX_ID } from "@hestia/contracts";
import fc from "fast-check";
import type { z } from "zod";

/** Zod's internal description of a schema (zod 4), enough to build values of its shape. */
interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
  entries?: Record<string, string | number>;
  values?: unknown[];
  valueType?: z.ZodType;
  items?: z.ZodType[];
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** `{"a":{"a":...}}` or `[[[...]]]` at a depth past the server's limit of 32. */
export function deeplyNested(maxDepth: number): fc.Arbitrary<unknown> {
  return fc.tuple(fc.integer({ min: 33, max: maxDepth }), fc.boolean()).map(([depth, arrays]) => {
    let value: unknown = arrays ? [] : {};
    for (let i = 1; i < depth; i++) value = arrays ? [value] : { a: value };
    return value;
  });
}

/** Values no endpoint wants: wrong types, odd numbers and id lookalikes, deep nesting, huge strings. */
export function garbage(options: { maxDepth: number; hugeStrings: boolean }): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.anything({ maxDepth: 3, maxKeys: 5, withNullPrototype: true }) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        null,
        true,
        false,
        0,
        -1,
        1.5,
        2 ** 31,
        Number.MAX_SAFE_INTEGER,
        1e308,
        "",
        " ",
        "0x1a",
        "1e3",
        "26e0",
        "1.0",
        "01",
        "-1",
        "1234567890123456",
        "null",
        "{}",
        "../../etc/passwd",
        "%00",
        "\u0000",
        "💥".repeat(50),
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        [],
        {},
        { __proto__: { admin: true } },
        { constructor: { prototype: { polluted: true } } },
      ),
    },
    { weight: 1, arbitrary: deeplyNested(options.maxDepth) },
    {
      weight: options.hugeStrings ? 1 : 0,
      arbitrary: fc.integer({ min: 10_000, max: 600_000 }).map((length) => "x".repeat(length)),
    },
  );
}

/** Strings for a string schema: mostly within its length bounds, with a few well-formed values of common formats. */
function stringValues(schema: z.ZodString): fc.Arbitrary<string> {
  const { minLength, maxLength, format } = schema as unknown as {
    minLength: number | null;
    maxLength: number | null;
    format: string | null;
  };
  const min = minLength ?? 0;
  const max = Math.min(maxLength ?? 64, Math.max(min, 64));
  const formatted: Record<string, fc.Arbitrary<string>> = {
    url: fc.webUrl(),
    base64: fc.base64String({ maxLength: 64 }),
    datetime: fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
    email: fc.emailAddress(),
  };
  const known = format ? formatted[format] : undefined;
  const plain = fc.string({ minLength: min, maxLength: max, unit: "grapheme" });
  return known ? fc.oneof(known, plain) : plain;
}

/**
 * Values of the schema's shape, mostly valid (ids drawn from `ids`, which the test made real, or any id).
 * Unknown kinds of schema give anything at all.
 */
export function fromSchema(schema: z.ZodType, ids: number[]): fc.Arbitrary<unknown> {
  if (schema === (IdSchema as unknown as z.ZodType)) {
    return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...ids) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: MAX_ID }) });
  }
  const def = defOf(schema);
  const inner = (child: z.ZodType | undefined) => (child ? fromSchema(child, ids) : fc.anything());
  switch (def.type) {
    case "object": {
      const shape = def.shape ?? {};
      return fc.record(Object.fromEntries(Object.entries(shape).map(([key, child]) => [key, fromSchema(child, ids)])), {
        requiredKeys: Object.keys(shape).filter((key) => {
          const child = shape[key];
          return child !== undefined && !["optional", "default", "prefault"].includes(defOf(child).type);
        }),
      });
    }
    case "string":
      return stringValues(schema as z.ZodString);
    case "number": {
      const { minValue, maxValue, isInt } = schema as unknown as { minValue: number | null; maxValue: number | null; isInt: boolean };
      const bounds = {
        min: Math.max(minValue ?? -1_000_000, -1_000_000_000),
        max: Math.min(maxValue ?? 1_000_000, 1_000_000_000),
      };
      return isInt ? fc.integer(bounds) : fc.double({ ...bounds, noNaN: true });
    }
    case "boolean":
      return fc.boolean();
    case "enum":
      return fc.constantFrom(...Object.values(def.entries ?? { none: "none" }));
    case "literal":
      return fc.constantFrom(...(def.values ?? [null]));
    case "optional":
      return fc.option(inner(def.innerType), { nil: undefined });
    case "nullable":
      return fc.option(inner(def.innerType), { nil: null });
    case "default":
    case "prefault":
    case "readonly":
    case "catch":
    case "nonoptional":
      return inner(def.innerType);
    case "array":
      return fc.array(inner(def.element), { maxLength: 5 });
    case "tuple":
      return fc.tuple(...(def.items ?? []).map((item) => fromSchema(item, ids)));
    case "union":
      return fc.oneof(...(def.options ?? []).map((option) => fromSchema(option, ids)));
    case "pipe":
      return inner(def.in);
    case "record":
      return fc.dictionary(fc.string({ maxLength: 10 }), inner(def.valueType), { maxKeys: 4 });
    case "void":
    case "undefined":
      return fc.constant(undefined);
    case "null":
      return fc.constant(null);
    default:
      return fc.anything({ maxDepth: 2 });
  }
}

/** A valid-shaped value with one field replaced by garbage, removed, or joined by an unknown one. */
function mutated(valid: fc.Arbitrary<unknown>, junk: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(valid, junk, fc.nat(), fc.constantFrom("replace", "remove", "add")).map(([value, bad, pick, how]) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return bad;
    const copy: Record<string, unknown> = { ...value };
    const keys = Object.keys(copy);
    const key = keys.length ? (keys[pick % keys.length] ?? "extra") : "extra";
    if (how === "remove") delete copy[key];
    else copy[how === "add" ? `extra${pick % 3}` : key] = bad;
    return copy;
  });
}

/** What the fuzz test sends for a schema: valid-shaped, mutated and garbage values. */
export function inputs(schema: z.ZodType, ids: number[], options: { maxDepth: number; hugeStrings: boolean }): fc.Arbitrary<unknown> {
  const valid = fromSchema(schema, ids);
  const junk = garbage(options);
  return fc.oneof({ weight: 4, arbitrary: valid }, { weight: 4, arbitrary: mutated(valid, junk) }, { weight: 2, arbitrary: junk });
}
