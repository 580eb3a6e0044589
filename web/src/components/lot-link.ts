import { query } from '../api.ts';

/** The lot page's address for a lot's Digital Link (`…/01/<gtin>/10/<lot>`), or null for anything else. */
export function lotPath(identifier: string): string | null {
  const m = /\/01\/(\d{14})\/10\/([^/?#]+)/.exec(identifier);
  return m ? `/lots${query({ gtin: m[1]!, lot: decodeURIComponent(m[2]!) })}` : null;
}
