import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { demoClock, type DemoClock } from './clock.ts';
import { captureDemoEvents } from './events.ts';
import { runDemoMockRecall } from './recall.ts';
import { scoreDemoLots } from '../standards/standards.demo.ts';
import { issueDemoStamps } from '../labels/labels.demo.ts';
import { scanDemoStamps } from '../resolver/resolver.demo.ts';
import { insightsDemo } from '../insights/insights.demo.ts';
import { createUser, grantDelegation } from '../registry/identity.service.ts';
import { createLocation } from '../registry/location.service.ts';
import { findOrganisationByTaxCode } from '../registry/organisation.repository.ts';
import { createOrganisation } from '../registry/organisation.service.ts';
import { createProduct } from '../registry/product.service.ts';
import { createTraining, recordAttendance } from '../registry/training.service.ts';
import { SYSTEM, type Caller } from '../shared/caller.ts';
import {
  AUTHORITY_TAX_CODE,
  DEMO_DELEGATIONS,
  DEMO_ORGANISATIONS,
  DEMO_PASSWORD,
  DEMO_TRAINING,
  type DemoUser,
} from './hue.ts';

/** The ids of what the registry part of the demo created, by the keys used in `hue.ts`. */
export interface DemoRegistry {
  readonly organisations: ReadonlyMap<string, string>;
  readonly locations: ReadonlyMap<string, { id: string; gln: string; organisationId: string }>;
  readonly products: ReadonlyMap<string, { id: string; gtin: string; organisationId: string }>;
  readonly trainingId: string;
  /** The calendar the story's dates move with (see `clock.ts`): steps date what they write with it. */
  readonly clock: DemoClock;
}

/**
 * A later part of the demo (events, stamps, scans, a recall …). Steps run in order, in the same transaction, after
 * the registry is loaded; each capability adds its step to DEMO_STEPS.
 */
export type DemoStep = (db: Kysely<DB>, demo: DemoRegistry) => Promise<void>;

const DEMO_STEPS: readonly DemoStep[] = [
  captureDemoEvents,
  runDemoMockRecall,
  scoreDemoLots,
  issueDemoStamps,
  scanDemoStamps,
  insightsDemo,
];

export interface DemoSignIn extends DemoUser {
  readonly organisation: string;
}

/** Every demo sign-in (all share DEMO_PASSWORD). */
export const DEMO_SIGN_INS: readonly DemoSignIn[] = DEMO_ORGANISATIONS.flatMap((o) =>
  o.users.map((u) => ({ ...u, organisation: o.organisation.name })),
);

export { DEMO_PASSWORD };

export type DemoLoadResult = { loaded: true; registry: DemoRegistry } | { loaded: false };

const DEMO_CALLER: Caller = { kind: 'system', reason: 'demo data' };

/** True when the demo data set is in the database (its authority is registered). */
export async function demoLoaded(db: Kysely<DB>): Promise<boolean> {
  return (await findOrganisationByTaxCode(db, AUTHORITY_TAX_CODE)) !== undefined;
}

export interface DemoLoadOptions {
  /** The instant the demo is loaded as of (default now): the story's dates move to its Huế day. */
  readonly now?: Date;
}

/**
 * Loads the Huế demo data set through the registry's service functions (so it passes the same validation as user
 * input), in one transaction. Idempotent: when the data set is already there it does nothing. Its dates are
 * relative to the load day (`clock.ts`), so the dashboards show recent activity.
 */
export async function loadDemoData(db: Kysely<DB>, options: DemoLoadOptions = {}): Promise<DemoLoadResult> {
  if (await demoLoaded(db)) return { loaded: false };
  const clock = demoClock(options.now);
  const registry = await db.transaction().execute(async (trx) => {
    const organisations = new Map<string, string>();
    const locations = new Map<string, { id: string; gln: string; organisationId: string }>();
    const products = new Map<string, { id: string; gtin: string; organisationId: string }>();
    for (const demo of DEMO_ORGANISATIONS) {
      const organisation = await createOrganisation(trx, DEMO_CALLER, { ...demo.organisation, status: 'active' });
      organisations.set(demo.key, organisation.id);
      for (const u of demo.users) {
        await createUser(trx, SYSTEM, {
          organisationId: organisation.id,
          email: u.login,
          displayName: u.displayName,
          password: DEMO_PASSWORD,
          role: u.role,
        });
      }
      for (const { key, parent, ...location } of demo.locations) {
        const parentId = parent === undefined ? null : locations.get(parent)?.id;
        if (parentId === undefined) throw new Error(`demo location ${key}: parent ${parent} must come first`);
        const created = await createLocation(trx, DEMO_CALLER, {
          ...location,
          organisationId: organisation.id,
          parentId,
        });
        locations.set(key, { id: created.id, gln: created.gln, organisationId: organisation.id });
      }
      for (const { key, ...product } of demo.products) {
        const certifications = product.certifications?.map((c) => ({
          ...c,
          validFrom: c.validFrom ? clock.day(c.validFrom) : c.validFrom,
          validTo: c.validTo ? clock.day(c.validTo) : c.validTo,
        }));
        const created = await createProduct(trx, DEMO_CALLER, {
          ...product,
          ...(certifications ? { certifications } : {}),
          organisationId: organisation.id,
        });
        products.set(key, { id: created.id, gtin: created.gtin, organisationId: organisation.id });
      }
    }
    for (const d of DEMO_DELEGATIONS) {
      await grantDelegation(trx, DEMO_CALLER, {
        organisationId: organisations.get(d.organisation)!,
        providerOrganisationId: organisations.get(d.provider)!,
        permissions: d.permissions,
      });
    }
    const { attendance, ...session } = DEMO_TRAINING;
    const training = await createTraining(trx, DEMO_CALLER, { ...session, heldOn: clock.day(session.heldOn) });
    for (const [key, people] of Object.entries(attendance)) {
      await recordAttendance(trx, DEMO_CALLER, training.id, organisations.get(key)!, people);
    }
    const result: DemoRegistry = { organisations, locations, products, trainingId: training.id, clock };
    for (const step of DEMO_STEPS) await step(trx, result);
    return result;
  });
  return { loaded: true, registry };
}

/** The lines printed after a demo load (CLI and first start). */
export function demoSignInLines(): string[] {
  const width = Math.max(...DEMO_SIGN_INS.map((s) => s.login.length));
  return [
    `Demo sign-ins (password ${DEMO_PASSWORD}):`,
    ...DEMO_SIGN_INS.map((s) => `  ${s.login.padEnd(width)}  ${s.role.padEnd(18)}  ${s.organisation}`),
  ];
}
