/**
 * EPCIS query schedules (EPCIS 2.0 §8.2.5.3 QuerySchedule; REST binding `query-schedule.json`): six cron-like
 * fields, each a comma-separated list of numbers and ranges `[low-high]`. Pure: no clock, no I/O.
 *
 * Reading of omitted fields: `second`, `minute` and `hour` that are omitted and finer than every field given take
 * their lowest value (so `{hour: "1", minute: "5"}` fires once a day at 01:05:00, as the binding's example says),
 * any other omitted field matches every value. When both `dayOfMonth` and `dayOfWeek` are given both must match.
 * `dayOfWeek` runs from 1 (Monday) to 7 (Sunday). Two extensions found in the binding's own examples are accepted:
 * `low-high` without brackets and `start/step` (`"0/30"`: second 0 and 30).
 */

export interface QuerySchedule {
  readonly second?: string | undefined;
  readonly minute?: string | undefined;
  readonly hour?: string | undefined;
  readonly dayOfMonth?: string | undefined;
  readonly month?: string | undefined;
  readonly dayOfWeek?: string | undefined;
}

export type ScheduleField = keyof QuerySchedule;

/** A schedule that cannot be read; `field` names the offending field. */
export class ScheduleError extends Error {
  override readonly name = 'ScheduleError';
  constructor(
    readonly field: ScheduleField | 'schedule',
    message: string,
  ) {
    super(message);
  }
}

const RANGES: Readonly<Record<ScheduleField, readonly [number, number]>> = {
  second: [0, 59],
  minute: [0, 59],
  hour: [0, 23],
  dayOfMonth: [1, 31],
  month: [1, 12],
  dayOfWeek: [1, 7],
};

/** Finest first: the order in which omitted time fields default to their lowest value. */
const TIME_FIELDS = ['second', 'minute', 'hour'] as const;
export const SCHEDULE_FIELDS: readonly ScheduleField[] = [
  'second',
  'minute',
  'hour',
  'dayOfMonth',
  'month',
  'dayOfWeek',
];

/** For each field, which values match (index = value). */
export type CompiledSchedule = Readonly<Record<ScheduleField, readonly boolean[]>>;

function parseNumber(field: ScheduleField, text: string): number {
  const [low, high] = RANGES[field];
  if (!/^\d{1,2}$/.test(text)) throw new ScheduleError(field, `${field}: "${text}" is not a number`);
  const n = Number(text);
  if (n < low || n > high) throw new ScheduleError(field, `${field}: ${n} is outside ${low}–${high}`);
  return n;
}

function parseField(field: ScheduleField, text: string): boolean[] {
  const [low, high] = RANGES[field];
  const matches = new Array<boolean>(high + 1).fill(false);
  const trimmed = text.replace(/\s+/g, '');
  if (trimmed === '') throw new ScheduleError(field, `${field} is empty`);
  if (trimmed.length > 200) throw new ScheduleError(field, `${field} is too long`);
  for (const element of trimmed.split(',')) {
    let from: number;
    let to: number;
    let step = 1;
    const stepped = /^(.+)\/(\d{1,2})$/.exec(element);
    const body = stepped ? stepped[1]! : element;
    if (stepped) {
      step = Number(stepped[2]);
      if (step < 1) throw new ScheduleError(field, `${field}: the step must be at least 1`);
    }
    const range = /^\[?(\d{1,2})-(\d{1,2})\]?$/.exec(body);
    if (range && body.startsWith('[') === body.endsWith(']')) {
      from = parseNumber(field, range[1]!);
      to = parseNumber(field, range[2]!);
      if (from > to) throw new ScheduleError(field, `${field}: the range ${from}-${to} is empty`);
    } else {
      from = parseNumber(field, body);
      to = stepped ? high : from;
    }
    for (let v = from; v <= to; v += step) matches[v] = true;
  }
  if (!matches.slice(low).some(Boolean)) throw new ScheduleError(field, `${field} matches nothing`);
  return matches;
}

function every(field: ScheduleField): boolean[] {
  const [low, high] = RANGES[field];
  return Array.from({ length: high + 1 }, (_, v) => v >= low);
}

function only(field: ScheduleField, value: number): boolean[] {
  return Array.from({ length: RANGES[field][1] + 1 }, (_, v) => v === value);
}

/** Reads a schedule; throws ScheduleError naming the field at fault. At least one field must be given. */
export function compileSchedule(schedule: QuerySchedule): CompiledSchedule {
  const given = SCHEDULE_FIELDS.filter((f) => schedule[f] !== undefined);
  if (given.length === 0) throw new ScheduleError('schedule', 'A schedule needs at least one field');
  const finestGiven = SCHEDULE_FIELDS.findIndex((f) => schedule[f] !== undefined);
  const out = {} as Record<ScheduleField, boolean[]>;
  for (const field of SCHEDULE_FIELDS) {
    const text = schedule[field];
    if (text !== undefined) {
      if (typeof text !== 'string') throw new ScheduleError(field, `${field} must be a string`);
      out[field] = parseField(field, text);
    } else if ((TIME_FIELDS as readonly string[]).includes(field) && SCHEDULE_FIELDS.indexOf(field) < finestGiven) {
      out[field] = only(field, RANGES[field][0]);
    } else {
      out[field] = every(field);
    }
  }
  return out;
}

const DAY_MS = 86_400_000;
/** How far ahead to look before deciding a schedule never fires (e.g. 31 February). */
const HORIZON_DAYS = 366 * 8;

/**
 * The first time strictly after `after` (to the second) that matches the schedule, reading the schedule in the
 * time zone `utcOffsetMinutes` ahead of UTC; null when it never matches within eight years.
 */
export function nextScheduledTime(schedule: CompiledSchedule, after: Date, utcOffsetMinutes = 0): Date | null {
  const offset = utcOffsetMinutes * 60_000;
  // Work on a "local" clock expressed with the UTC accessors.
  let t = Math.floor((after.getTime() + offset) / 1000) * 1000 + 1000;
  const limit = t + HORIZON_DAYS * DAY_MS;
  while (t <= limit) {
    const d = new Date(t);
    const startOfDay = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    if (!schedule.month[d.getUTCMonth() + 1]) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
      continue;
    }
    const weekday = d.getUTCDay() === 0 ? 7 : d.getUTCDay();
    if (!schedule.dayOfMonth[d.getUTCDate()] || !schedule.dayOfWeek[weekday]) {
      t = startOfDay + DAY_MS;
      continue;
    }
    if (!schedule.hour[d.getUTCHours()]) {
      t = startOfDay + (d.getUTCHours() + 1) * 3_600_000;
      continue;
    }
    if (!schedule.minute[d.getUTCMinutes()]) {
      t = startOfDay + d.getUTCHours() * 3_600_000 + (d.getUTCMinutes() + 1) * 60_000;
      continue;
    }
    if (!schedule.second[d.getUTCSeconds()]) {
      t += 1000;
      continue;
    }
    return new Date(t - offset);
  }
  return null;
}
