import type { CteRule, KdeRule, LocalText, Profile, ValueRule } from '../types.ts';

/**
 * Guided event forms generated from a base standard (TCCS) profile: for each critical tracking event (CTE) the
 * profile lists, the fields the form asks, and the EPCIS 2.0 JSON-LD event built from the answers. Pure: no I/O,
 * no React, so it is unit-tested against the built-in profiles.
 */

export type CteShape = 'origin' | 'observation' | 'shipping' | 'receiving' | 'transformation';

export type FieldKind = 'text' | 'date' | 'number' | 'select';

/** A key data element the user types (ILMD or a top-level extension). */
export interface KdeField {
  /** The profile's field path: `ilmd.tx:harvestDate`, `gdst:productOwner`. */
  readonly path: string;
  /** `prefix:local` member name, in ILMD or at the top of the event. */
  readonly member: string;
  readonly inIlmd: boolean;
  readonly requirement: KdeRule['requirement'];
  readonly label: LocalText | undefined;
  readonly kind: FieldKind;
  readonly pattern?: string;
  readonly min?: number;
  readonly max?: number;
  readonly options?: readonly string[];
  readonly rule?: LocalText;
}

export interface GuidedForm {
  readonly cte: CteRule;
  readonly shape: CteShape;
  /** Units the standard allows for quantities (empty: any UN/ECE Rec 20 code). */
  readonly units: readonly string[];
  readonly destination: KdeRule['requirement'] | null;
  readonly source: KdeRule['requirement'] | null;
  readonly despatch: KdeRule['requirement'] | null;
  readonly certification: KdeRule['requirement'] | null;
  readonly kdes: readonly KdeField[];
  /** Values the standard reads from the location's own record (`$location.growingAreaCode`). */
  readonly fromLocation: readonly { attribute: string; requirement: KdeRule['requirement'] }[];
}

const ISO_DATE = '^\\d{4}-\\d{2}-\\d{2}$';

/** The CTEs in chain order. */
export function recordableCtes(profile: Profile): CteRule[] {
  return [...profile.ctes].sort((a, b) => a.order - b.order);
}

function shapeOf(cte: CteRule): CteShape {
  if (cte.eventType === 'TransformationEvent') return 'transformation';
  const step = bareBizStep(cte.bizStep);
  if (step === 'shipping') return 'shipping';
  if (step === 'receiving') return 'receiving';
  if (step === 'commissioning') return 'origin';
  return 'observation';
}

/** CBV business steps are written as bare words in the profile and in JSON-LD; URNs are reduced to the word. */
export function bareBizStep(bizStep: string): string {
  const urn = /^urn:epcglobal:cbv:bizstep:(.+)$/i.exec(bizStep);
  if (urn) return urn[1]!;
  const web = /^https?:\/\/ref\.gs1\.org\/cbv\/BizStep-(.+)$/.exec(bizStep);
  return web ? web[1]! : bizStep;
}

function rulesFor(profile: Profile, cte: CteRule, path: string): ValueRule[] {
  return profile.valueRules.filter((r) => r.path === path && (!r.ctes || r.ctes.includes(cte.id)));
}

function kdeField(profile: Profile, cte: CteRule, kde: KdeRule): KdeField | undefined {
  const inIlmd = kde.path.startsWith('ilmd.');
  const member = inIlmd ? kde.path.slice('ilmd.'.length) : kde.path;
  // Nested lists (GDST vessel catch information) need their own editor; a flat form cannot ask them.
  if (!/^[A-Za-z][\w-]*:[\w.-]+$/.test(member) || member.includes('.')) return undefined;
  let field: KdeField = {
    path: kde.path,
    member,
    inIlmd,
    requirement: kde.requirement,
    label: kde.label,
    kind: 'text',
  };
  for (const rule of rulesFor(profile, cte, kde.path)) {
    const check = rule.check;
    switch (check.kind) {
      case 'pattern':
        field =
          check.pattern === ISO_DATE
            ? { ...field, kind: 'date', rule: rule.description }
            : { ...field, pattern: check.pattern, rule: rule.description };
        break;
      case 'range':
        field = {
          ...field,
          kind: 'number',
          rule: rule.description,
          ...(check.min !== undefined ? { min: check.min } : {}),
          ...(check.max !== undefined ? { max: check.max } : {}),
        };
        break;
      case 'oneOf':
        field = { ...field, kind: 'select', options: check.values, rule: rule.description };
        break;
      case 'units':
        break;
    }
  }
  return field;
}

