/**
 * Reading untrusted JSON (reports, OSV records, VEX) safely: a size cap, a nesting cap checked before
 * parsing, and small guards so nothing is cast before it is validated.
 */
import { InputError } from '../core/errors.js';

/** Biggest single JSON document we parse (reports of large images reach tens of MB). */
export const MAX_JSON_BYTES = 256 * 1024 * 1024;
/** Deepest nesting accepted; real reports stay under 20. */
export const MAX_JSON_DEPTH = 64;

/** Nesting depth of a JSON text, ignoring brackets inside strings. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/**
 * Parse JSON bytes named `what` (a path or description, used in errors).
 * @throws InputError VULN_BAD_JSON when too big, too deep or not JSON.
 */
export function parseJsonBounded(input: Buffer | string, what: string, maxBytes = MAX_JSON_BYTES): unknown {
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
  if (size > maxBytes) {
    throw new InputError('VULN_INPUT_TOO_LARGE', `${what} is ${size} bytes, over the ${maxBytes}-byte limit`, {
      hint: 'split the input or check that it is the file you meant',
    });
  }
  const text = typeof input === 'string' ? input : input.toString('utf8');
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw new InputError('VULN_BAD_JSON', `${what} nests deeper than ${MAX_JSON_DEPTH} levels`, {
      hint: 'this is not a report custody reads',
    });
  }
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as unknown;
  } catch (err) {
    throw new InputError('VULN_BAD_JSON', `${what} is not valid JSON`, { cause: err, hint: 'check the file is complete' });
  }
}

export type Rec = Record<string, unknown>;

export function isRecord(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function rec(v: unknown): Rec {
  return isRecord(v) ? v : {};
}

export function strings(v: unknown): string[] {
  return arr(v).flatMap((x) => (typeof x === 'string' && x !== '' ? [x] : []));
}

export function uniqSorted(xs: Iterable<string>): string[] {
  return [...new Set(xs)].sort();
}
