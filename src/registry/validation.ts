import { AppError, type FieldError } from '../shared/errors.ts';
import { t, type MessageKey } from '../shared/messages.ts';

/**
 * Collects every problem of one input before failing, so that a form (or an import row) gets all its errors at
 * once, each naming its field and carrying a catalogue key for the vi/en text.
 */
export class FieldProblems {
  readonly list: FieldError[] = [];

  add(field: string, messageKey: MessageKey): void {
    this.list.push({ field, message: t('en', messageKey), messageKey });
  }

  /** Adds the problem when `messageKey` is defined (the shape the pure rules return). */
  check(field: string, messageKey: string | undefined): void {
    if (messageKey !== undefined) this.add(field, messageKey as MessageKey);
  }

  get empty(): boolean {
    return this.list.length === 0;
  }

  throwIfAny(): void {
    if (this.list.length > 0) {
      throw new AppError('validation', this.list.map((f) => `${f.field}: ${f.message}`).join('; '), {
        fields: this.list,
      });
    }
  }
}

/** Trims text; empty becomes null. */
export function cleanText(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

export function conflict(field: string, messageKey: MessageKey): AppError {
  return new AppError('conflict', t('en', messageKey), {
    fields: [{ field, message: t('en', messageKey), messageKey }],
  });
}

/** PostgreSQL unique_violation, with the constraint that was hit. */
export function uniqueViolation(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const err = e as { code?: unknown; constraint?: unknown };
  if (err.code !== '23505') return undefined;
  return typeof err.constraint === 'string' ? err.constraint : '';
}

/** Sort whitelist: `name` or `-name`; the key must be one of `allowed`, default first. */
export function parseSort<K extends string>(
  sort: string | undefined,
  allowed: readonly K[],
  fallback: K,
): { key: K; direction: 'asc' | 'desc' } {
  if (sort === undefined || sort === '') return { key: fallback, direction: 'asc' };
  const direction = sort.startsWith('-') ? 'desc' : 'asc';
  const key = sort.replace(/^[-+]/, '');
  if (!(allowed as readonly string[]).includes(key)) {
    throw new AppError('validation', `Sort by one of ${allowed.join(', ')}`, {
      fields: [{ field: 'sort', message: `Sort by one of ${allowed.join(', ')} (prefix - for descending)` }],
    });
  }
  return { key: key as K, direction };
}

export interface PageRequest {
  readonly limit: number;
  readonly offset: number;
  readonly search?: string | undefined;
  readonly sort?: string | undefined;
}
