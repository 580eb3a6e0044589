import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Scratch-off verification codes. A code is 8 digits derived with HMAC-SHA-256 from the installation's secret and
 * the stamp's GTIN and serial, so every later PDF download prints the same code while the database never holds
 * it: a stamp row keeps only a second HMAC over the code (`verificationCodeHash`), which `codeMatches` compares in
 * constant time.
 */

export const VERIFICATION_CODE_DIGITS = 8;

export function verificationCode(secret: Buffer, gtin: string, serial: string): string {
  const mac = createHmac('sha256', secret).update(`code\0${gtin}\0${serial}`).digest();
  return (mac.readBigUInt64BE(0) % 10n ** BigInt(VERIFICATION_CODE_DIGITS))
    .toString()
    .padStart(VERIFICATION_CODE_DIGITS, '0');
}

export function verificationCodeHash(secret: Buffer, gtin: string, serial: string, code: string): string {
  return createHmac('sha256', secret).update(`check\0${gtin}\0${serial}\0${code}`).digest('hex');
}

/** The code as typed (spaces and hyphens ignored) if it has the right shape. */
export function normaliseVerificationCode(typed: string): string | undefined {
  const code = typed.replace(/[\s-]+/g, '');
  return code.length === VERIFICATION_CODE_DIGITS && /^\d+$/.test(code) ? code : undefined;
}

/** True when `typed` is the stamp's code; the comparison of the hashes takes the same time whatever they hold. */
export function codeMatches(secret: Buffer, gtin: string, serial: string, storedHash: string, typed: string): boolean {
  const code = normaliseVerificationCode(typed);
  const stored = Buffer.from(storedHash, 'hex');
  const given = Buffer.from(verificationCodeHash(secret, gtin, serial, code ?? ''), 'hex');
  return stored.length === given.length && timingSafeEqual(stored, given) && code !== undefined;
}
