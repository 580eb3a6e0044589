import { describe, expect, it } from 'vitest';
import { compileSchedule, nextScheduledTime, ScheduleError, type QuerySchedule } from './schedule.ts';

const next = (schedule: QuerySchedule, after: string, offset = 0) =>
  nextScheduledTime(compileSchedule(schedule), new Date(after), offset)?.toISOString() ?? null;

describe('EPCIS query schedule', () => {
  it('fires daily at 01:05:00 for the binding example {hour: 1, minute: 5}', () => {
    expect(next({ hour: '1', minute: '5' }, '2026-11-26T00:00:00Z')).toBe('2026-11-26T01:05:00.000Z');
    expect(next({ hour: '1', minute: '5' }, '2026-11-26T01:05:00Z')).toBe('2026-11-27T01:05:00.000Z');
  });

  it('reads the schedule in the given time zone (Vietnam, UTC+07:00)', () => {
    // 01:05 in Huế is 18:05 UTC the day before.
    expect(next({ hour: '1', minute: '5' }, '2026-11-26T00:00:00Z', 420)).toBe('2026-11-26T18:05:00.000Z');
  });

  it('treats omitted coarser fields as any value: {second: "0"} fires every minute', () => {
    expect(next({ second: '0' }, '2026-11-26T10:15:30Z')).toBe('2026-11-26T10:16:00.000Z');
  });

  it('fires every second when every second is listed', () => {
    expect(next({ second: '[0-59]' }, '2026-11-26T10:15:30.400Z')).toBe('2026-11-26T10:15:31.000Z');
  });

  it('accepts lists, bracketed ranges and the start/step form of the binding example', () => {
    expect(next({ second: '0/30' }, '2026-11-26T10:15:00Z')).toBe('2026-11-26T10:15:30.000Z');
    expect(next({ minute: '10,[40-42]' }, '2026-11-26T10:11:00Z')).toBe('2026-11-26T10:40:00.000Z');
    expect(next({ minute: '10,[40-42]' }, '2026-11-26T10:42:00Z')).toBe('2026-11-26T11:10:00.000Z');
  });

  it('requires both dayOfMonth and dayOfWeek when both are given (Monday is 1, Sunday 7)', () => {
    // The next Friday the 13th after 26 November 2026 is 13 August 2027.
    expect(next({ hour: '0', dayOfMonth: '13', dayOfWeek: '5' }, '2026-11-26T00:00:00Z')).toBe(
      '2027-08-13T00:00:00.000Z',
    );
    expect(next({ hour: '9', dayOfWeek: '7' }, '2026-11-26T00:00:00Z')).toBe('2026-11-29T09:00:00.000Z');
  });

  it('crosses month and year ends and skips months without the day', () => {
    expect(next({ hour: '0', dayOfMonth: '31' }, '2026-11-26T00:00:00Z')).toBe('2026-12-31T00:00:00.000Z');
    expect(next({ hour: '0', dayOfMonth: '31' }, '2026-12-31T00:00:00Z')).toBe('2027-01-31T00:00:00.000Z');
    expect(next({ hour: '12', dayOfMonth: '29', month: '2' }, '2026-11-26T00:00:00Z')).toBe('2028-02-29T12:00:00.000Z');
  });

  it('returns null for a schedule that never fires', () => {
    expect(next({ dayOfMonth: '31', month: '2' }, '2026-11-26T00:00:00Z')).toBeNull();
  });

  it('rejects bad fields, naming them', () => {
    const fieldOf = (s: QuerySchedule) => {
      try {
        compileSchedule(s);
      } catch (e) {
        if (e instanceof ScheduleError) return e.field;
        throw e;
      }
      return null;
    };
    expect(fieldOf({ minute: '60' })).toBe('minute');
    expect(fieldOf({ hour: '[5-2]' })).toBe('hour');
    expect(fieldOf({ dayOfWeek: '0' })).toBe('dayOfWeek');
    expect(fieldOf({ month: 'jan' })).toBe('month');
    expect(fieldOf({ second: '' })).toBe('second');
    expect(fieldOf({})).toBe('schedule');
    expect(fieldOf({ hour: '1', minute: '5' })).toBeNull();
  });
});
