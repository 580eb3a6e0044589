import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { Gs1Error, parseDigitalLink, type AiElement } from '../identifiers/index.ts';
import { accessibleOrganisations, requireReadable, requireWritable } from '../registry/registry.access.ts';
import { FieldProblems, cleanText, conflict, uniqueViolation } from '../registry/validation.ts';
import type { Caller } from '../shared/caller.ts';
import { notFound } from '../shared/errors.ts';
import { DEFAULT_LINK, DEFAULT_LINK_MULTI, normaliseLinkType } from './link-types.ts';
import { isLanguageTag, isMediaType } from './negotiation.ts';
import { forgetKey, identifierPath } from './resolution.service.ts';
import * as repo from './resolver.repository.ts';

/**
 * The links businesses publish through the resolver, per identifier level (a GTIN, its lots and serials; a GLN and
 * its extensions), and the identifier levels they withdraw. Only the organisation that owns the product (GTIN) or
 * location (GLN) — or the province, or a provider it delegated registry rights to — may see and change them.
 */

export interface LinkInput {
  identifier: string;
  linkType: string;
  title: string;
  href: string;
  hreflang?: string[] | undefined;
  context?: string[] | undefined;
  mediaType?: string | null | undefined;
  isDefault?: boolean | undefined;
  active?: boolean | undefined;
}

