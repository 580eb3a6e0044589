import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The `GS1-Signature` header of webhook deliveries (EPCIS 2.0 REST binding, subscription callbacks; the binding
 * leaves the algorithm to the implementation). Ours: the lowercase hexadecimal HMAC-SHA256 of the exact request
 * body bytes, keyed with the UTF-8 bytes of the subscription's `signatureToken` — 64 characters, no prefix.
 * Pure: no I/O.
 */
export function webhookSignature(body: string | Buffer, signatureToken: string): string {
  return createHmac('sha256', Buffer.from(signatureToken, 'utf8')).update(body).digest('hex');
}

/** Checks a received `GS1-Signature` in constant time (what a receiver does). */
export function verifyWebhookSignature(body: string | Buffer, signatureToken: string, header: string): boolean {
  const expected = Buffer.from(webhookSignature(body, signatureToken), 'utf8');
  const given = Buffer.from(header.trim().toLowerCase(), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
