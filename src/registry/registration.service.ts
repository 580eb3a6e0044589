import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { asSystem } from '../db/scope.ts';
import { inTransaction } from '../db/transaction.ts';
import { callerOrganisation, requirePermission, seesEverything, type Caller } from '../shared/caller.ts';
import { AppError, notFound, type FieldError } from '../shared/errors.ts';
import type { MessageKey } from '../shared/messages.ts';
import { foldForSearch } from '../shared/text.ts';
import { recordAudit, type AuditActor } from '../audit/index.ts';
import { notify } from '../notifications/index.ts';
import { HUE_PROVINCE_CODE } from './admin-units.ts';
import * as identityRepo from './identity.repository.ts';
import { checkPassword, hashPassword, isUniqueViolation, normaliseEmail, normalisePhone } from './identity.service.ts';
import * as organisationRepo from './organisation.repository.ts';
import { mapOrganisationConflict, validateOrganisation, type Organisation } from './organisation.service.ts';
import * as repo from './registration.repository.ts';
import { FieldProblems, cleanText, conflict } from './validation.ts';

/**
 * Self-registration (issue 10): a business signs itself up from the sign-in page. Its organisation is created
 * `pending` with its first administrator; that user signs in but holds no permission (identity.service.ts) until
 * the province approves. The province approves (`active`) or rejects (`rejected`, with a reason the applicant
 * reads); the applicant is notified either way and every step is in the audit trail.
 */

/** Kinds a business may give itself: the authority is the province, and only the province creates it. */
const SELF_KINDS: ReadonlySet<string> = new Set(['household', 'cooperative', 'company', 'provider', 'other']);

export interface RegistrationInput {
  readonly name: string;
  readonly kind: string;
  readonly taxCode: string;
  readonly provinceCode?: string | undefined;
  readonly communeCode?: string | undefined;
  readonly communeName: string;
  readonly address?: string | undefined;
  readonly contactName: string;
  readonly contactEmail?: string | undefined;
  readonly contactPhone?: string | undefined;
  readonly password: string;
  readonly locale?: 'vi' | 'en' | undefined;
}

export interface Registration {
  readonly organisationId: string;
  readonly userId: string;
  readonly status: 'pending';
}

/** Field problems of a thrown `validation` error, so that the form shows every bad field at once. */
function fieldsOf(e: unknown): readonly FieldError[] {
  if (e instanceof AppError && e.code === 'validation') return e.fields;
  throw e;
}

/**
 * The application form's rules (kinds a business may choose, tax code, commune, contact person), then `checks` for
 * what only one path asks (the sign-up's login and password), then the organisation's own rules: one validation
 * problem naming every field, one message per field; answers the organisation row (status `pending`).
 */
function validateApplication(
  input: ResubmissionInput,
  checks: (problems: FieldProblems) => void = () => undefined,
): ReturnType<typeof validateOrganisation> {
  const problems = new FieldProblems();
  if (!SELF_KINDS.has(input.kind)) problems.add('kind', 'registration.kind.notAllowed');
  if (cleanText(input.taxCode) === null) problems.add('taxCode', 'registration.taxCode.required');
  if (cleanText(input.communeName) === null) problems.add('communeName', 'registration.commune.required');
  const communeCode = cleanText(input.communeCode);
  if (communeCode !== null && !/^\d{5}$/.test(communeCode)) problems.add('communeCode', 'registration.commune.code');
  if (cleanText(input.contactName) === null) problems.add('contactName', 'registration.contact.required');
  checks(problems);
  const fields: FieldError[] = [];
  let row: ReturnType<typeof validateOrganisation> | undefined;
  try {
    row = validateOrganisation({
      name: input.name,
      kind: SELF_KINDS.has(input.kind) ? input.kind : 'other',
      taxCode: input.taxCode,
      provinceCode: input.provinceCode ?? HUE_PROVINCE_CODE,
      communeCode,
      communeName: input.communeName,
      address: input.address,
      contactName: input.contactName,
      contactEmail: input.contactEmail,
      contactPhone: input.contactPhone,
      status: 'pending',
    });
  } catch (e) {
    // The contact fields were checked above already: keep one message per field.
    const seen = new Set(problems.list.map((p) => p.field));
    fields.push(...fieldsOf(e).filter((f) => !seen.has(f.field)));
  }
  const all = [...problems.list, ...fields];
  if (all.length > 0 || row === undefined)
    throw new AppError('validation', all.map((f) => `${f.field}: ${f.message}`).join('; '), { fields: all });
  return row;
}

