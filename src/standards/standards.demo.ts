import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Caller } from '../shared/caller.ts';
import { scoreShippedLots } from './standards.service.ts';

const DEMO: Caller = { kind: 'system', reason: 'demo data' };

/** Demo step: every shipped demo lot gets a compliance score against its product group's published standard. */
export async function scoreDemoLots(db: Kysely<DB>): Promise<void> {
  await scoreShippedLots(db, DEMO);
}
