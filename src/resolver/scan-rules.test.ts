import { describe, expect, it } from 'vitest';
import { acceptedLanguages, acceptedMediaTypes, isLanguageTag, isMediaType, wantsLinkset } from './negotiation.ts';
import { DEFAULT_THRESHOLDS, evaluateScan, expiryOf, type RuleInput } from './scan-rules.ts';
import { deviceClassOf, IpHasher, regionOf } from './scan-source.ts';

const at = new Date('2026-06-20T03:00:00Z');

const input = (over: Partial<RuleInput> = {}): RuleInput => ({
  scan: { gtin: '08935001990014', lot: 'L1', serial: 'S1', region: '46', scannedAt: at },
  productKnown: true,
  serialInEvents: false,
  stamp: { state: 'activated', lot: 'L1' },
  recentScans: [{ scannedAt: at, region: '46' }],
  shippedRegions: ['46', '79'],
  recall: null,
  expiresAt: null,
  thresholds: DEFAULT_THRESHOLDS,
  ...over,
});

const kinds = (over: Partial<RuleInput>) => evaluateScan(input(over)).map((c) => c.kind);

describe('scan rules', () => {
  it('raise nothing for a genuine scan where the lot was shipped', () => {
    expect(kinds({})).toEqual([]);
  });

  it('raise nothing for products nobody registered', () => {
    expect(kinds({ productKnown: false, stamp: undefined })).toEqual([]);
  });

  it('flag an unknown serial unless events know the item', () => {
    expect(kinds({ stamp: undefined })).toEqual(['unknown_serial']);
    expect(kinds({ stamp: undefined, serialInEvents: true })).toEqual([]);
  });

  it('flag void and never-activated stamps', () => {
    expect(kinds({ stamp: { state: 'void', lot: 'L1' } })).toEqual(['void_scanned']);
    expect(kinds({ stamp: { state: 'issued', lot: null } })).toEqual(['not_activated']);
  });

  it('flag more than N scans, and more than the allowed provinces, within the window', () => {
    const many = Array.from({ length: 21 }, () => ({ scannedAt: at, region: '46' }));
    expect(kinds({ recentScans: many.slice(0, 20) })).toEqual([]);
    expect(kinds({ recentScans: many })).toEqual(['many_scans']);
    const regions = ['46', '79', '01'].map((region) => ({ scannedAt: at, region }));
    expect(kinds({ recentScans: regions.slice(0, 2) })).toEqual([]);
    expect(kinds({ recentScans: regions, scan: { ...input().scan, region: '79' } })).toEqual(['many_regions']);
  });

  it('flag a province the lot never reached, only when shipments are known and the region is', () => {
    expect(kinds({ scan: { ...input().scan, region: '01' } })).toEqual(['unexpected_region']);
    expect(kinds({ scan: { ...input().scan, region: '01' }, shippedRegions: null })).toEqual([]);
    expect(kinds({ scan: { ...input().scan, region: null } })).toEqual([]);
  });

  it('flag recalled and expired lots', () => {
    expect(kinds({ recall: { recallId: 'r1', reason: 'x' } })).toEqual(['recalled_lot']);
    expect(kinds({ expiresAt: new Date('2026-06-19T00:00:00Z') })).toEqual(['expired']);
    expect(kinds({ expiresAt: new Date('2026-06-21T00:00:00Z') })).toEqual([]);
  });

  it('key alerts by rule, serial and window, so repeats within a window are one alert', () => {
    const a = evaluateScan(input({ stamp: undefined }))[0]!;
    const b = evaluateScan(
      input({ stamp: undefined, scan: { ...input().scan, scannedAt: new Date(at.getTime() + 60_000) } }),
    )[0]!;
    const c = evaluateScan(
      input({ stamp: undefined, scan: { ...input().scan, scannedAt: new Date(at.getTime() + 86_400_000) } }),
    )[0]!;
    expect(a.dedupeKey).toBe(b.dedupeKey);
    expect(a.dedupeKey).not.toBe(c.dedupeKey);
    expect(a.severity).toBe('high');
  });

  it('compute expiry from the ILMD expiry date, else production date plus shelf life', () => {
    expect(
      expiryOf({ itemExpirationDate: '2026-12-31', productionDate: null, shelfLifeDays: null })?.toISOString(),
    ).toBe('2026-12-31T16:59:59.999Z');
    expect(
      expiryOf({
        itemExpirationDate: null,
        productionDate: new Date('2026-01-01T00:00:00Z'),
        shelfLifeDays: 10,
      })?.toISOString(),
    ).toBe('2026-01-11T00:00:00.000Z');
    expect(expiryOf({ itemExpirationDate: null, productionDate: new Date(), shelfLifeDays: null })).toBeNull();
  });
});