/**
 * Signs a business up: its organisation (`pending`), its first administrator (the contact person, signing in with
 * the contact e-mail or phone) and the application, in one transaction; the province is notified.
 */
export async function submitRegistration(
  db: Kysely<DB>,
  input: RegistrationInput,
  client: { ip?: string | undefined } = {},
  now = new Date(),
): Promise<Registration> {
  let email: string | null = null;
  let phone: string | null = null;
  const row = validateApplication(input, (problems) => {
    try {
      email = normaliseEmail(input.contactEmail);
    } catch {
      problems.add('contactEmail', 'error.email');
    }
    try {
      phone = normalisePhone(input.contactPhone);
    } catch {
      problems.add('contactPhone', 'error.phone');
    }
    if (cleanText(input.contactEmail) === null && cleanText(input.contactPhone) === null)
      problems.add('contactEmail', 'registration.login.required');
    try {
      checkPassword(input.password);
    } catch (e) {
      const key = fieldsOf(e)[0]?.messageKey ?? 'error.password.short';
      problems.add('password', key as MessageKey);
    }
  });

  const organisationId = randomUUID();
  const userId = randomUUID();
  const contactName = cleanText(input.contactName)!;
  const passwordHash = await hashPassword(input.password);
  const actor: AuditActor = { kind: 'anonymous', detail: client.ip ? `ip:${client.ip}` : null };
  await inTransaction(db, async (trx) => {
    try {
      await organisationRepo.insertOrganisation(trx, { id: organisationId, ...row, status: 'pending' });
    } catch (e) {
      mapOrganisationConflict(e);
    }
    try {
      await identityRepo.insertUser(trx, {
        id: userId,
        organisation_id: organisationId,
        email,
        phone,
        display_name: contactName,
        password_hash: passwordHash,
        role: 'org_admin',
        locale: input.locale === 'en' ? 'en' : 'vi',
        search_text: foldForSearch(`${contactName} ${email ?? ''} ${phone ?? ''}`),
      });
    } catch (e) {
      if (isUniqueViolation(e))
        throw conflict(email !== null ? 'contactEmail' : 'contactPhone', 'registration.login.taken');
      throw e;
    }
    // The sign-up is anonymous: no scope holds the organisation created above, so its application is stored as the
    // system (row-level security, migration 0028).
    await asSystem(() =>
      repo.insertRegistration(trx, {
        organisation_id: organisationId,
        applicant_user_id: userId,
        submitted_at: now,
      }),
    );
    await notify(trx, {
      organisationId: null,
      kind: 'registration.submitted',
      titleKey: 'registration.submitted',
      params: { name: row.name },
      link: '/app/organisations',
      payload: { organisationId },
    });
    await recordAudit(
      trx,
      actor,
      {
        action: 'registry.registration.submit',
        objectType: 'organisation',
        objectId: organisationId,
        organisationId,
        change: { ...row, applicant: { id: userId, email, phone, displayName: contactName } },
      },
      now,
    );
  });
  return { organisationId, userId, status: 'pending' };
}

export interface RegistrationView {
  readonly organisationId: string;
  readonly name: string;
  readonly kind: string;
  readonly taxCode: string | null;
  readonly provinceCode: string | null;
  readonly communeCode: string | null;
  readonly communeName: string | null;
  readonly address: string | null;
  readonly contactName: string | null;
  readonly contactEmail: string | null;
  readonly contactPhone: string | null;
  readonly status: Organisation['status'];
  readonly applicant: { id: string; displayName: string; email: string | null; phone: string | null };
  readonly submittedAt: Date;
  readonly decision: 'approved' | 'rejected' | null;
  readonly reason: string | null;
  readonly decidedAt: Date | null;
  /** Earlier rounds the applicant corrected and resubmitted after a rejection, oldest first. */
  readonly rounds: RegistrationRound[];
}

export interface RegistrationRound {
  readonly round: number;
  readonly submittedAt: Date;
  readonly decision: 'approved' | 'rejected';
  readonly reason: string | null;
  readonly decidedAt: Date | null;
}

