import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { BasedOn, LocalText, StandardProfile } from './profile.ts';
import { listStandards } from './standards.repository.ts';

/**
 * The public entry of the standards capability: what other capabilities (the registry, the consumer portal, capture)
 * may use. Everything else in `src/standards/` is internal.
 */

export type { ComplianceFinding, ComplianceResult, StandardProfile } from './profile.ts';
/** The profile document of a standard version (the contract's name for `StandardProfile`). */
export type Profile = StandardProfile;
export {
  bindProductStandard,
  standardForProduct,
  REFRESH_LOTS_JOB_KIND,
  processLotRefreshJob,
  type ProductStandard,
} from './compliance.service.ts';
export { standardsCaptureExtension } from './capture-extension.ts';

export interface PublishedStandard {
  readonly id: string;
  readonly profileId: string;
  readonly version: number;
  readonly title: LocalText;
  readonly productGroups: readonly string[];
  readonly basedOn: readonly BasedOn[];
  readonly retentionDays: number;
  /** The application guide (Markdown) in both languages. */
  readonly guide: LocalText;
  readonly publishedAt: Date | null;
}

/** Published standards for the public listing (`/tieu-chuan`), by profile id. */
export async function listPublishedStandards(db: Kysely<DB>): Promise<PublishedStandard[]> {
  const page = await listStandards(db, { statuses: ['published'], limit: 1000, offset: 0 });
  return page.items.map((row) => {
    const profile = row.document as StandardProfile;
    return {
      id: row.id,
      profileId: row.profile_id,
      version: row.version,
      title: profile.title,
      productGroups: profile.productGroups,
      basedOn: profile.basedOn,
      retentionDays: profile.retentionDays,
      guide: profile.guide,
      publishedAt: row.published_at,
    };
  });
}
