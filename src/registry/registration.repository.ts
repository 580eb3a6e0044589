import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

/** SQL for self-registrations (table `organisation_registration`, migration 0025). */

export async function insertRegistration(
  db: Kysely<DB>,
  row: { organisation_id: string; applicant_user_id: string; submitted_at: Date },
): Promise<void> {
  await db.insertInto('organisation_registration').values(row).execute();
}

export async function findRegistration(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('organisation_registration')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
}

/**
 * Records the decision on a registration still undecided; false when another decision came first (two province
 * officers clicking at once): the `decision is null` condition makes the first one win.
 */
export async function decideRegistration(
  db: Kysely<DB>,
  organisationId: string,
  decision: { decision: 'approved' | 'rejected'; reason: string | null; decided_at: Date; decided_by: string | null },
): Promise<boolean> {
  const result = await db
    .updateTable('organisation_registration')
    .set(decision)
    .where('organisation_id', '=', organisationId)
    .where('decision', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Starts a new round of a rejected registration: the decided round goes to `organisation_registration_round` (the
 * history keeps every rejection), and the application is undecided again with a new submission time. False when
 * the registration is not (or no longer) rejected.
 */
export async function reopenRegistration(db: Kysely<DB>, organisationId: string, submittedAt: Date): Promise<boolean> {
  const current = await db
    .selectFrom('organisation_registration')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('decision', '=', 'rejected')
    .forUpdate()
    .executeTakeFirst();
  if (!current) return false;
  const last = await db
    .selectFrom('organisation_registration_round')
    .select((eb) => eb.fn.max<number>('round').as('n'))
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  await db
    .insertInto('organisation_registration_round')
    .values({
      organisation_id: organisationId,
      round: Number(last?.n ?? 0) + 1,
      submitted_at: current.submitted_at,
      decision: 'rejected',
      reason: current.reason,
      decided_at: current.decided_at,
      decided_by: current.decided_by,
    })
    .execute();
  await db
    .updateTable('organisation_registration')
    .set({ submitted_at: submittedAt, decision: null, reason: null, decided_at: null, decided_by: null })
    .where('organisation_id', '=', organisationId)
    .execute();
  return true;
}

/** The earlier, decided rounds of the organisations' registrations, oldest first. */
export async function listRounds(db: Kysely<DB>, organisationIds: readonly string[]) {
  if (organisationIds.length === 0) return [];
  return db
    .selectFrom('organisation_registration_round')
    .selectAll()
    .where('organisation_id', 'in', organisationIds)
    .orderBy('organisation_id')
    .orderBy('round')
    .execute();
}

export type RegistrationState = 'pending' | 'approved' | 'rejected';

/** Registrations with their organisation and applicant, newest first; `pending` = not decided yet. */
export async function listRegistrations(
  db: Kysely<DB>,
  filter: { state?: RegistrationState | undefined; limit: number; offset: number },
) {
  let query = db
    .selectFrom('organisation_registration as r')
    .innerJoin('organisation as o', 'o.id', 'r.organisation_id')
    .innerJoin('app_user as u', 'u.id', 'r.applicant_user_id');
  // An organisation the province activated by editing its status directly is no longer waiting.
  if (filter.state === 'pending') query = query.where('r.decision', 'is', null).where('o.status', '=', 'pending');
  else if (filter.state !== undefined) query = query.where('r.decision', '=', filter.state);
  const [items, total] = await Promise.all([
    query
      .selectAll('o')
      .select([
        'r.submitted_at',
        'r.decision',
        'r.reason',
        'r.decided_at',
        'u.id as applicant_id',
        'u.display_name as applicant_name',
        'u.email as applicant_email',
        'u.phone as applicant_phone',
      ])
      .orderBy('r.submitted_at', 'desc')
      .orderBy('r.organisation_id')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}
