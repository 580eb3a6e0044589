import { useEffect, useRef } from 'react';
import dayjs from 'dayjs';

/** A date and time as the screens show it (local time), or the given text when there is none. */
export function when(iso: string | null | undefined, none: string): string {
  return iso ? dayjs(iso).format('DD/MM/YYYY HH:mm') : none;
}

/** A rate between 0 and 1 as a percentage, or a dash when nothing was measured. */
export function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${Math.round(rate * 1000) / 10}%`;
}

/**
 * Reloads resources when `generation` moves past 0: one change on a screen (an enrolment, a retry) refreshes
 * every part that shows its consequences.
 */
export function useReloadOn(generation: number, ...reloads: (() => void)[]): void {
  const latest = useRef(reloads);
  latest.current = reloads;
  useEffect(() => {
    if (generation > 0) for (const reload of latest.current) reload();
  }, [generation]);
}
