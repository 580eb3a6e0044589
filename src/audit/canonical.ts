import { createHash } from 'node:crypto';

/**
 * Canonical JSON for hashing: object keys sorted by code point, no whitespace, `undefined` members left out, dates
 * as ISO 8601 strings, bigints as decimal strings. Two values that mean the same serialise to the same bytes, so a
 * hash over them survives a round trip through PostgreSQL's jsonb (which reorders keys).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonicalJson: numbers must be finite');
      return JSON.stringify(value);
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'object':
      break;
    case 'undefined':
    case 'function':
    case 'symbol':
      throw new TypeError(`canonicalJson: cannot serialise a ${typeof value}`);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (Buffer.isBuffer(value)) return JSON.stringify(value.toString('base64'));
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The digest of a change as recorded in the log: SHA-256 of its canonical JSON. */
export const digestOf = (change: unknown): string => sha256Hex(canonicalJson(change));
