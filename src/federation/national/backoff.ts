/** Retry timing of the national sync: pure, so tests drive it with a simulated clock. */

/** The injected clock: the sync never reads the wall clock itself. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** Delay before the next try after `attempts` failed ones: 30 s doubling, capped at 30 minutes. */
export function retryDelayMs(attempts: number): number {
  const n = Math.max(1, attempts);
  return Math.min(30 * 60_000, 30_000 * 2 ** (n - 1));
}

/** How long an organisation not activated on the platform waits before its records are tried again. */
export const INACTIVE_ORGANISATION_RECHECK_MS = 60 * 60_000;

/** Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}
