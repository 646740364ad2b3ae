import fc from 'fast-check';
import type { z } from 'zod';

/** Where generated ids come from: mostly real ones, so requests reach real objects, sometimes random. */
export interface ArbitraryHints {
  ids: readonly string[];
}

interface Check {
  check: string;
  minimum?: number;
  maximum?: number;
  value?: number | bigint;
  inclusive?: boolean;
  format?: string;
  pattern?: RegExp;
}

interface Def {
  type: string;
  checks?: Array<{ _zod: { def: Check } }>;
  format?: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, string | number>;
  values?: unknown[];
  element?: z.ZodType;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
}

/** A part a schema's kind always has; its absence means zod's internals changed under us. */
function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`zod schema without ${what}`);
  return value;
}

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;
const checksOf = (def: Def) => (def.checks ?? []).map((c) => c._zod.def);

function stringArbitrary(def: Def, hints: ArbitraryHints): fc.Arbitrary<string> {
  const checks = checksOf(def);
  const format = def.format ?? checks.find((c) => c.check === 'string_format')?.format;
  if (format === 'uuid') return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...hints.ids) }, fc.uuid());
  if (format === 'email') return fc.emailAddress().map((e) => e.slice(0, 254));
  if (format === 'datetime') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  if (format === 'url') return fc.webUrl();
  const min = checks.find((c) => c.check === 'min_length')?.minimum ?? 0;
  const max = checks.find((c) => c.check === 'max_length')?.maximum ?? 200;
  const pattern = checks.find((c) => c.check === 'string_format' && c.format === 'regex')?.pattern;
  if (pattern) {
    return fc.stringMatching(pattern).filter((s) => s.length >= min && s.length <= max);
  }
  // Mostly short, sometimes at the limit: boundaries are where validation goes wrong.
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc.string({ minLength: min, maxLength: Math.min(max, Math.max(min, 40)), unit: 'grapheme' }),
    },
    // Any code point, control characters and lone surrogates included: still a string of the right length.
    {
      weight: 1,
      arbitrary: fc.string({ minLength: min, maxLength: Math.min(max, Math.max(min, 20)), unit: 'binary' }),
    },
    { weight: 1, arbitrary: fc.constant('x'.repeat(max)) },
    { weight: 1, arbitrary: fc.constant('x'.repeat(Math.max(min, 1))) },
  );
}

function numberArbitrary(def: Def): fc.Arbitrary<number> {
  const checks = checksOf(def);
  const lower = checks.find((c) => c.check === 'greater_than');
  const upper = checks.find((c) => c.check === 'less_than');
  const integer = def.format === 'safeint' || checks.some((c) => c.check === 'number_format');
  const min = lower ? Number(lower.value) + (lower.inclusive || !integer ? 0 : 1) : -1_000_000;
  const max = upper ? Number(upper.value) - (upper.inclusive || !integer ? 0 : 1) : 1_000_000;
  if (integer) {
    return fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min, max: Math.min(max, min + 1000) }) },
      { weight: 1, arbitrary: fc.constantFrom(min, max) },
      { weight: 1, arbitrary: fc.integer({ min, max }) },
    );
  }
  return fc.double({ min, max, noNaN: true });
}

/**
 * Values that satisfy `schema` (well-formed input). Built from the declared checks, then filtered by the
 * schema itself, so refinements (`before` or `after`, not both) and pipes (`.trim().pipe(z.email())`)
 * hold too: a "well-formed" request must pass validation, or it tests nothing past it.
 */
export function arbitraryOf(schema: z.ZodType, hints: ArbitraryHints): fc.Arbitrary<unknown> {
  return shapeOf(schema, hints).filter((value) => schema.safeParse(value).success);
}

/** Emoji (a refinement no generator can aim at): a few of each kind, ZWJ sequences and flags included. */
const emoji = fc.constantFrom('👍', '🎉', '❤️', '👍🏽', '👨‍👩‍👧‍👦', '🇫🇷', '1️⃣', '🏳️‍🌈');

function shapeOf(schema: z.ZodType, hints: ArbitraryHints): fc.Arbitrary<unknown> {
  if (schema.description === 'one Unicode emoji') return emoji;
  const def = defOf(schema);
  switch (def.type) {
    case 'object': {
      const shape = def.shape ?? {};
      const required = Object.keys(shape).filter(
        (k) => !['optional', 'default'].includes(defOf(must(shape[k], k)).type),
      );
      const parts = Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, shapeOf(v, hints)]));
      return fc.record(parts, { requiredKeys: required });
    }
    case 'optional':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return shapeOf(must(def.innerType, 'innerType'), hints);
    case 'nullable':
      return fc.oneof(fc.constant(null), shapeOf(must(def.innerType, 'innerType'), hints));
    case 'pipe': {
      // A pipe into a plain schema (`.trim().pipe(z.email())`) is generated from its output; one into a
      // transform or a codec (`z.stringbool()`) from its input.
      const out = defOf(must(def.out, 'out'));
      if (out.type === 'boolean') return fc.constantFrom('true', 'false', '1', '0', 'yes', 'no');
      if (out.type === 'transform') return shapeOf(must(def.in, 'in'), hints);
      return shapeOf(must(def.out, 'out'), hints);
    }
    case 'string':
      return stringArbitrary(def, hints);
    case 'number':
    case 'int':
      return numberArbitrary(def);
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries ?? {}));
    case 'literal':
      return fc.constantFrom(...(def.values ?? []));
    case 'array':
      return fc.array(shapeOf(must(def.element, 'element'), hints), { maxLength: 5 });
    case 'union':
      return fc.oneof(...(def.options ?? []).map((o) => shapeOf(o, hints)));
    case 'record':
      return fc.dictionary(fc.string({ maxLength: 10 }), shapeOf(must(def.valueType, 'valueType'), hints), {
        maxKeys: 4,
      });
    case 'null':
      return fc.constant(null);
    default:
      return fc.anything();
  }
}

/** A hostile value: anything at all, including the shapes that break naive parsers. */
const hostile = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '%00',
    '../../etc/passwd',
    "' OR 1=1 --",
    '<script>alert(1)</script>',
    '${7*7}',
  ),
  fc.constantFrom(-1, 0, 1.5, Number.MAX_SAFE_INTEGER + 2, -0, 1e308, true, null, [], {}),
  fc.string({ maxLength: 300, unit: 'binary' }),
);

/**
 * Input that is almost right: a well-formed value with one field removed, retyped or replaced by
 * something hostile, or something else entirely.
 */
export function malformedOf(schema: z.ZodType, hints: ArbitraryHints): fc.Arbitrary<unknown> {
  return fc.oneof(
    hostile,
    fc
      .tuple(arbitraryOf(schema, hints), fc.nat(), hostile, fc.boolean())
      .map(([value, n, replacement, drop]) => {
        if (value === null || typeof value !== 'object' || Array.isArray(value)) return replacement;
        const record = value as Record<string, unknown>;
        const keys = Object.keys(record);
        if (keys.length === 0) return { [`k${n}`]: replacement };
        const key = keys[n % keys.length];
        if (drop) return Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));
        return { ...record, [String(key)]: replacement };
      }),
  );
}
