import { z } from 'zod';

/**
 * Numeric command-line flags, validated with zod: each schema's message says what the flag takes, and
 * `parseFlags` prefixes it with the flag's name and the value given ("--window takes an integer ≥ 1, not "x"").
 * Commander hands flags over as strings (or the default); anything else than a plain number is refused, so "" or
 * "8x" never turn into 0 or NaN.
 */
const INTEGER = /^\s*[+-]?\d+\s*$/;
const DECIMAL = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*$/;

function toNumber(pattern: RegExp) {
  return (value: unknown) => (typeof value === 'string' && pattern.test(value) ? Number(value) : value);
}

function range(min: number | undefined, max: number | undefined, above: number | undefined): string {
  if (above !== undefined && max !== undefined) return ` above ${above} and at most ${max}`;
  if (above !== undefined) return ` above ${above}`;
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (min !== undefined) return ` ≥ ${min}`;
  return max !== undefined ? ` ≤ ${max}` : '';
}

export interface NumberBounds {
  min?: number;
  max?: number;
  /** Exclusive lower bound (a positive size: `above: 0`). */
  above?: number;
  /** What the number counts, for the message: "minutes", "MiB". */
  unit?: string;
}

function bounded(schema: z.ZodNumber, bounds: NumberBounds, takes: string): z.ZodNumber {
  let out = schema;
  if (bounds.min !== undefined) out = out.min(bounds.min, { error: takes });
  if (bounds.above !== undefined) out = out.gt(bounds.above, { error: takes });
  if (bounds.max !== undefined) out = out.max(bounds.max, { error: takes });
  return out;
}

function takes(kind: string, bounds: NumberBounds): string {
  return `takes ${kind}${range(bounds.min, bounds.max, bounds.above)}${bounds.unit ? ` (${bounds.unit})` : ''}`;
}

/** A whole number within the bounds. */
export function intFlag(bounds: NumberBounds = {}) {
  const message = takes('an integer', bounds);
  return z.preprocess(toNumber(INTEGER), bounded(z.number({ error: message }).int({ error: message }), bounds, message));
}

/** A decimal number within the bounds. */
export function numberFlag(bounds: NumberBounds = {}) {
  const message = takes('a number', bounds);
  return z.preprocess(toNumber(DECIMAL), bounded(z.number({ error: message }), bounds, message));
}

/** A TCP port; 0 asks for any free one. */
export const portFlag = () => intFlag({ min: 0, max: 65_535 });

/** `--kebab-case` of a flag's property path (commander camel-cases them). */
function flagName(path: ReadonlyArray<PropertyKey>): string {
  return `--${path.map(String).join('.').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * Parses the flags a schema names (others are left out of the result); throws one message naming every bad flag,
 * what it takes and what it got.
 */
export function parseFlags<S extends z.ZodType>(schema: S, flags: object): z.output<S> {
  const parsed = schema.safeParse(flags);
  if (parsed.success) return parsed.data;
  const given = flags as Record<string, unknown>;
  const problems = parsed.error.issues.map((issue) => {
    const value = issue.path.length === 1 ? given[String(issue.path[0])] : undefined;
    const got = typeof value === 'string' || typeof value === 'number' ? `, not "${value}"` : '';
    return `${flagName(issue.path)} ${issue.message}${got}`;
  });
  throw new Error(problems.join('; '));
}