describe('scan source (privacy by design)', () => {
  it('classes devices coarsely', () => {
    expect(deviceClassOf('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148')).toBe('phone');
    expect(deviceClassOf('Mozilla/5.0 (Linux; Android 14; SM-S918B) Mobile Safari/537.36')).toBe('phone');
    expect(deviceClassOf('Mozilla/5.0 (Linux; Android 13; SM-X700) Safari/537.36')).toBe('tablet');
    expect(deviceClassOf('Mozilla/5.0 (iPad; CPU OS 16_0 like Mac OS X)')).toBe('tablet');
    expect(deviceClassOf('Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120')).toBe('desktop');
    expect(deviceClassOf('Googlebot/2.1 (+http://www.google.com/bot.html)')).toBe('bot');
    expect(deviceClassOf('curl/8.5.0')).toBe('bot');
    expect(deviceClassOf(undefined)).toBe('other');
  });

  it('takes a province code from the client or the proxy, nothing else', () => {
    const known = (c: string) => ['46', '79'].includes(c);
    expect(regionOf({ query: '46', header: '79' }, known)).toBe('46');
    expect(regionOf({ query: undefined, header: '79' }, known)).toBe('79');
    expect(regionOf({ query: '99', header: 'Huế' }, known)).toBeNull();
  });

  it('hashes IP addresses with a salt that changes every day and is never the address', () => {
    let now = new Date('2026-06-20T10:00:00Z');
    const hasher = new IpHasher(() => now);
    const a = hasher.hash('203.0.113.7');
    expect(a).not.toContain('203');
    expect(hasher.hash('203.0.113.7')).toBe(a);
    expect(hasher.hash('203.0.113.8')).not.toBe(a);
    now = new Date('2026-06-21T10:00:00Z');
    expect(hasher.hash('203.0.113.7')).not.toBe(a);
    expect(hasher.hash(undefined)).toBeNull();
  });
});

describe('negotiation', () => {
  it('ranks Accept-Language and Accept by quality', () => {
    expect(acceptedLanguages('fr;q=0.5, en-GB, vi;q=0.9, *;q=0.1')).toEqual(['en-gb', 'vi', 'fr']);
    expect(acceptedMediaTypes('text/html,application/xhtml+xml;q=0.9,*/*;q=0.8')).toEqual([
      'text/html',
      'application/xhtml+xml',
    ]);
    expect(wantsLinkset('application/linkset+json')).toBe(true);
    expect(wantsLinkset('text/html, application/linkset+json;q=0.5')).toBe(false);
  });

  it('checks IANA media types and language tags', () => {
    for (const ok of [
      'text/html',
      'application/ld+json',
      'application/pdf',
      'text/html; charset=utf-8',
      'application/vc',
    ])
      expect(isMediaType(ok), ok).toBe(true);
    for (const bad of ['html', 'foo/bar', 'text/', 'text/htm l']) expect(isMediaType(bad), bad).toBe(false);
    for (const ok of ['vi', 'en-US', 'zh-Hant-TW', 'und']) expect(isLanguageTag(ok), ok).toBe(true);
    for (const bad of ['not a tag', 'e', '']) expect(isLanguageTag(bad), bad).toBe(false);
  });
});
