import { describe, expect, it } from 'vitest';
import {
  bizStepWord,
  formatCoordinates,
  formatDate,
  formatDateTime,
  formatNumber,
  isoLocal,
  mapLink,
  stepMessageKey,
} from './format.ts';
import { locatorSvg } from './locator.ts';

describe('Vietnamese formatting', () => {
  it('writes numbers the Vietnamese way and the English way', () => {
    expect(formatNumber('vi', 1234.5)).toBe('1.234,5');
    expect(formatNumber('en', 1234.5)).toBe('1,234.5');
  });

  it('writes dates dd/mm/yyyy in Huế time, whatever the server time zone', () => {
    expect(formatDate(new Date('2026-06-01T20:30:00Z'))).toBe('02/06/2026');
    expect(formatDateTime('2026-06-01T20:30:00Z')).toBe('02/06/2026 03:30');
    expect(isoLocal('2026-06-01T20:30:00Z')).toBe('2026-06-02T03:30+07:00');
    expect(formatDate('2026-12-31')).toBe('31/12/2026');
  });

  it('names business steps from any of their spellings and falls back to the event type', () => {
    expect(bizStepWord('https://ref.gs1.org/cbv/BizStep-shipping')).toBe('shipping');
    expect(bizStepWord('urn:epcglobal:cbv:bizstep:receiving')).toBe('receiving');
    expect(stepMessageKey('urn:gdst:bizStep:fishingEvent', 'ObjectEvent')).toBe('portal.bizStep.fishingevent');
    expect(stepMessageKey('urn:example:step:unheard', 'TransformationEvent')).toBe(
      'portal.eventType.TransformationEvent',
    );
    expect(stepMessageKey(null, 'ObjectEvent')).toBe('portal.bizStep.event');
  });

  it('writes coordinates and a map link', () => {
    expect(formatCoordinates('vi', 16.4625, 107.5954)).toBe('16,46250° B, 107,59540° Đ');
    expect(formatCoordinates('en', -1, -2)).toBe('1.00000° S, 2.00000° W');
    expect(mapLink(16.4625, 107.5954)).toBe(
      'https://www.openstreetmap.org/?mlat=16.46250&mlon=107.59540#map=14/16.46250/107.59540',
    );
  });
});

describe('locator', () => {
  it('draws nothing without points', () => {
    expect(locatorSvg([], 'x')).toBeNull();
  });

  it('draws one numbered marker per point inside the frame, with escaped labels', () => {
    const svg = locatorSvg(
      [
        { latitude: 16.46, longitude: 107.59, label: 'Vườn <A>' },
        { latitude: 16.5, longitude: 107.7, label: 'Cơ sở B' },
      ],
      'Sơ đồ',
    )!.value;
    expect(svg.match(/<circle /g)).toHaveLength(2);
    expect(svg).toContain('&lt;A&gt;');
    for (const [, x, y] of svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"/g)) {
      expect(Number(x)).toBeGreaterThanOrEqual(0);
      expect(Number(x)).toBeLessThanOrEqual(320);
      expect(Number(y)).toBeGreaterThanOrEqual(0);
      expect(Number(y)).toBeLessThanOrEqual(200);
    }
    expect(svg).toMatch(/\d+ (km|m)</);
  });
});