async function roundsOf(db: Kysely<DB>, organisationIds: readonly string[]): Promise<Map<string, RegistrationRound[]>> {
  const byOrganisation = new Map<string, RegistrationRound[]>();
  for (const r of await repo.listRounds(db, organisationIds)) {
    const list = byOrganisation.get(r.organisation_id) ?? [];
    list.push({
      round: r.round,
      submittedAt: r.submitted_at,
      decision: r.decision,
      reason: r.reason,
      decidedAt: r.decided_at,
    });
    byOrganisation.set(r.organisation_id, list);
  }
  return byOrganisation;
}

function requireProvince(caller: Caller, permission: 'province:read' | 'province:write'): void {
  requirePermission(caller, permission);
  if (!seesEverything(caller)) throw new AppError('forbidden', 'Only the province reviews registrations');
}

/** The province's list of self-registrations: `pending` (undecided), `approved`, `rejected`, or all. */
export async function listRegistrations(
  db: Kysely<DB>,
  caller: Caller,
  query: { state?: repo.RegistrationState | undefined; limit: number; offset: number },
): Promise<{ items: RegistrationView[]; total: number }> {
  requireProvince(caller, 'province:read');
  const result = await repo.listRegistrations(db, query);
  const rounds = await roundsOf(
    db,
    result.items.map((r) => r.id),
  );
  return {
    total: result.total,
    items: result.items.map((r) => ({
      organisationId: r.id,
      name: r.name,
      kind: r.kind,
      taxCode: r.tax_code,
      provinceCode: r.province_code,
      communeCode: r.commune_code,
      communeName: r.commune_name,
      address: r.address,
      contactName: r.contact_name,
      contactEmail: r.contact_email,
      contactPhone: r.contact_phone,
      status: r.status as Organisation['status'],
      applicant: {
        id: r.applicant_id,
        displayName: r.applicant_name,
        email: r.applicant_email,
        phone: r.applicant_phone,
      },
      submittedAt: r.submitted_at,
      decision: r.decision,
      reason: r.reason,
      decidedAt: r.decided_at,
      rounds: rounds.get(r.id) ?? [],
    })),
  };
}

/**
 * The province decides on a registration still pending: `approve` makes the organisation active (its users get
 * their role's permissions at their next request), `reject` marks it rejected with a reason the applicant reads.
 * A registration decided already answers 409.
 */
export async function decideRegistration(
  db: Kysely<DB>,
  caller: Caller,
  organisationId: string,
  decision: { approve: boolean; reason?: string | undefined },
  now = new Date(),
): Promise<{ organisationId: string; status: 'active' | 'rejected' }> {
  requireProvince(caller, 'province:write');
  const reason = cleanText(decision.reason);
  if (!decision.approve && reason === null) {
    const problems = new FieldProblems();
    problems.add('reason', 'registration.reason.required');
    problems.throwIfAny();
  }
  const status = decision.approve ? 'active' : 'rejected';
  await inTransaction(db, async (trx) => {
    const organisation = await organisationRepo.findOrganisation(trx, organisationId);
    const registration = await repo.findRegistration(trx, organisationId);
    if (!organisation || !registration) throw notFound('Registration');
    const decided = await repo.decideRegistration(trx, organisationId, {
      decision: decision.approve ? 'approved' : 'rejected',
      reason,
      decided_at: now,
      decided_by: caller.kind === 'user' ? caller.userId : null,
    });
    if (!decided || organisation.status !== 'pending')
      throw new AppError('conflict', 'This registration has already been decided', {
        fields: [{ field: 'organisationId', message: 'already decided', messageKey: 'registration.decided' }],
      });
    await organisationRepo.updateOrganisation(trx, organisationId, { status });
    await notify(trx, {
      organisationId,
      kind: decision.approve ? 'registration.approved' : 'registration.rejected',
      titleKey: decision.approve ? 'registration.approved' : 'registration.rejected',
      params: { name: organisation.name, ...(reason !== null ? { reason } : {}) },
      link: '/app/',
    });
    await recordAudit(
      trx,
      caller,
      {
        action: decision.approve ? 'registry.registration.approve' : 'registry.registration.reject',
        objectType: 'organisation',
        objectId: organisationId,
        organisationId,
        change: { status, reason },
      },
      now,
    );
  });
  return { organisationId, status };
}

/** What a signed-in user sees of its own organisation's standing: its name, status and, if any, the decision. */
export async function ownStanding(
  db: Kysely<DB>,
  caller: Caller,
): Promise<
  | {
      organisationName: string;
      organisationStatus: string;
      registration: { submittedAt: Date; decidedAt: Date | null; reason: string | null } | null;
    }
  | undefined