export interface ResolverLinkView {
  readonly id: string;
  readonly organisationId: string;
  readonly identifier: string;
  readonly linkType: string;
  readonly title: string;
  readonly href: string;
  readonly hreflang: string[];
  readonly context: string[];
  readonly mediaType: string | null;
  readonly isDefault: boolean;
  readonly active: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

type Row = NonNullable<Awaited<ReturnType<typeof repo.findLink>>>;

function toView(r: Row): ResolverLinkView {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    identifier: r.identifier,
    linkType: r.link_type,
    title: r.title,
    href: r.href,
    hreflang: r.hreflang,
    context: r.context,
    mediaType: r.media_type,
    isDefault: r.is_default,
    active: r.active,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The primary keys whose links a business may manage: a registered product's GTIN and a location's GLN. */
const MANAGED_KEYS = new Set(['01', '414']);
const MAX_TITLE = 300;
const MAX_HREF = 2000;

/** Parses an identifier given as a Digital Link path or URI into its canonical level path. */
export function parseIdentifier(value: string): { path: string; primaryKey: AiElement } | 'invalid' | 'unmanaged' {
  const text = value.trim();
  const uri = text.startsWith('/') ? `https://id.gs1.org${text.replace(/\/$/, '')}` : text.replace(/\/$/, '');
  try {
    const dl = parseDigitalLink(uri);
    if (dl.attributes.length > 0 || dl.otherParams.length > 0) return 'invalid';
    if (!MANAGED_KEYS.has(dl.primaryKey.ai)) return 'unmanaged';
    return { path: identifierPath([dl.primaryKey, ...dl.qualifiers]), primaryKey: dl.primaryKey };
  } catch (e) {
    if (e instanceof Gs1Error) return 'invalid';
    throw e;
  }
}

/** The organisation owning the product or location of a primary key, with the registry object (404 when none). */
async function ownerOf(db: Kysely<DB>, key: AiElement) {
  if (key.ai === '01') {
    const product = await repo.productFacts(db, key.value);
    if (product)
      return { organisationId: product.organisationId, target: { kind: 'product' as const, id: product.id } };
  } else {
    const location = await repo.locationFacts(db, key.value);
    if (location)
      return { organisationId: location.organisation_id, target: { kind: 'location' as const, id: location.id } };
  }
  return undefined;
}

function validate(input: Partial<LinkInput>, problems: FieldProblems) {
  let linkType: string | undefined;
  if (input.linkType !== undefined) {
    linkType = normaliseLinkType(input.linkType);
    if (linkType === undefined) problems.add('linkType', 'resolver.linkType.unknown');
    else if (linkType === DEFAULT_LINK || linkType === DEFAULT_LINK_MULTI)
      problems.add('linkType', 'resolver.linkType.reserved');
  }
  const title = input.title === undefined ? undefined : cleanText(input.title);
  if (input.title !== undefined) {
    if (title === null) problems.add('title', 'error.required');
    else if (title!.length > MAX_TITLE) problems.add('title', 'resolver.text.long');
  }
  let href = input.href?.trim();
  if (href !== undefined) {
    if (isHttpUrl(href))
      href = new URL(href).href; // percent-encoded: it travels in Location and Link headers
    else problems.add('href', 'resolver.href.invalid');
  }
  const mediaType = input.mediaType === undefined ? undefined : cleanText(input.mediaType);
  if (mediaType && !isMediaType(mediaType)) problems.add('mediaType', 'resolver.mediaType.invalid');
  const hreflang = input.hreflang?.map((h) => h.trim());
  hreflang?.forEach((h, i) => {
    if (!isLanguageTag(h)) problems.add(`hreflang/${i}`, 'resolver.hreflang.invalid');
  });
  const context = input.context?.map((c) => c.trim());
  context?.forEach((c, i) => {
    if (!/^[A-Za-z0-9_-]{1,50}$/.test(c)) problems.add(`context/${i}`, 'resolver.context.invalid');
  });
  return { linkType, title, href, mediaType, hreflang, context };
}

function isHttpUrl(value: string): boolean {
  if (value.length > MAX_HREF) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

async function requireLevel(db: Kysely<DB>, caller: Caller, identifier: string, write: boolean) {
  const parsed = parseIdentifier(identifier);
  if (parsed === 'invalid' || parsed === 'unmanaged') {
    const problems = new FieldProblems();
    problems.add('identifier', parsed === 'invalid' ? 'resolver.identifier.invalid' : 'resolver.identifier.qualifier');
    problems.throwIfAny();
    throw new Error('unreachable');
  }
  const owner = await ownerOf(db, parsed.primaryKey);
  const what = parsed.primaryKey.ai === '01' ? 'Product' : 'Location';
  if (!owner) throw notFound(what);
  if (write) await requireWritable(db, caller, owner.organisationId, what, owner.target);
  else await requireReadable(db, caller, owner.organisationId, what, owner.target);
  return { ...parsed, organisationId: owner.organisationId };
}

function actorOf(caller: Caller): string | null {
  if (caller.kind === 'user') return caller.userId;
  if (caller.kind === 'apiKey') return `apiKey:${caller.apiKeyId}`;
  return null;
}

/** Publishes a link for an identifier level of one of the caller's products or locations. */
export async function createLink(db: Kysely<DB>, caller: Caller, input: LinkInput): Promise<ResolverLinkView> {
  const level = await requireLevel(db, caller, input.identifier, true);
  const problems = new FieldProblems();
  const v = validate(input, problems);
  if (v.title === undefined) problems.add('title', 'error.required');
  problems.throwIfAny();
  const id = randomUUID();
  await db.transaction().execute(async (trx) => {
    await repo.insertLink(trx, {
      id,
      organisation_id: level.organisationId,
      identifier: level.path,
      primary_ai: level.primaryKey.ai,
      primary_value: level.primaryKey.value,
      link_type: v.linkType!,
      title: v.title!,
      href: v.href!,
      hreflang: v.hreflang ?? [],
      context: v.context ?? [],
      media_type: v.mediaType ?? null,
      is_default: input.isDefault ?? false,
      active: input.active ?? true,
      created_by: actorOf(caller),
    });
    // One declared default per level: declaring a new one replaces the old.
    if (input.isDefault) await repo.clearDefaults(trx, level.path, id);
  });
  forgetKey(db, level.primaryKey);
  return toView((await repo.findLink(db, id))!);
}

async function existingLink(db: Kysely<DB>, caller: Caller, id: string, write: boolean): Promise<Row> {
  const row = await repo.findLink(db, id);
  if (!row) throw notFound('Link');
  const what = 'Link';
  const target =
    row.primary_ai === '01'
      ? await repo.productFacts(db, row.primary_value).then((p) => p && { kind: 'product' as const, id: p.id })
      : await repo.locationFacts(db, row.primary_value).then((l) => l && { kind: 'location' as const, id: l.id });
  if (write) await requireWritable(db, caller, row.organisation_id, what, target ?? undefined);
  else await requireReadable(db, caller, row.organisation_id, what, target ?? undefined);
  return row;
}

export async function getLink(db: Kysely<DB>, caller: Caller, id: string): Promise<ResolverLinkView> {
  return toView(await existingLink(db, caller, id, false));
}

export async function updateLink(
  db: Kysely<DB>,
  caller: Caller,
  id: string,
  patch: Partial<Omit<LinkInput, 'identifier'>>,
): Promise<ResolverLinkView> {
  const row = await existingLink(db, caller, id, true);
  const problems = new FieldProblems();
  const v = validate(patch, problems);
  problems.throwIfAny();
  await db.transaction().execute(async (trx) => {
    await repo.updateLink(trx, id, {
      ...(v.linkType !== undefined ? { link_type: v.linkType } : {}),
      ...(v.title !== undefined && v.title !== null ? { title: v.title } : {}),
      ...(v.href !== undefined ? { href: v.href } : {}),
      ...(v.hreflang !== undefined ? { hreflang: v.hreflang } : {}),
      ...(v.context !== undefined ? { context: v.context } : {}),
      ...(v.mediaType !== undefined ? { media_type: v.mediaType } : {}),
      ...(patch.isDefault !== undefined ? { is_default: patch.isDefault } : {}),
      ...(patch.active !== undefined ? { active: patch.active } : {}),
    });
    if (patch.isDefault) await repo.clearDefaults(trx, row.identifier, id);
  });
  forgetKey(db, { ai: row.primary_ai, value: row.primary_value });
  return toView((await repo.findLink(db, id))!);
}

export async function deleteLink(db: Kysely<DB>, caller: Caller, id: string): Promise<void> {
  const row = await existingLink(db, caller, id, true);
  await repo.deleteLink(db, id);
  forgetKey(db, { ai: row.primary_ai, value: row.primary_value });
}

/** Links the caller may see: of one identifier level (and its owner), or all of the caller's organisations. */
export async function listLinks(
  db: Kysely<DB>,
  caller: Caller,
  query: { identifier?: string | undefined; limit: number; offset: number },
): Promise<{ items: ResolverLinkView[]; total: number }> {
  if (query.identifier !== undefined) {
    const level = await requireLevel(db, caller, query.identifier, false);
    const result = await repo.listLinks(db, { identifier: level.path, limit: query.limit, offset: query.offset });
    return { items: result.items.map(toView), total: result.total };
  }
  const organisations = await accessibleOrganisations(db, caller, 'registry:read');
  const result = await repo.listLinks(db, {
    ...(organisations === 'all' ? {} : { organisations }),
    limit: query.limit,
    offset: query.offset,
  });
  return { items: result.items.map(toView), total: result.total };
}

export interface WithdrawalView {
  readonly identifier: string;
  readonly organisationId: string;
  readonly reason: string | null;
  readonly withdrawnAt: Date;
}

/** Withdraws an identifier level: the resolver answers 410 Gone for it and for every level below it. */
export async function withdrawIdentifier(
  db: Kysely<DB>,
  caller: Caller,
  input: { identifier: string; reason?: string | null | undefined },
): Promise<WithdrawalView> {
  const level = await requireLevel(db, caller, input.identifier, true);
  const reason = cleanText(input.reason)?.slice(0, 500) ?? null;
  try {
    await repo.insertWithdrawal(db, {
      identifier: level.path,
      organisation_id: level.organisationId,
      reason,
      withdrawn_by: actorOf(caller),
    });
  } catch (e) {
    if (uniqueViolation(e) !== undefined) throw conflict('identifier', 'resolver.withdrawal.exists');
    throw e;
  }
  forgetKey(db, level.primaryKey);
  const row = (await repo.findWithdrawal(db, level.path))!;
  return {
    identifier: row.identifier,
    organisationId: row.organisation_id,
    reason: row.reason,
    withdrawnAt: row.withdrawn_at,
  };
}

/** Takes a withdrawal back. */
export async function restoreIdentifier(db: Kysely<DB>, caller: Caller, identifier: string): Promise<void> {
  const level = await requireLevel(db, caller, identifier, true);
  if (!(await repo.findWithdrawal(db, level.path))) throw notFound('Withdrawal');
  await repo.deleteWithdrawal(db, level.path);
  forgetKey(db, level.primaryKey);
}

export async function listWithdrawals(db: Kysely<DB>, caller: Caller): Promise<WithdrawalView[]> {
  const organisations = await accessibleOrganisations(db, caller, 'registry:read');
  const rows = await repo.listWithdrawals(db, organisations === 'all' ? undefined : organisations);
  return rows.map((row) => ({
    identifier: row.identifier,
    organisationId: row.organisation_id,
    reason: row.reason,
    withdrawnAt: row.withdrawn_at,
  }));
}
