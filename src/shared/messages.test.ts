import { describe, expect, it } from 'vitest';
import { catalogue, localeFromAcceptLanguage, t } from './messages.ts';

describe('message catalogue', () => {
  it('has every key in both languages, none empty', () => {
    const vi = Object.keys(catalogue.vi).sort();
    expect(Object.keys(catalogue.en).sort()).toEqual(vi);
    for (const locale of ['vi', 'en'] as const) {
      for (const [key, text] of Object.entries(catalogue[locale])) expect(text.trim(), `${locale} ${key}`).not.toBe('');
    }
  });
  it('fills placeholders and picks the locale', () => {
    expect(t('en', 'problem.not_found')).toBe('Not found');
    expect(t('vi', 'unknown {x}', { x: 1 })).toBe('unknown 1');
    expect(localeFromAcceptLanguage('en-US,en;q=0.9,vi;q=0.8')).toBe('en');
    expect(localeFromAcceptLanguage('fr, vi;q=0.5, en;q=0.4')).toBe('vi');
    expect(localeFromAcceptLanguage(undefined)).toBe('vi');
  });
});