> {
  const own = callerOrganisation(caller);
  if (own === undefined) return undefined;
  const organisation = await organisationRepo.findOrganisation(db, own);
  if (!organisation) return undefined;
  const registration = await repo.findRegistration(db, own);
  return {
    organisationName: organisation.name,
    organisationStatus: organisation.status,
    registration: registration
      ? { submittedAt: registration.submitted_at, decidedAt: registration.decided_at, reason: registration.reason }
      : null,
  };
}

/** What an applicant may correct when resubmitting: the organisation's record, not the account it signs in with. */
export type ResubmissionInput = Omit<RegistrationInput, 'password' | 'locale'>;

/** The application of the caller's own organisation while it is pending or rejected (for the correction form). */
export async function ownApplication(db: Kysely<DB>, caller: Caller): Promise<RegistrationView> {
  const own = callerOrganisation(caller);
  if (caller.kind !== 'user' || own === undefined) throw new AppError('forbidden', 'Only the applicant reads this');
  const organisation = await organisationRepo.findOrganisation(db, own);
  const registration = await repo.findRegistration(db, own);
  const applicant = registration ? await identityRepo.findUser(db, registration.applicant_user_id) : undefined;
  if (!organisation || !registration || !applicant) throw notFound('Registration');
  const rounds = await roundsOf(db, [own]);
  return {
    organisationId: organisation.id,
    name: organisation.name,
    kind: organisation.kind,
    taxCode: organisation.tax_code,
    provinceCode: organisation.province_code,
    communeCode: organisation.commune_code,
    communeName: organisation.commune_name,
    address: organisation.address,
    contactName: organisation.contact_name,
    contactEmail: organisation.contact_email,
    contactPhone: organisation.contact_phone,
    status: organisation.status as Organisation['status'],
    applicant: {
      id: applicant.id,
      displayName: applicant.display_name,
      email: applicant.email,
      phone: applicant.phone,
    },
    submittedAt: registration.submitted_at,
    decision: registration.decision,
    reason: registration.reason,
    decidedAt: registration.decided_at,
    rounds: rounds.get(own) ?? [],
  };
}

/**
 * A rejected applicant corrects its organisation's record and submits it again: the same organisation and account,
 * the application back to `pending` with a new submission time, the rejected round kept in the history
 * (`organisation_registration_round`), and the province notified as for a new application. Only an administrator
 * of the rejected organisation may do it; anything else than a rejected application answers 409.
 */
export async function resubmitRegistration(
  db: Kysely<DB>,
  caller: Caller,
  input: ResubmissionInput,
  client: { ip?: string | undefined } = {},
  now = new Date(),
): Promise<{ organisationId: string; status: 'pending' }> {
  const own = callerOrganisation(caller);
  if (caller.kind !== 'user' || own === undefined || caller.role !== 'org_admin')
    throw new AppError('forbidden', 'Only the applicant’s administrator resubmits');
  const row = validateApplication(input);

  await inTransaction(db, async (trx) => {
    const organisation = await organisationRepo.findOrganisation(trx, own);
    if (!organisation) throw notFound('Registration');
    if (organisation.status !== 'rejected' || !(await repo.reopenRegistration(trx, own, now)))
      throw new AppError('conflict', 'Only a rejected registration can be resubmitted', {
        fields: [{ field: 'organisationId', message: 'not rejected', messageKey: 'registration.resubmit.notRejected' }],
      });
    try {
      // Only the fields of the sign-up form: what the province may have added (GS1 prefix, GLN …) stays.
      const {
        name_en: _nameEn,
        gs1_company_prefix: _prefix,
        primary_gln: _gln,
        uses_barcodes: _barcodes,
        ...form
      } = row;
      await organisationRepo.updateOrganisation(trx, own, { ...form, status: 'pending' });
    } catch (e) {
      mapOrganisationConflict(e);
    }
    await notify(trx, {
      organisationId: null,
      kind: 'registration.submitted',
      titleKey: 'registration.resubmitted',
      params: { name: row.name },
      link: '/app/organisations',
      payload: { organisationId: own },
    });
    await recordAudit(
      trx,
      caller,
      {
        action: 'registry.registration.resubmit',
        objectType: 'organisation',
        objectId: own,
        organisationId: own,
        change: { ...row, ...(client.ip ? { ip: client.ip } : {}) },
      },
      now,
    );
  });
  return { organisationId: own, status: 'pending' };
}
