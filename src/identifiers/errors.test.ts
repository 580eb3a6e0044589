import { describe, expect, it } from 'vitest';
import { catalogue, t } from '../shared/messages.ts';
import { Gs1Error, GS1_ERROR_CODES, gs1ErrorMessageKey } from './errors.ts';

describe('Gs1Error', () => {
  it('names the AI in its message', () => {
    const e = new Gs1Error('check_digit', 'check digit should be 3', '01');
    expect(e.message).toBe('AI (01): check digit should be 3');
    expect(e).toBeInstanceOf(Error);
  });

  it('has a Vietnamese and an English message for every code', () => {
    for (const code of GS1_ERROR_CODES) {
      const { key } = gs1ErrorMessageKey(new Gs1Error(code, 'x'));
      expect(Object.hasOwn(catalogue.vi, key)).toBe(true);
      expect(Object.hasOwn(catalogue.en, key)).toBe(true);
    }
    const { key, params } = gs1ErrorMessageKey(new Gs1Error('check_digit', 'x', '01'));
    expect(t('vi', key, params)).toBe('Số kiểm tra của AI (01) không đúng');
  });
});
