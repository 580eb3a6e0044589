import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import type { EpcisEvent } from '../epcis/model.ts';
import {
  callerOrganisation,
  requireAuthenticated,
  requirePermission,
  seesEverything,
  type Caller,
} from '../shared/caller.ts';
import { AppError } from '../shared/errors.ts';
import { parseTraceIdentifier } from '../trace/trace.service.ts';
import { lotHistory } from './compliance.repository.ts';
import { evaluate, type LotRole } from './evaluate.ts';
import { masterDataFor } from './location-master.ts';
import type { ComplianceFinding, ComplianceResult, StandardProfile } from './profile.ts';
import { validateProfile } from './profile.schema.ts';
import * as repo from './standards.repository.ts';
import { recordAudit } from '../audit/index.ts';

/**
 * Base standards: the province authors profile documents as drafts, publishes them (superseding the previous
 * version) and everyone reads the published ones; lots are evaluated against one version and the evaluation keeps
 * that version.
 */

export interface StandardView {
  readonly id: string;
  readonly profileId: string;
  readonly version: number;
  readonly status: repo.StandardStatus;
  readonly title: string;
  readonly titleEn: string;
  readonly productGroups: string[];
  readonly publishedAt: Date | null;
  readonly supersededAt: Date | null;
  readonly updatedAt: Date;
}

export interface StandardDetail extends StandardView {
  readonly document: StandardProfile;
}

function view(row: repo.StandardRow): StandardView {
  return {
    id: row.id,
    profileId: row.profile_id,
    version: row.version,
    status: row.status,
    title: row.title,
    titleEn: row.title_en,
    productGroups: row.product_groups,
    publishedAt: row.published_at,
    supersededAt: row.superseded_at,
    updatedAt: row.updated_at,
  };
}
const detail = (row: repo.StandardRow): StandardDetail => ({ ...view(row), document: row.document as StandardProfile });

/** Authoring is the province's: `standards:manage` belongs to the province administrator's role only. */
function requireAuthor(caller: Caller): void {
  requirePermission(caller, 'standards:manage');
  if (!seesEverything(caller)) throw new AppError('forbidden', 'Only the province authors base standards');
}
const mayReadDrafts = (caller: Caller) => seesEverything(caller);

function checked(document: unknown): StandardProfile {
  const problems = validateProfile(document);
  if (problems.length > 0) {
    throw new AppError('validation', 'The document is not a valid standard profile', {
      fields: problems.map((p) => ({ field: `document.${p.field}`, message: p.message })),
    });
  }
  return document as StandardProfile;
}

export async function listStandards(
  db: Kysely<DB>,
  caller: Caller,
  options: { status?: repo.StandardStatus; productGroup?: string; profileId?: string; limit: number; offset: number },
): Promise<{ items: StandardView[]; total: number }> {
  const all: repo.StandardStatus[] = mayReadDrafts(caller)
    ? ['draft', 'published', 'superseded']
    : ['published', 'superseded'];
  const statuses = options.status === undefined ? all : all.filter((s) => s === options.status);
  if (statuses.length === 0) throw new AppError('forbidden', 'Drafts are the province’s');
  const page = await repo.listStandards(db, { ...options, statuses });
  return { items: page.items.map(view), total: page.total };
}

export async function getStandard(db: Kysely<DB>, caller: Caller, id: string): Promise<StandardDetail> {
  const row = await repo.findStandard(db, id);
  if (!row || (row.status === 'draft' && !mayReadDrafts(caller))) throw new AppError('not_found', `No standard ${id}`);
  return detail(row);
}

export interface DraftCheck {
  readonly valid: boolean;
  /** Field-level problems (`document.<path>`), none when the document could be saved as a draft. */
  readonly problems: { field: string; message: string }[];
  /** The version a new draft of this profile id must carry (the latest + 1); null when the id is unreadable. */
  readonly nextVersion: number | null;
}

/**
 * Checks a profile document as saving it would, without saving: the schema, the rules a schema cannot say and, for
 * a new draft (no `draftId`), that its version is the next of its profile. The editor calls it as the author types.
 */
export async function checkDraft(
  db: Kysely<DB>,
  caller: Caller,
  document: unknown,
  draftId?: string,
): Promise<DraftCheck> {
  requireAuthor(caller);
  const problems = validateProfile(document).map((p) => ({ field: `document.${p.field}`, message: p.message }));
  const id =
    document !== null && typeof document === 'object' && typeof (document as { id?: unknown }).id === 'string'
      ? (document as { id: string }).id
      : null;
  const nextVersion = id === null ? null : (await repo.latestVersion(db, id)) + 1;
  const version = (document as { version?: unknown } | null)?.version;
  if (draftId !== undefined) {
    const row = await repo.findStandard(db, draftId);
    if (!row) throw new AppError('not_found', `No standard ${draftId}`);
    if (id !== row.profile_id || version !== row.version)
      problems.push({ field: 'document.id', message: `expected ${row.profile_id} version ${row.version}` });
  } else if (problems.length === 0 && nextVersion !== null && version !== nextVersion) {
    problems.push({ field: 'document.version', message: `expected ${nextVersion}` });
  }
  return { valid: problems.length === 0, problems, nextVersion };
}

