import type { FormInstance } from 'antd';
import { ApiError } from '../api.ts';

/**
 * Puts the problem document's field errors next to the fields they name (`gtin`, `/gtin`, `body/gtin`); answers
 * true when at least one was placed, so the caller shows the rest as a general message.
 */
export function showFieldErrors(form: FormInstance, error: unknown, known: readonly string[]): boolean {
  if (!(error instanceof ApiError) || error.fields.length === 0) return false;
  const byField = new Map<string, string[]>();
  for (const f of error.fields) {
    const name = f.field.replace(/^(body)?\//, '').split('/')[0] ?? '';
    if (!known.includes(name)) continue;
    byField.set(name, [...(byField.get(name) ?? []), f.message]);
  }
  form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
  return byField.size > 0;
}
