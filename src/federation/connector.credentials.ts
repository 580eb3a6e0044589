import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { CredentialKind } from './connector.tables.ts';

/**
 * Credentials for remote EPCIS nodes and pull connectors are secrets: stored encrypted with AES-256-GCM under a key
 * derived (HKDF-SHA256) from the installation's federation secret, written only, never returned by the API and never
 * put in a log or a run's error text. The secret lives in the same database, so the encryption protects against a
 * leaked column or export, not against someone holding the whole database.
 */

export type Credential =
  | { readonly kind: 'none' }
  | { readonly kind: 'bearer'; readonly token: string }
  | { readonly kind: 'basic'; readonly username: string; readonly password: string };

const keys = new WeakMap<Kysely<DB>, Promise<Buffer>>();

async function keyOf(db: Kysely<DB>): Promise<Buffer> {
  let key = keys.get(db);
  if (key === undefined) {
    key = db
      .selectFrom('federation_secret')
      .select('secret')
      .where('id', '=', 1)
      .executeTakeFirstOrThrow()
      .then((row) =>
        Buffer.from(hkdfSync('sha256', Buffer.from(row.secret), '', 'truyxuat federation credentials', 32)),
      );
    keys.set(db, key);
  }
  return key;
}

/** The stored form: `v1.<iv>.<tag>.<ciphertext>` in base64url, or null for no credential. */
export async function sealCredential(
  db: Kysely<DB>,
  credential: Credential,
): Promise<{ kind: CredentialKind; sealed: string | null }> {
  if (credential.kind === 'none') return { kind: 'none', sealed: null };
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', await keyOf(db), iv);
  const data = Buffer.concat([cipher.update(JSON.stringify(credential), 'utf8'), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url'));
  return { kind: credential.kind, sealed: `v1.${parts.join('.')}` };
}

export async function openCredential(db: Kysely<DB>, sealed: string | null): Promise<Credential> {
  if (sealed === null) return { kind: 'none' };
  const [version, iv, tag, data] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('Unreadable stored credential');
  const decipher = createDecipheriv('aes-256-gcm', await keyOf(db), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  const text = Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  return JSON.parse(text) as Credential;
}

/** The Authorization header a credential gives, if any. */
export function authorizationHeader(credential: Credential): Record<string, string> {
  switch (credential.kind) {
    case 'none':
      return {};
    case 'bearer':
      return { authorization: `Bearer ${credential.token}` };
    case 'basic':
      return {
        authorization: `Basic ${Buffer.from(`${credential.username}:${credential.password}`, 'utf8').toString('base64')}`,
      };
  }
}