/** What the form for one CTE asks. */
export function guidedForm(profile: Profile, cte: CteRule): GuidedForm {
  const shape = shapeOf(cte);
  const requirementOf = (path: string) => cte.kdes.find((k) => k.path === path)?.requirement ?? null;
  const quantityPaths = ['quantityList[].uom', 'inputQuantityList[].uom', 'outputQuantityList[].uom'];
  const units = [
    ...new Set(
      profile.valueRules
        .filter((r) => quantityPaths.includes(r.path) && (!r.ctes || r.ctes.includes(cte.id)))
        .flatMap((r) => (r.check.kind === 'units' ? r.check.units.map((u) => u.toUpperCase()) : [])),
    ),
  ];
  const kdes = cte.kdes
    .filter((k) => k.path.startsWith('ilmd.') || /^[A-Za-z][\w-]*:/.test(k.path))
    .map((k) => kdeField(profile, cte, k))
    .filter((k): k is KdeField => k !== undefined);
  const fromLocation = cte.kdes
    .filter((k) => k.path.startsWith('$location.'))
    .map((k) => ({ attribute: k.path.slice('$location.'.length), requirement: k.requirement }));
  return {
    cte,
    shape,
    units,
    destination: requirementOf('destinationList') ?? (shape === 'shipping' ? 'required' : null),
    source: requirementOf('sourceList') ?? (shape === 'receiving' ? 'required' : null),
    despatch:
      requirementOf('bizTransactionList') ?? (shape === 'shipping' || shape === 'receiving' ? 'recommended' : null),
    certification: requirementOf('certificationInfo'),
    kdes,
    fromLocation,
  };
}

/** The generic steps for a product whose group has no published standard yet. */
export const GENERIC_PROFILE: Profile = {
  id: 'generic',
  version: 1,
  title: { vi: 'Chung', en: 'Generic' },
  productGroups: [],
  valueRules: [],
  ctes: [
    {
      id: 'shipping',
      name: { vi: 'Xuất hàng', en: 'Shipping' },
      bizStep: 'shipping',
      eventType: 'ObjectEvent',
      order: 1,
      party: 'any',
      requirement: 'required',
      kdes: [
        { path: 'readPoint', requirement: 'required' },
        { path: 'quantityList', requirement: 'required' },
        { path: 'destinationList', requirement: 'required' },
        { path: 'bizTransactionList', requirement: 'recommended' },
      ],
    },
    {
      id: 'receiving',
      name: { vi: 'Nhận hàng', en: 'Receiving' },
      bizStep: 'receiving',
      eventType: 'ObjectEvent',
      order: 2,
      party: 'any',
      requirement: 'recommended',
      kdes: [
        { path: 'bizLocation', requirement: 'required' },
        { path: 'quantityList', requirement: 'required' },
        { path: 'sourceList', requirement: 'required' },
        { path: 'bizTransactionList', requirement: 'recommended' },
      ],
    },
  ],
};

export interface Quantity {
  readonly lot: string;
  /** The class identifier as another event wrote it (a receipt repeats its shipment's); else built from the lot. */
  readonly epcClass?: string;
  readonly quantity: number;
  readonly uom: string;
}

/** The answers of a guided form, already checked by the form. */
export interface EventAnswers {
  readonly eventId: string;
  readonly gtin: string;
  /** The event time with its offset, e.g. `2026-06-10T05:30:00+07:00`. */
  readonly eventTime: string;
  readonly timeZoneOffset: string;
  readonly locationGln: string;
  /** The lot observed (origin, observation, shipping, receiving). */
  readonly quantity?: Quantity;
  readonly inputs?: readonly Quantity[];
  readonly outputs?: readonly Quantity[];
  /** GLN of the recording organisation (the sender of a shipment, the receiver of a receipt). */
  readonly ownPartyGln?: string;
  readonly partnerGln?: string;
  /** The despatch advice number, unique at the sender. */
  readonly despatch?: string;
  /** The sender's GLN that scopes the despatch advice number (own GLN when shipping, partner's when receiving). */
  readonly despatchOwnerGln?: string;
  /** A business transaction identifier given whole (a receipt repeats its shipment's); wins over `despatch`. */
  readonly bizTransaction?: string;
  readonly certification?: string;
  readonly kdes: Readonly<Record<string, string | number>>;
}

export const lotLink = (gtin: string, lot: string) => `https://id.gs1.org/01/${gtin}/10/${encodeURIComponent(lot)}`;
const placeOf = (gln: string) => ({ id: `https://id.gs1.org/414/${gln}` });
const partyOf = (gln: string) => `https://id.gs1.org/417/${gln}`;
const quantityOf = (gtin: string, q: Quantity) => ({
  epcClass: q.epcClass ?? lotLink(gtin, q.lot),
  quantity: q.quantity,
  uom: q.uom,
});

