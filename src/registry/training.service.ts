import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { callerOrganisation, requirePermission, seesEverything, type Caller } from '../shared/caller.ts';
import { notFound } from '../shared/errors.ts';
import { escapeLike, foldForSearch } from '../shared/text.ts';
import { isCalendarDate } from './registry.rules.ts';
import { FieldProblems, cleanText, parseSort, type PageRequest } from './validation.ts';

/**
 * Training sessions on traceability and which organisations attended (the plan's "100% trained" target). The
 * province records them; an organisation sees the sessions and only its own attendance.
 */

export interface TrainingInput {
  title: string;
  heldOn: string;
  place?: string | null | undefined;
  organiser?: string | null | undefined;
  topic?: string | null | undefined;
}

export interface Attendance {
  readonly organisationId: string;
  readonly organisationName: string;
  readonly attendees: number;
}

export interface TrainingSession {
  readonly id: string;
  readonly title: string;
  readonly heldOn: string;
  readonly place: string | null;
  readonly organiser: string | null;
  readonly topic: string | null;
  readonly attendance: Attendance[];
  readonly organisationCount: number;
  readonly attendeeCount: number;
}

function validate(input: TrainingInput) {
  const problems = new FieldProblems();
  const title = cleanText(input.title);
  if (title === null) problems.add('title', 'error.required');
  if (!isCalendarDate(input.heldOn)) problems.add('heldOn', 'registry.date');
  for (const [field, value] of Object.entries(input)) {
    if (typeof value === 'string' && value.length > 500) problems.add(field, 'registry.text.long');
  }
  problems.throwIfAny();
  return {
    title: title!,
    held_on: input.heldOn,
    place: cleanText(input.place),
    organiser: cleanText(input.organiser),
    topic: cleanText(input.topic),
    search_text: foldForSearch([title, input.place, input.organiser, input.topic].filter(Boolean).join(' ')),
  };
}

const SESSION_COLUMNS = ['id', 'title', 'place', 'organiser', 'topic'] as const;
const SORT = { heldOn: 'held_on', title: 'title' } as const;

