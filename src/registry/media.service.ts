import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { hasPermission, mayReadOrganisation, seesEverything, type Caller } from '../shared/caller.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { t } from '../shared/messages.ts';
import { DOCUMENT_TYPES, IMAGE_TYPES, sniffMediaType, type SniffedType } from './media-type.ts';
import { mayUseOrganisation } from './registry.access.ts';

/**
 * Uploaded images and documents. They are stored in the database (`media.data`, bytea), not on disk: several
 * stateless instances behind a proxy share one PostgreSQL but no file system, and files in the database are backed
 * up, restored and deleted with the rows that refer to them. Sizes are bounded by TRUYXUAT_MAX_UPLOAD_BYTES.
 */

export type MediaPurpose = 'image' | 'document';

export interface StoredMedia {
  readonly id: string;
  readonly contentType: SniffedType;
  readonly byteSize: number;
  readonly sha256: string;
}

/** Stores a file for an organisation after checking what it really is. The caller has been checked by the service. */
export async function storeMedia(
  db: Kysely<DB>,
  organisationId: string,
  purpose: MediaPurpose,
  data: Buffer,
  originalName: string | undefined,
): Promise<StoredMedia> {
  const field = purpose === 'image' ? 'image' : 'document';
  if (data.length === 0) {
    throw new AppError('validation', t('en', 'registry.media.empty'), {
      fields: [{ field, message: t('en', 'registry.media.empty'), messageKey: 'registry.media.empty' }],
    });
  }
  const sniffed = sniffMediaType(data);
  const allowed = purpose === 'image' ? IMAGE_TYPES : DOCUMENT_TYPES;
  if (sniffed === undefined || !allowed.includes(sniffed)) {
    const key = purpose === 'image' ? 'registry.media.type' : 'registry.media.documentType';
    throw new AppError('unsupported_media_type', t('en', key), {
      fields: [{ field, message: t('en', key), messageKey: key }],
    });
  }
  const id = randomUUID();
  const sha256 = createHash('sha256').update(data).digest('hex');
  await db
    .insertInto('media')
    .values({
      id,
      organisation_id: organisationId,
      purpose,
      content_type: sniffed,
      byte_size: data.length,
      sha256,
      data,
      // Kept for the owner's information only; never used to build a path or a header.
      original_name: originalName?.replace(/[^\p{L}\p{N} ._-]/gu, '_').slice(0, 200) ?? null,
    })
    .execute();
  return { id, contentType: sniffed, byteSize: data.length, sha256 };
}

/**
 * Reads a file for serving. Images attached to a product are public (the consumer page shows them); everything
 * else is visible to its organisation, providers it delegated to, and the province.
 */
export async function readMedia(
  db: Kysely<DB>,
  caller: Caller,
  id: string,
): Promise<{ contentType: string; data: Buffer; sha256: string; public: boolean }> {
  const row = await db
    .selectFrom('media')
    .select(['organisation_id', 'purpose', 'content_type', 'data', 'sha256'])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('product_image')
            .select('product_image.media_id')
            .whereRef('product_image.media_id', '=', 'media.id'),
        )
        .as('attached'),
    )
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('File');
  const isPublic = row.purpose === 'image' && Boolean(row.attached);
  if (!isPublic) {
    const allowed =
      hasPermission(caller, 'registry:read') &&
      (seesEverything(caller) ||
        mayReadOrganisation(caller, row.organisation_id) ||
        (await mayUseOrganisation(db, caller, row.organisation_id, 'registry:read', { kind: 'product' })));
    if (!allowed) throw notFound('File');
  }
  return { contentType: row.content_type, data: row.data, sha256: row.sha256, public: isPublic };
}
