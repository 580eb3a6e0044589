/**
 * Why a GS1 value was rejected (stable codes for programs; `message` is for people). Each code has a message in
 * the catalogue under `gs1.error.<code>` (see `gs1ErrorMessageKey`).
 */
export const GS1_ERROR_CODES = [
  'syntax', // not shaped like the expected input at all (URI, element string, key)
  'unknown_ai', // an Application Identifier the Barcode Syntax Dictionary does not define
  'invalid_value', // a value breaks its AI's format (character set, length) or one of its linters
  'check_digit', // a GS1 check digit or check character pair is wrong
  'duplicate_ai', // the same AI twice (with different values, or twice in a Digital Link)
  'missing_required_ai', // an AI's `req` association is not satisfied
  'exclusive_ai', // two AIs the dictionary declares mutually exclusive (`ex`)
  'not_a_primary_key', // no GS1 Digital Link primary key where one is needed
  'bad_qualifier', // a Digital Link key qualifier not allowed, or out of order
  'not_a_dl_attribute', // an AI that may not appear in a Digital Link query string
  'compression', // a compressed Digital Link that does not decode
] as const;
export type Gs1ErrorCode = (typeof GS1_ERROR_CODES)[number];

/**
 * The one error the identifiers capability throws (pure code, so not an AppError): carries the offending AI when
 * there is one, and the reason. Services turn it into `AppError('validation', …)` at their boundary.
 */
export class Gs1Error extends Error {
  override readonly name = 'Gs1Error';
  constructor(
    readonly code: Gs1ErrorCode,
    readonly reason: string,
    readonly ai?: string,
  ) {
    super(ai === undefined ? reason : `AI (${ai}): ${reason}`);
  }
}

/** Message-catalogue key and parameters for showing a Gs1Error to people (vi/en in `src/shared/messages.ts`). */
export function gs1ErrorMessageKey(error: Gs1Error): { key: `gs1.error.${Gs1ErrorCode}`; params: { ai: string } } {
  return { key: `gs1.error.${error.code}`, params: { ai: error.ai ?? '' } };
}