async function toSessions(
  db: Kysely<DB>,
  caller: Caller,
  rows: {
    id: string;
    title: string;
    held_on: string;
    place: string | null;
    organiser: string | null;
    topic: string | null;
  }[],
): Promise<TrainingSession[]> {
  if (rows.length === 0) return [];
  const attendance = await db
    .selectFrom('training_attendance')
    .innerJoin('organisation', 'organisation.id', 'training_attendance.organisation_id')
    .select([
      'training_attendance.session_id',
      'training_attendance.organisation_id',
      'training_attendance.attendees',
      'organisation.name',
    ])
    .where(
      'training_attendance.session_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('organisation.name')
    .execute();
  const own = callerOrganisation(caller);
  const all = seesEverything(caller);
  return rows.map((r) => {
    const mine = attendance.filter((a) => a.session_id === r.id);
    return {
      id: r.id,
      title: r.title,
      heldOn: r.held_on,
      place: r.place,
      organiser: r.organiser,
      topic: r.topic,
      attendance: mine
        .filter((a) => all || a.organisation_id === own)
        .map((a) => ({ organisationId: a.organisation_id, organisationName: a.name, attendees: a.attendees })),
      organisationCount: mine.length,
      attendeeCount: mine.reduce((n, a) => n + a.attendees, 0),
    };
  });
}

async function findSession(db: Kysely<DB>, id: string) {
  return db
    .selectFrom('training_session')
    .select(SESSION_COLUMNS)
    .select(sql<string>`held_on::text`.as('held_on'))
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function getTraining(db: Kysely<DB>, caller: Caller, id: string): Promise<TrainingSession> {
  requirePermission(caller, 'registry:read');
  const row = await findSession(db, id);
  if (!row) throw notFound('Training session');
  return (await toSessions(db, caller, [row]))[0]!;
}

export async function listTrainings(
  db: Kysely<DB>,
  caller: Caller,
  query: PageRequest & { organisationId?: string | undefined },
): Promise<{ items: TrainingSession[]; total: number }> {
  requirePermission(caller, 'registry:read');
  const sort = parseSort(query.sort, Object.keys(SORT) as (keyof typeof SORT)[], 'heldOn');
  let q = db.selectFrom('training_session');
  if (query.search) q = q.where('search_text', 'like', `%${escapeLike(foldForSearch(query.search))}%`);
  if (query.organisationId !== undefined) {
    // Another organisation's attendance is private: filtering by it answers as if it attended nothing.
    const visible = seesEverything(caller) || callerOrganisation(caller) === query.organisationId;
    const organisationId = query.organisationId;
    q = q.where((eb) =>
      visible
        ? eb.exists(
            eb
              .selectFrom('training_attendance')
              .select('session_id')
              .whereRef('training_attendance.session_id', '=', 'training_session.id')
              .where('training_attendance.organisation_id', '=', organisationId),
          )
        : eb.val(false),
    );
  }
  const [rows, total] = await Promise.all([
    q
      .select(SESSION_COLUMNS)
      .select(sql<string>`held_on::text`.as('held_on'))
      .orderBy(SORT[sort.key], sort.direction)
      .orderBy('id')
      .limit(query.limit)
      .offset(query.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: await toSessions(db, caller, rows), total: Number(total.n) };
}

export async function createTraining(db: Kysely<DB>, caller: Caller, input: TrainingInput): Promise<TrainingSession> {
  requirePermission(caller, 'province:write');
  const id = randomUUID();
  await db
    .insertInto('training_session')
    .values({ id, ...validate(input) })
    .execute();
  return getTraining(db, caller, id);
}

export async function updateTraining(
  db: Kysely<DB>,
  caller: Caller,
  id: string,
  patch: Partial<TrainingInput>,
): Promise<TrainingSession> {
  requirePermission(caller, 'province:write');
  const existing = await getTraining(db, caller, id);
  await db
    .updateTable('training_session')
    .set({ ...validate({ ...existing, ...patch }), updated_at: new Date() })
    .where('id', '=', id)
    .execute();
  return getTraining(db, caller, id);
}

export async function deleteTraining(db: Kysely<DB>, caller: Caller, id: string): Promise<void> {
  requirePermission(caller, 'province:write');
  const result = await db.deleteFrom('training_session').where('id', '=', id).executeTakeFirst();
  if (result.numDeletedRows === 0n) throw notFound('Training session');
}

/** Records (or corrects) how many people of an organisation attended a session. */
export async function recordAttendance(
  db: Kysely<DB>,
  caller: Caller,
  sessionId: string,
  organisationId: string,
  attendees: number,
): Promise<TrainingSession> {
  requirePermission(caller, 'province:write');
  await getTraining(db, caller, sessionId);
  const problems = new FieldProblems();
  if (!Number.isInteger(attendees) || attendees < 1 || attendees > 100_000)
    problems.add('attendees', 'registry.attendees');
  const org = await db.selectFrom('organisation').select('id').where('id', '=', organisationId).executeTakeFirst();
  if (!org) problems.add('organisationId', 'registry.organisation.unknown');
  problems.throwIfAny();
  await db
    .insertInto('training_attendance')
    .values({ session_id: sessionId, organisation_id: organisationId, attendees })
    .onConflict((oc) => oc.columns(['session_id', 'organisation_id']).doUpdateSet({ attendees }))
    .execute();
  return getTraining(db, caller, sessionId);
}

export async function removeAttendance(
  db: Kysely<DB>,
  caller: Caller,
  sessionId: string,
  organisationId: string,
): Promise<void> {
  requirePermission(caller, 'province:write');
  const result = await db
    .deleteFrom('training_attendance')
    .where('session_id', '=', sessionId)
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  if (result.numDeletedRows === 0n) throw notFound('Attendance');
}
