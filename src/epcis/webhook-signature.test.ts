import { describe, expect, it } from 'vitest';
import { verifyWebhookSignature, webhookSignature } from './webhook-signature.ts';

describe('GS1-Signature', () => {
  it('is the hex HMAC-SHA256 of the body (RFC 4231 test case 2)', () => {
    expect(webhookSignature('what do ya want for nothing?', 'Jefe')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('verifies the right signature and refuses a changed body or token', () => {
    const body = '{"type":"EPCISQueryDocument"}';
    const signature = webhookSignature(body, 'token-1');
    expect(verifyWebhookSignature(body, 'token-1', signature)).toBe(true);
    expect(verifyWebhookSignature(body, 'token-1', signature.toUpperCase())).toBe(true);
    expect(verifyWebhookSignature(`${body} `, 'token-1', signature)).toBe(false);
    expect(verifyWebhookSignature(body, 'token-2', signature)).toBe(false);
    expect(verifyWebhookSignature(body, 'token-1', 'abc')).toBe(false);
  });
});