export async function createDraft(db: Kysely<DB>, caller: Caller, document: unknown): Promise<StandardDetail> {
  requireAuthor(caller);
  const profile = checked(document);
  const latest = await repo.latestVersion(db, profile.id);
  if (profile.version <= latest) {
    throw new AppError('conflict', `Version ${profile.version} of ${profile.id} exists; the next is ${latest + 1}`, {
      fields: [{ field: 'document.version', message: `expected ${latest + 1}` }],
    });
  }
  const by = caller.kind === 'user' ? caller.userId : caller.kind === 'apiKey' ? caller.apiKeyId : null;
  const created = await inTransaction(db, async (trx) => {
    const row = await repo.insertDraft(trx, profile, by);
    await recordAudit(trx, caller, {
      action: 'standards.draft.create',
      objectType: 'standard',
      objectId: row.id,
      change: profile,
    });
    return row;
  });
  return detail(created);
}

export async function updateDraft(
  db: Kysely<DB>,
  caller: Caller,
  id: string,
  document: unknown,
): Promise<StandardDetail> {
  requireAuthor(caller);
  const row = await repo.findStandard(db, id);
  if (!row) throw new AppError('not_found', `No standard ${id}`);
  if (row.status !== 'draft') throw new AppError('conflict', `Standard ${id} is ${row.status}; only a draft changes`);
  const profile = checked(document);
  if (profile.id !== row.profile_id || profile.version !== row.version) {
    throw new AppError('validation', 'A draft keeps its profile id and version', {
      fields: [{ field: 'document.id', message: `expected ${row.profile_id} version ${row.version}` }],
    });
  }
  const updated = await inTransaction(db, async (trx) => {
    const row = await repo.updateDraft(trx, id, profile);
    if (!row) throw new AppError('conflict', `Standard ${id} is no longer a draft`);
    await recordAudit(trx, caller, {
      action: 'standards.draft.update',
      objectType: 'standard',
      objectId: id,
      change: profile,
    });
    return row;
  });
  return detail(updated);
}

export async function publishStandard(db: Kysely<DB>, caller: Caller, id: string): Promise<StandardDetail> {
  requireAuthor(caller);
  const row = await repo.findStandard(db, id);
  if (!row) throw new AppError('not_found', `No standard ${id}`);
  if (row.status !== 'draft')
    throw new AppError('conflict', `Standard ${id} is ${row.status}; only a draft is published`);
  const published = await inTransaction(db, async (trx) => {
    const done = await repo.publish(trx, id, row.profile_id);
    if (!done) throw new AppError('conflict', `Standard ${id} is no longer a draft`);
    await recordAudit(trx, caller, {
      action: 'standards.publish',
      objectType: 'standard',
      objectId: id,
      change: { id, profileId: row.profile_id, version: row.version },
    });
    return done;
  });
  return detail(published);
}

export interface EvaluationView extends ComplianceResult {
  readonly evaluationId: string;
  readonly standardId: string;
  readonly lot: string | null;
  readonly eventIds: string[];
  readonly evaluatedAt: Date;
}

/**
 * Evaluates a lot against a standard version: the lot's history is every event of its backward trace that the
 * caller may see (its own events, its inputs' and their origins'), each with the lot's role in it, or the events
 * given. The evaluation is stored
 * with the version used.
 */
