/**
 * The demo's calendar. The story (harvests, processing, shipments, a sale, stamps, consumer scans, certificates, a
 * training) is written as of DEMO_STORY_DAY; loaded on another day, every date of it moves by the same whole number
 * of days, so a newcomer's dashboard shows last month's events and last week's scans whatever the day. The order
 * and spacing of the story never change, and a given load day always gives the same dates.
 */

/** The Huế day the story is written as of: its last scan is two days before it. */
export const DEMO_STORY_DAY = '2026-06-27';

const DAY_MS = 86_400_000;
/** Huế keeps UTC+7 all year. */
const HUE_OFFSET_MS = 7 * 3_600_000;
const TZ = '+07:00';

export interface DemoClock {
  /** The Huế day the demo is loaded as of (the story's DEMO_STORY_DAY moves there). */
  readonly today: string;
  /** Days added to every date of the story (negative when loaded before DEMO_STORY_DAY). */
  readonly shiftDays: number;
  /** A story day (YYYY-MM-DD) moved to the load day's calendar. */
  day(storyDay: string): string;
  /** A story day and Huế time (HH:MM) as an ISO timestamp with Huế's offset, e.g. `2026-11-19T07:30:00+07:00`. */
  local(storyDay: string, time: string): string;
  /** The same instant as `local`, as a Date. */
  at(storyDay: string, time: string): Date;
}

function dayNumber(day: string): number {
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(ms)) throw new Error(`demo clock: not a day: ${day}`);
  return Math.round(ms / DAY_MS);
}

const dayString = (n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10);

/** The Huế calendar day of an instant. */
export function hueDayOf(instant: Date): string {
  return new Date(instant.getTime() + HUE_OFFSET_MS).toISOString().slice(0, 10);
}

/** The demo's calendar for a load at `now` (Huế day of it). */
export function demoClock(now: Date = new Date()): DemoClock {
  const today = hueDayOf(now);
  const shiftDays = dayNumber(today) - dayNumber(DEMO_STORY_DAY);
  const day = (storyDay: string) => dayString(dayNumber(storyDay) + shiftDays);
  const local = (storyDay: string, time: string) => {
    if (!/^\d{2}:\d{2}$/.test(time)) throw new Error(`demo clock: not a time: ${time}`);
    return `${day(storyDay)}T${time}:00${TZ}`;
  };
  return { today, shiftDays, day, local, at: (storyDay, time) => new Date(local(storyDay, time)) };
}