/** The EPCIS 2.0 event (JSON-LD, without @context) for a CTE and its answers. */
export function buildEvent(form: GuidedForm, answers: EventAnswers): Record<string, unknown> {
  const { cte, shape } = form;
  const ilmd: Record<string, string | number> = {};
  const extensions: Record<string, string | number> = {};
  for (const field of form.kdes) {
    const value = answers.kdes[field.path];
    if (value === undefined || value === '') continue;
    if (field.inIlmd) ilmd[field.member] = value;
    else extensions[field.member] = value;
  }
  const common = {
    eventID: answers.eventId,
    eventTime: answers.eventTime,
    eventTimeZoneOffset: answers.timeZoneOffset,
  };
  const place = placeOf(answers.locationGln);
  const certification = answers.certification ? { certificationInfo: answers.certification } : {};
  const transaction =
    answers.bizTransaction ??
    (answers.despatch && answers.despatchOwnerGln
      ? `urn:epcglobal:cbv:bt:${answers.despatchOwnerGln}:${answers.despatch}`
      : undefined);
  const despatch = transaction ? { bizTransactionList: [{ type: 'desadv', bizTransaction: transaction }] } : {};
  if (shape === 'transformation') {
    return {
      type: 'TransformationEvent',
      ...common,
      bizStep: cte.bizStep,
      disposition: 'active',
      inputQuantityList: (answers.inputs ?? []).map((q) => quantityOf(answers.gtin, q)),
      outputQuantityList: (answers.outputs ?? []).map((q) => quantityOf(answers.gtin, q)),
      readPoint: place,
      bizLocation: place,
      ...certification,
      ...(Object.keys(ilmd).length > 0 ? { ilmd } : {}),
      ...extensions,
    };
  }
  if (!answers.quantity) throw new Error('An ObjectEvent needs the quantity of its lot');
  const quantityList = [quantityOf(answers.gtin, answers.quantity)];
  if (shape === 'shipping' || shape === 'receiving') {
    const shipping = shape === 'shipping';
    const sender = shipping ? answers.ownPartyGln : answers.partnerGln;
    const receiver = shipping ? answers.partnerGln : answers.ownPartyGln;
    return {
      type: 'ObjectEvent',
      ...common,
      action: 'OBSERVE',
      bizStep: cte.bizStep,
      disposition: shipping ? 'in_transit' : 'in_progress',
      quantityList,
      readPoint: place,
      ...(shipping ? {} : { bizLocation: place }),
      ...despatch,
      ...(sender ? { sourceList: [{ type: 'owning_party', source: partyOf(sender) }] } : {}),
      ...(receiver ? { destinationList: [{ type: 'owning_party', destination: partyOf(receiver) }] } : {}),
      ...certification,
      ...extensions,
    };
  }
  const origin = shape === 'origin';
  return {
    type: 'ObjectEvent',
    ...common,
    // ILMD (the lot's master data) belongs to the event that creates the lot: ADD.
    action: origin ? 'ADD' : 'OBSERVE',
    bizStep: cte.bizStep,
    disposition: 'active',
    quantityList,
    readPoint: place,
    bizLocation: place,
    ...certification,
    ...(origin && Object.keys(ilmd).length > 0 ? { ilmd } : {}),
    ...extensions,
  };
}

/** `+07:00` for a device seven hours ahead of UTC. */
export function offsetOf(date: Date): string {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes >= 0 ? '+' : '-';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** The local time of `date` with its offset, to the second: what EPCIS `eventTime` carries. */
export function localTimeWithOffset(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}${offsetOf(date)}`
  );
}

/** Lots of a GTIN named in EPCIS events, most recent event first, each once. */
export function lotsInEvents(events: readonly Record<string, unknown>[], gtin: string): string[] {
  const prefix = `https://id.gs1.org/01/${gtin}/10/`;
  const lots: string[] = [];
  for (const event of events) {
    for (const list of ['outputQuantityList', 'quantityList', 'inputQuantityList']) {
      const items = event[list];
      if (!Array.isArray(items)) continue;
      for (const item of items as { epcClass?: unknown }[]) {
        if (typeof item.epcClass !== 'string' || !item.epcClass.startsWith(prefix)) continue;
        const lot = decodeURIComponent(item.epcClass.slice(prefix.length).split(/[/?#]/)[0]!);
        if (!lots.includes(lot)) lots.push(lot);
      }
    }
  }
  return lots;
}

/** A suggested lot number for a new lot: a short prefix and today's date, e.g. `TH-20260610`. */
export function suggestLot(prefix: string, date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${prefix}-${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}`;
}