export async function evaluateLot(
  db: Kysely<DB>,
  caller: Caller,
  standardId: string,
  input: { lot?: string | undefined; gtin?: string | undefined; events?: unknown[] | undefined },
  /** The organisation the evaluation is for (the lot's owner when the system scores lots); the caller's by default. */
  forOrganisation?: string,
): Promise<EvaluationView> {
  requireAuthenticated(caller);
  const standard = await getStandard(db, caller, standardId);
  let events: EpcisEvent[];
  let eventIds: string[] = [];
  let lot: string | null = null;
  let roles: LotRole[] = [];
  if (input.events !== undefined) {
    if (input.lot !== undefined || input.gtin !== undefined)
      throw new AppError('validation', 'Give a lot or a list of events, not both', {
        fields: [{ field: 'events', message: 'with lot' }],
      });
    events = input.events.filter(
      (e): e is EpcisEvent => e !== null && typeof e === 'object' && 'type' in e && 'eventTime' in e,
    );
    if (events.length !== input.events.length)
      throw new AppError('validation', 'Every event needs a type and an eventTime', {
        fields: [{ field: 'events', message: 'not EPCIS events' }],
      });
  } else {
    lot = parseTraceIdentifier({ id: input.lot, gtin: input.gtin, lot: undefined });
    requirePermission(caller, 'epcis:query');
    const viewer = seesEverything(caller) ? null : (callerOrganisation(caller) ?? null);
    const history = await lotHistory(db, lot, viewer);
    events = history.map((h) => h.document as unknown as EpcisEvent);
    roles = history.map((h) => (h.self ? 'self' : 'input'));
    eventIds = history.map((h) => h.eventId);
  }
  const result = evaluate(standard.document, events, await masterDataFor(db, events), roles);
  const saved = await repo.insertEvaluation(db, {
    standardId: standard.id,
    result,
    lot,
    organisationId: forOrganisation ?? callerOrganisation(caller) ?? null,
    eventIds,
    evaluatedBy: caller.kind === 'user' ? caller.userId : caller.kind === 'apiKey' ? caller.apiKeyId : caller.kind,
  });
  return { ...result, evaluationId: saved.id, standardId: standard.id, lot, eventIds, evaluatedAt: saved.evaluatedAt };
}

export interface LotScore {
  readonly lot: string;
  readonly standardId: string;
  readonly score: number;
  readonly errors: number;
  readonly warnings: number;
}

const LOT_GTIN = /^https:\/\/id\.gs1\.org\/01\/(\d{14})\/10\/[^/]+$/;

/**
 * Scores every shipped lot of a registered product against the published standard of the product's group (a
 * province TCCS before an international programme), storing each evaluation. Lots whose group has no standard are
 * left out.
 */
export async function scoreShippedLots(db: Kysely<DB>, caller: Caller): Promise<LotScore[]> {
  const lots = await repo.shippedLots(db);
  const gtins = [...new Set(lots.map((l) => LOT_GTIN.exec(l.lot)?.[1]).filter((g): g is string => g !== undefined))];
  const groups = await repo.productGroupsByGtin(db, gtins);
  const published = (await repo.listStandards(db, { statuses: ['published'], limit: 1000, offset: 0 })).items;
  const standardFor = (group: string) =>
    published
      .filter((s) => s.product_groups.includes(group))
      .sort((a, b) => Number(b.profile_id.startsWith('tccs-')) - Number(a.profile_id.startsWith('tccs-')))[0];
  const scores: LotScore[] = [];
  for (const { lot, organisationId } of lots) {
    const gtin = LOT_GTIN.exec(lot)?.[1];
    const group = gtin === undefined ? undefined : groups.get(gtin);
    const standard = group === undefined ? undefined : standardFor(group);
    if (!standard) continue;
    const result = await evaluateLot(db, caller, standard.id, { lot }, organisationId);
    scores.push({
      lot,
      standardId: standard.id,
      score: result.score,
      errors: result.errors,
      warnings: result.warnings,
    });
  }
  return scores;
}

export interface StoredEvaluation {
  readonly id: string;
  readonly standardId: string;
  readonly profileId: string;
  readonly version: number;
  readonly lot: string | null;
  readonly organisationId: string | null;
  readonly score: number;
  readonly errors: number;
  readonly warnings: number;
  readonly findings: ComplianceFinding[];
  readonly evaluatedAt: Date;
}

/** Stored evaluations: the province sees all, an organisation those made for it. */
export async function listEvaluations(
  db: Kysely<DB>,
  caller: Caller,
  options: { lot?: string | undefined; limit: number; offset: number },
): Promise<{ items: StoredEvaluation[]; total: number }> {
  requireAuthenticated(caller);
  const province =
    caller.kind === 'system' || ((caller.kind === 'user' || caller.kind === 'apiKey') && caller.province);
  const organisationId = province ? undefined : callerOrganisation(caller);
  if (!province && organisationId === undefined) throw new AppError('forbidden', 'Evaluations belong to organisations');
  const page = await repo.listEvaluations(db, { ...options, organisationId });
  return {
    total: page.total,
    items: page.items.map((r) => ({
      id: r.id,
      standardId: r.standard_id,
      profileId: r.profile_id,
      version: r.version,
      lot: r.lot,
      organisationId: r.organisation_id,
      score: r.score,
      errors: r.errors,
      warnings: r.warnings,
      findings: r.findings as ComplianceFinding[],
      evaluatedAt: r.evaluated_at,
    })),
  };
}
