import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { captureNow } from '../../src/epcis/capture.service.ts';
import * as repo from '../../src/federation/national.repository.ts';
import { withCheckDigit } from '../../src/identifiers/index.ts';
import { SYSTEM } from '../../src/shared/caller.ts';
import { makeOrganisation } from './app.ts';

/** A 1×1 PNG: the product image the national portal requires. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/**
 * Organisations enrolled in a national platform, each with `products` products (with an image) and one lot per
 * product with two stage events (commissioning, shipping): what the national sync sends. `series` (two digits)
 * keeps tax codes and GTINs apart between test files sharing a database.
 */
export async function seedEnrolledOrganisations(
  db: Kysely<DB>,
  options: { organisations: number; products: number; series: string; platform: string; decidedAt: Date },
): Promise<string[]> {
  const group = await db.selectFrom('product_group').select('code').limit(1).executeTakeFirstOrThrow();
  const ids: string[] = [];
  for (let o = 0; o < options.organisations; o++) {
    const organisationId = await makeOrganisation(db, { tax_code: `330000${options.series}${o}0` });
    ids.push(organisationId);
    for (let p = 0; p < options.products; p++) {
      const gtin = withCheckDigit(`089360${options.series}${o}${p}000`);
      const productId = randomUUID();
      await db
        .insertInto('product')
        .values({
          id: productId,
          organisation_id: organisationId,
          gtin,
          name: `Sản phẩm ${o}-${p}`,
          group_code: group.code,
          net_content: 500,
          net_content_unit: 'GRM',
        })
        .execute();
      const mediaId = randomUUID();
      await db
        .insertInto('media')
        .values({
          id: mediaId,
          organisation_id: organisationId,
          purpose: 'image',
          content_type: 'image/png',
          byte_size: PNG.length,
          sha256: randomUUID(),
          data: PNG,
          original_name: null,
        })
        .execute();
      await db.insertInto('product_image').values({ product_id: productId, media_id: mediaId, position: 0 }).execute();
      // One lot with two stage events: a chain and its events.
      await captureNow(db, SYSTEM, {
        format: 'json',
        onBehalfOf: organisationId,
        body: JSON.stringify({
          '@context': 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
          type: 'EPCISDocument',
          schemaVersion: '2.0',
          creationDate: '2026-05-01T08:00:00+07:00',
          epcisBody: {
            eventList: ['commissioning', 'shipping'].map((bizStep, i) => ({
              type: 'ObjectEvent',
              eventTime: `2026-05-0${p + 1}T0${i + 1}:00:00Z`,
              eventTimeZoneOffset: '+07:00',
              epcList: [],
              quantityList: [{ epcClass: `https://id.gs1.org/01/${gtin}/10/LOT-${o}${p}`, quantity: 10, uom: 'KGM' }],
              action: i === 0 ? 'ADD' : 'OBSERVE',
              bizStep,
            })),
          },
        }),
      });
    }
    await repo.upsertEnrolment(db, {
      platform: options.platform,
      organisation_id: organisationId,
      enabled: true,
      decided_by: null,
      decided_at: options.decidedAt,
    });
  }
  return ids;
}
