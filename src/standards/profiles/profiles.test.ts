import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { EpcisEvent } from '../../epcis/model.ts';
import { evaluate, type EvaluationMasterData } from '../evaluate.ts';
import type { StandardProfile } from '../profile.ts';
import { validateProfile } from '../profile.schema.ts';
import { BUILT_IN_PROFILES } from './index.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const conformance = (file: string) => path.resolve(repoRoot, '../shared/conformance/opentraceability', file);

const profile = (id: string): StandardProfile => {
  const p = BUILT_IN_PROFILES.find((x) => x.id === id);
  if (!p) throw new Error(`no profile ${id}`);
  return p;
};

type Json = Record<string, unknown>;
const TZ = '+07:00';
const at = (day: string, hour = '08') => ({ eventTime: `${day}T${hour}:00:00${TZ}`, eventTimeZoneOffset: TZ });
const lot = (gtin: string, l: string) => `https://id.gs1.org/01/${gtin}/10/${l}`;
const place = (gln: string) => ({ id: `https://id.gs1.org/414/${gln}` });
const q = (gtin: string, l: string, quantity: number, uom = 'KGM') => ({ epcClass: lot(gtin, l), quantity, uom });
const ev = (e: Json) => e as unknown as EpcisEvent;

const FARM = '8930000000019';
const PLANT = '8930000000026';
const SHOP = '8930000000033';
const RAW = '08930000000014';
const OUT = '08930000000021';

function originEvent(day: string, items: Json[], ilmd: Json, extra: Json = {}): EpcisEvent {
  return ev({
    type: 'ObjectEvent',
    ...at(day),
    action: 'ADD',
    bizStep: 'commissioning',
    quantityList: items,
    readPoint: place(FARM),
    bizLocation: place(FARM),
    ilmd,
    ...extra,
  });
}
function transformation(
  day: string,
  inputs: Json[],
  outputs: Json[],
  ilmd: Json,
  bizStep = 'commissioning',
): EpcisEvent {
  return ev({
    type: 'TransformationEvent',
    ...at(day),
    bizStep,
    inputQuantityList: inputs,
    outputQuantityList: outputs,
    bizLocation: place(PLANT),
    ilmd,
  });
}
function observe(step: string, day: string, items: Json[], site = PLANT): EpcisEvent {
  return ev({
    type: 'ObjectEvent',
    ...at(day),
    action: 'OBSERVE',
    bizStep: step,
    quantityList: items,
    readPoint: place(site),
    bizLocation: place(site),
  });
}
function transfer(step: 'shipping' | 'receiving', day: string, items: Json[], extra: Json = {}): EpcisEvent {
  return ev({
    type: 'ObjectEvent',
    ...at(day, step === 'shipping' ? '07' : '15'),
    action: 'OBSERVE',
    bizStep: step,
    quantityList: items,
    readPoint: place(step === 'shipping' ? PLANT : SHOP),
    ...(step === 'receiving' ? { bizLocation: place(SHOP) } : {}),
    bizTransactionList: [{ type: 'desadv', bizTransaction: 'urn:epcglobal:cbv:bt:8930000000026:D-1' }],
    sourceList: [{ type: 'owning_party', source: `https://id.gs1.org/417/${PLANT}` }],
    destinationList: [{ type: 'owning_party', destination: `https://id.gs1.org/417/${SHOP}` }],
    ...extra,
  });
}

/** [code, cte, severity, eventIndex, field] of each finding, in the evaluation's order. */
const brief = (p: StandardProfile, events: EpcisEvent[], master: EvaluationMasterData = {}) =>
  evaluate(p, events, master).findings.map((f) => [f.code, f.cte, f.severity, f.eventIndex, f.field]);

const farmMaster = (attrs: Json): EvaluationMasterData => ({ locations: { [place(FARM).id]: attrs } });

describe('built-in profiles', () => {
  it('are at least 12, with unique ids, each valid against the profile schema', () => {
    expect(BUILT_IN_PROFILES.length).toBeGreaterThanOrEqual(12);
    expect(new Set(BUILT_IN_PROFILES.map((p) => p.id)).size).toBe(BUILT_IN_PROFILES.length);
    for (const p of BUILT_IN_PROFILES) expect([p.id, validateProfile(p)]).toEqual([p.id, []]);
  });
  it('each carry a guide in both languages and name the standard they rest on', () => {
    for (const p of BUILT_IN_PROFILES) {
      expect(p.guide.vi.length).toBeGreaterThan(200);
      expect(p.guide.en.length).toBeGreaterThan(200);
      expect(p.basedOn.length).toBeGreaterThan(0);
    }
  });
});

describe('fresh fruit and vegetables (TCVN 12827:2023)', () => {
  const p = profile('tccs-hue-fruit-veg');
  const harvest = (ilmd: Json = { 'tx:harvestDate': '2026-08-20' }) =>
    originEvent('2026-08-20', [q(RAW, 'TT-0820', 1200, 'H87')], ilmd, { certificationInfo: 'VietGAP-TTH-0042' });
  const history = (h = harvest()) => [
    h,
    observe('packing', '2026-08-21', [q(OUT, 'TT-0820', 1200, 'H87')]),
    transfer('shipping', '2026-08-22', [q(OUT, 'TT-0820', 600, 'H87')]),
    transfer('receiving', '2026-08-22', [q(OUT, 'TT-0820', 600, 'H87')]),
  ];
  const master: EvaluationMasterData = {
    locations: {
      [place(FARM).id]: { growingAreaCode: 'VN-TTHOR-0017' },
      [place(PLANT).id]: { packingHouseCode: 'VN-TTHPH-0001' },
    },
  };
  it('a compliant pomelo lot has no findings', () => {
    expect(brief(p, history(), master)).toEqual([]);
    expect(evaluate(p, history(), master).score).toBe(100);
  });
  it('flags a bad growing-area code, a missing harvest date and a missing packing', () => {
    const events = history(harvest({}));
    events.splice(1, 1);
    expect(brief(p, events, { locations: { [place(FARM).id]: { growingAreaCode: 'VN-TTH-17' } } })).toEqual([
      ['missing_event', 'packing', 'error', null, null],
      ['missing_kde', 'harvesting', 'error', 0, 'ilmd.tx:harvestDate'],
      ['value_out_of_rule', 'harvesting', 'error', 0, '$location.growingAreaCode'],
    ]);
  });
});

describe('fishery products and fish sauce (TCVN 13991:2024)', () => {
  const p = profile('tccs-hue-fishery-fish-sauce');
  const history = (
    fishIlmd: Json = { 'tx:fish': 'Cá cơm than', 'tx:catchArea': 'Vùng lộng Phú Thuận', 'tx:saltRatio': '3:1' },
  ) => [
    originEvent('2025-06-02', [q(RAW, 'CA-0602', 3000)], fishIlmd),
    transformation('2026-06-05', [q(RAW, 'CA-0602', 3000)], [q(OUT, 'NM-2606', 1800, 'LTR')], {
      'tx:protein': '35 g/l',
      'tx:bestBefore': '2028-06-05',
    }),
    observe('packing', '2026-06-06', [q(OUT, 'NM-2606', 1800, 'LTR')]),
    transfer('shipping', '2026-06-10', [q(OUT, 'NM-2606', 300, 'LTR')]),
    transfer('receiving', '2026-06-10', [q(OUT, 'NM-2606', 300, 'LTR')]),
  ];
  it('a compliant fish-sauce lot has no findings', () => {
    expect(brief(p, history())).toEqual([]);
  });
  it('flags a missing species and a malformed salt ratio, and an unknown unit', () => {
    const events = history({ 'tx:catchArea': 'Vùng lộng Phú Thuận', 'tx:saltRatio': 'ba phần một' });
    events[3] = transfer('shipping', '2026-06-10', [q(OUT, 'NM-2606', 300, 'GLL')]);
    expect(brief(p, events)).toEqual([
      ['missing_kde', 'catch', 'error', 0, 'ilmd.tx:fish'],
      ['value_out_of_rule', 'catch', 'warning', 0, 'ilmd.tx:saltRatio'],
      ['value_out_of_rule', 'shipping', 'error', 3, 'quantityList[].uom'],
    ]);
  });
});

describe('meat (TCVN 13166)', () => {
  const p = profile('tccs-hue-meat');
  const history = (carcass = 72) => [
    originEvent('2026-09-01', [q(RAW, 'HEO-0901', 100)], {
      'tx:species': 'Sus scrofa domesticus',
      'tx:veterinaryCertificate': 'KD-0901-17',
    }),
    transformation(
      '2026-09-02',
      [q(RAW, 'HEO-0901', 100)],
      [q(OUT, 'THIT-0902', carcass)],
      { 'tx:inspectionMark': 'TTH-GM-03' },
      'killing',
    ),
    observe('packing', '2026-09-02', [q(OUT, 'THIT-0902', carcass)]),
    transfer('shipping', '2026-09-03', [q(OUT, 'THIT-0902', 40)]),
    transfer('receiving', '2026-09-03', [q(OUT, 'THIT-0902', 40)]),
  ];
  it('a compliant meat lot has no findings', () => {
    expect(brief(p, history())).toEqual([]);
  });
  it('flags an implausible carcass yield and a shipment recorded before slaughter', () => {
    const events = history(95);
    events[3] = transfer('shipping', '2026-08-30', [q(OUT, 'THIT-0902', 40)]);
    expect(brief(p, events)).toEqual([
      ['order_violation', 'rearing', 'error', 0, 'eventTime'],
      ['order_violation', 'slaughtering', 'error', 1, 'eventTime'],
      ['yield_out_of_range', 'slaughtering', 'warning', 1, 'outputQuantityList'],
      ['order_violation', 'packing', 'error', 2, 'eventTime'],
    ]);
  });
});

describe('honey (TCVN 13843:2023)', () => {
  const p = profile('tccs-hue-honey');
  const history = (moisture = 19.2) => [
    originEvent('2026-04-02', [q(RAW, 'MO-0402', 200)], {
      'tx:harvestDate': '2026-04-02',
      'tx:floralSource': 'Hoa keo',
      'tx:moisturePercent': moisture,
    }),
    transformation('2026-04-05', [q(RAW, 'MO-0402', 200)], [q(OUT, 'MO-0405', 190)], { 'tx:bestBefore': '2028-04-05' }),
    transfer('shipping', '2026-04-08', [q(OUT, 'MO-0405', 50)]),
    transfer('receiving', '2026-04-08', [q(OUT, 'MO-0405', 50)]),
  ];
  it('a compliant honey lot has no findings', () => {
    expect(brief(p, history())).toEqual([]);
  });
  it('flags moisture above 20% and a missing shipment', () => {
    const events = history(23.5).slice(0, 2);
    expect(brief(p, events)).toEqual([
      ['missing_event', 'shipping', 'error', null, null],
      ['missing_event', 'receiving', 'warning', null, null],
      ['value_out_of_rule', 'harvesting', 'error', 0, 'ilmd.tx:moisturePercent'],
    ]);
  });
});

describe('packaged processed food (mè xửng)', () => {
  const p = profile('tccs-hue-packaged-food');
  const history = (ilmd: Json = { 'tx:productionDate': '2026-06-18', 'tx:bestBefore': '2026-12-18' }) => [
    transformation('2026-06-18', [q(RAW, 'ME-0615', 120)], [q(OUT, 'MX-0618', 105)], ilmd),
    observe('packing', '2026-06-18', [q(OUT, 'MX-0618', 105)]),
    transfer('shipping', '2026-06-20', [q(OUT, 'MX-0618', 50)]),
    transfer('receiving', '2026-06-20', [q(OUT, 'MX-0618', 50)]),
  ];
  it('a compliant sesame-candy batch has no findings', () => {
    expect(brief(p, history())).toEqual([]);
  });
  it('flags a best-before date in the wrong form and a missing production date', () => {
    expect(brief(p, history({ 'tx:bestBefore': '18/12/2026' }))).toEqual([
      ['missing_kde', 'production', 'error', 0, 'ilmd.tx:productionDate'],
      ['value_out_of_rule', 'production', 'error', 0, 'ilmd.tx:bestBefore'],
    ]);
  });
});

describe('rice (gạo An Lỗ)', () => {
  const p = profile('tccs-hue-rice');
  const history = (rice = 2700) => [
    originEvent(
      '2026-05-20',
      [q(RAW, 'LUA-2605', 4200)],
      { 'tx:harvestDate': '2026-05-20', 'tx:variety': 'HG12 hữu cơ' },
      { certificationInfo: 'ORG-VN-2026-11' },
    ),
    transformation('2026-05-27', [q(RAW, 'LUA-2605', 4.2, 'TNE')], [q(OUT, 'GAO-2605', rice)], {
      'tx:bestBefore': '2027-05-27',
    }),
    observe('packing', '2026-05-28', [q(OUT, 'GAO-2605', rice)]),
    transfer('shipping', '2026-06-01', [q(OUT, 'GAO-2605', 500)]),
    transfer('receiving', '2026-06-01', [q(OUT, 'GAO-2605', 500)]),
  ];
  it('a compliant rice lot has no findings', () => {
    expect(brief(p, history(), farmMaster({ growingAreaCode: 'VN-TTHOR-0017' }))).toEqual([]);
  });
  it('flags rice milled beyond the plausible yield and a field without a growing-area code', () => {
    expect(brief(p, history(3600), {})).toEqual([
      ['missing_kde', 'harvesting', 'warning', 0, '$location.growingAreaCode'],
      ['yield_out_of_range', 'milling', 'error', 1, 'outputQuantityList'],
    ]);
    expect(evaluate(p, history(3600), {}).findings[1]!.details).toEqual({
      yield: 0.8571,
      min: 0.6,
      max: 0.72,
      unit: 'KGM',
    });
  });
});

describe('lotus seeds (sen Huế)', () => {
  const p = profile('tccs-hue-lotus');
  const harvests = [
    originEvent('2026-06-10', [q(RAW, 'TT-2606-A', 350)], {
      'tx:harvestDate': '2026-06-10',
      'tx:pond': 'Hồ Tịnh Tâm, ô 3',
    }),
    originEvent('2026-06-12', [q(RAW, 'TT-2606-B', 280)], {
      'tx:harvestDate': '2026-06-12',
      'tx:pond': 'Hồ Tịnh Tâm, ô 5',
    }),
  ];
  const history = (out = 410) => [
    ...harvests,
    transformation('2026-06-14', [q(RAW, 'TT-2606-A', 350), q(RAW, 'TT-2606-B', 280)], [q(OUT, 'HS-2606', out)], {
      'tx:process': 'Tách vỏ, sấy khô',
      'tx:bestBefore': '2027-06-14',
    }),
    observe('packing', '2026-06-15', [q(OUT, 'HS-2606', out)]),
    transfer('shipping', '2026-06-16', [q(OUT, 'HS-2606', 200)]),
    transfer('receiving', '2026-06-16', [q(OUT, 'HS-2606', 200)]),
  ];
  it('a compliant lotus-seed lot (two harvests merged) has no findings', () => {
    expect(brief(p, history())).toEqual([]);
  });
  it('flags more dried seed than the harvests can give, and a shipment naming no receiver', () => {
    const events = history(560);
    events[4] = transfer('shipping', '2026-06-16', [q(OUT, 'HS-2606', 200)], { destinationList: [] });
    expect(brief(p, events)).toEqual([
      ['yield_out_of_range', 'processing', 'error', 2, 'outputQuantityList'],
      ['missing_kde', 'shipping', 'error', 4, 'destinationList'],
    ]);
  });
});

describe('tea and herbal drinks (trà rau má)', () => {
  const p = profile('tccs-hue-tea');
  const history = (dry = 150) => [
    originEvent(
      '2026-07-01',
      [q(RAW, 'RM-0701', 1000)],
      { 'tx:harvestDate': '2026-07-01' },
      { certificationInfo: 'VietGAP-TTH-0101' },
    ),
    transformation('2026-07-03', [q(RAW, 'RM-0701', 1000)], [q(OUT, 'TRM-0703', dry)], {
      'tx:productionDate': '2026-07-03',
      'tx:bestBefore': '2027-07-03',
    }),
    observe('packing', '2026-07-04', [q(OUT, 'TRM-0703', dry)]),
    transfer('shipping', '2026-07-05', [q(OUT, 'TRM-0703', 60)]),
  ];
  const master = farmMaster({ growingAreaCode: 'VN-TTHOR-0102' });
  it('a compliant pennywort-tea lot has no findings', () => {
    expect(brief(p, history(), master)).toEqual([]);
  });
  it('flags dry tea beyond what the leaves give and a missing certificate', () => {
    const events = history(400);
    events[0] = originEvent('2026-07-01', [q(RAW, 'RM-0701', 1000)], { 'tx:harvestDate': '2026-07-01' });
    expect(brief(p, events, master)).toEqual([
      ['missing_kde', 'harvesting', 'warning', 0, 'certificationInfo'],
      ['yield_out_of_range', 'drying', 'error', 1, 'outputQuantityList'],
    ]);
  });
});

describe('essential oils (dầu tràm)', () => {
  const p = profile('tccs-hue-essential-oil');
  const history = (oil = 12, cineole: unknown = 62) => [
    originEvent('2026-03-01', [q(RAW, 'LT-0301', 1000)], {
      'tx:harvestDate': '2026-03-01',
      'tx:species': 'Melaleuca cajuputi',
    }),
    transformation('2026-03-02', [q(RAW, 'LT-0301', 1000)], [q(OUT, 'DT-0302', oil)], {
      'tx:productionDate': '2026-03-02',
      'tx:cineolePercent': cineole,
    }),
    observe('packing', '2026-03-03', [q(OUT, 'DT-0302', oil)]),
    transfer('shipping', '2026-03-04', [q(OUT, 'DT-0302', 5)]),
  ];
  it('a compliant cajeput-oil lot has no findings', () => {
    expect(brief(p, history())).toEqual([]);
  });
  it('flags oil beyond what the leaves give and a cineole content that is no percentage', () => {
    expect(brief(p, history(80, 'cao'))).toEqual([
      ['value_out_of_rule', 'distillation', 'error', 1, 'ilmd.tx:cineolePercent'],
      ['yield_out_of_range', 'distillation', 'error', 1, 'outputQuantityList'],
    ]);
  });
});

describe('medicinal herbs (dược liệu)', () => {
  const p = profile('tccs-hue-medicinal-herbs');
  const history = (name = 'Centella asiatica') => [
    originEvent('2026-08-01', [q(RAW, 'DL-0801', 500)], { 'tx:scientificName': name, 'tx:harvestDate': '2026-08-01' }),
    transformation('2026-08-03', [q(RAW, 'DL-0801', 500)], [q(OUT, 'DLK-0803', 110)], {
      'tx:bestBefore': '2028-08-03',
    }),
    observe('packing', '2026-08-04', [q(OUT, 'DLK-0803', 110)]),
    transfer('shipping', '2026-08-05', [q(OUT, 'DLK-0803', 50)]),
    transfer('receiving', '2026-08-05', [q(OUT, 'DLK-0803', 50)]),
  ];
  const master = farmMaster({ growingAreaCode: 'VN-TTHOR-0230' });
  it('a compliant herb lot has no findings', () => {
    expect(brief(p, history(), master)).toEqual([]);
  });
  it('flags a vernacular name where the scientific one is required and a missing packing (a warning)', () => {
    const events = history('rau má');
    events.splice(2, 1);
    expect(brief(p, events, master)).toEqual([
      ['missing_event', 'packing', 'warning', null, null],
      ['value_out_of_rule', 'harvesting', 'error', 0, 'ilmd.tx:scientificName'],
    ]);
  });
});

describe('FSMA 204', () => {
  const p = profile('fsma-204');
  const doc = { bizTransactionList: [{ type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:8930000000026:PO-77' }] };
  const harvest = (extra: Json = {}) =>
    originEvent(
      '2026-08-20',
      [q(RAW, 'TT-0820', 1200, 'KGM')],
      { 'cbvmda:harvestStartDate': '2026-08-20', 'cbvmda:fieldName': 'Vườn 4' },
      {
        ...doc,
        destinationList: [{ type: 'location', destination: place(PLANT).id }],
        ...extra,
      },
    );
  const history = () => [
    harvest(),
    ev({
      ...(observe('storing', '2026-08-20', [q(RAW, 'TT-0820', 1200)]) as unknown as Json),
      ...at('2026-08-20', '12'),
      ...doc,
    }),
    ev({
      ...(observe('packing', '2026-08-21', [q(OUT, 'TT-0821', 1150)]) as unknown as Json),
      ilmd: { 'cbvmda:harvestStartDate': '2026-08-20' },
      ...doc,
    }),
    transfer('shipping', '2026-08-22', [q(OUT, 'TT-0821', 600)]),
    transfer('receiving', '2026-08-22', [q(OUT, 'TT-0821', 600)]),
  ];
  it('a compliant produce lot (harvest, cooling, initial packing, shipping, receiving) has no findings', () => {
    expect(brief(p, history())).toEqual([]);
    expect(evaluate(p, history()).matched).toEqual([
      'harvesting',
      'cooling',
      'initial-packing',
      'shipping',
      'receiving',
    ]);
  });
  it('accepts a seafood lot whose origin is a first land-based receiving', () => {
    const landing = ev({
      ...(observe('arriving', '2026-08-20', [q(RAW, 'CA-0820', 800)]) as unknown as Json),
      ilmd: { 'cbvmda:harvestStartDate': '2026-08-18', 'cbvmda:catchArea': 'urn:gdst:fao:71' },
      ...doc,
    });
    expect(brief(p, [landing, transfer('shipping', '2026-08-21', [q(RAW, 'CA-0820', 800)])])).toEqual([
      ['missing_event', 'receiving', 'warning', null, null],
    ]);
  });
  it('flags a shipment without a traceability lot code, quantity or reference document', () => {
    const events = history();
    events[3] = transfer('shipping', '2026-08-22', [{ epcClass: `https://id.gs1.org/01/${OUT}`, uom: 'KGM' }], {
      bizTransactionList: [],
    });
    expect(brief(p, events)).toEqual([
      ['missing_kde', 'shipping', 'error', 3, 'quantityList[].quantity'],
      ['missing_kde', 'shipping', 'error', 3, 'bizTransactionList'],
      ['value_out_of_rule', 'shipping', 'error', 3, 'quantityList[].epcClass'],
    ]);
  });
});

describe('GDST 1.2', () => {
  const p = profile('gdst-1-2');
  const loadEvents = (file: string): EpcisEvent[] =>
    (JSON.parse(readFileSync(conformance(`data/${file}`), 'utf8')) as { epcisBody: { eventList: EpcisEvent[] } })
      .epcisBody.eventList;
  const expectations = JSON.parse(readFileSync(conformance('expectations.json'), 'utf8')) as {
    schemaChecks: { file: string; expectedValidAgainst?: string; expectedValid: boolean; reason?: string }[];
  };
  const gdstCases = expectations.schemaChecks.filter((c) => c.expectedValidAgainst?.includes('gdst'));

  // What the profile says about each negative case, beyond the missing shipment every single-event file has.
  const expected: Record<string, unknown[][]> = {
    'data/gdst_hatching_event_invalid.jsonld': [
      ['value_out_of_rule', 'hatching', 'error', 0, 'ilmd.gdst:broodstockSource'],
    ],
    'data/gdst_fishing_event_invalid.jsonld': [
      ['missing_kde', 'fishing', 'error', 0, 'ilmd.cbvmda:vesselCatchInformationList'],
      ['value_out_of_rule', 'fishing', 'error', 0, 'ilmd.cbvmda:productionMethodForFishAndSeafoodCode'],
    ],
    'data/gdst_farm_harvest_event_invalid.jsonld': [
      ['value_out_of_rule', 'farm-harvest', 'error', 0, 'ilmd.cbvmda:productionMethodForFishAndSeafoodCode'],
    ],
    'data/gdst_feedmill_object_event_invalid.jsonld': [
      ['missing_kde', 'feedmill', 'error', 0, 'ilmd.gdst:proteinSource'],
    ],
    'data/gdst_processing_event_invalid.jsonld': [['missing_kde', 'commingling', 'error', 0, 'ilmd.cbvmda:lotNumber']],
    'data/gdst_event_invalid_human_welfare_policy.jsonld': [
      ['value_out_of_rule', 'hatching', 'error', 0, 'gdst:humanWelfarePolicy'],
    ],
    'data/gdst_certification_invalid_type.jsonld': [
      [
        'value_out_of_rule',
        'hatching',
        'error',
        0,
        'ilmd.cbvmda:certificationList.certification[].gdst:certificationType',
      ],
    ],
    'data/gdst_vessel_invalid_imo.jsonld': [
      [
        'value_out_of_rule',
        'fishing',
        'error',
        0,
        'ilmd.cbvmda:vesselCatchInformationList.cbvmda:vesselCatchInformation[].gdst:imoNumber',
      ],
    ],
    'data/gdst_vessel_invalid_country_code.jsonld': [
      [
        'value_out_of_rule',
        'fishing',
        'error',
        0,
        'ilmd.cbvmda:vesselCatchInformationList.cbvmda:vesselCatchInformation[].cbvmda:vesselFlagState',
      ],
    ],
  };

  it('covers every GDST negative case of the conformance expectations', () => {
    expect(gdstCases.length).toBe(9);
    expect(gdstCases.map((c) => c.file).sort()).toEqual(Object.keys(expected).sort());
  });

  for (const c of gdstCases) {
    it(`flags ${c.file} (${c.reason})`, () => {
      expect(c.expectedValid).toBe(false);
      const findings = brief(p, loadEvents(c.file.replace(/^data\//, '')));
      const origin = findings.filter((f) => f[0] === 'missing_event');
      expect(findings.filter((f) => f[0] !== 'missing_event')).toEqual(expected[c.file]);
      // A lone event is no complete history: the shipment (and, without a fishing/farm event, the origin) is missing.
      expect(origin.map((f) => f[1])).toContain('shipping');
    });
  }

  it('a compliant wild-caught lot: fishing, landing, shipping, receiving', () => {
    const base = {
      'gdst:productOwner': 'urn:gdst:example.org:party:fisher.1',
      'cbvmda:informationProvider': 'urn:gdst:example.org:party:fisher.1',
    };
    const cls = 'urn:gdst:example.org:product:lot:class:fisher.1.CA-0820';
    const fishing = ev({
      type: 'ObjectEvent',
      ...at('2026-08-18'),
      action: 'ADD',
      bizStep: 'urn:gdst:bizStep:fishingEvent',
      quantityList: [{ epcClass: cls, quantity: 800, uom: 'KGM' }],
      ilmd: {
        'cbvmda:lotNumber': 'CA-0820',
        'cbvmda:productionMethodForFishAndSeafoodCode': 'MARINE_FISHERY',
        'cbvmda:vesselCatchInformationList': {
          'cbvmda:vesselCatchInformation': [
            { 'cbvmda:vesselFlagState': 'VN', 'gdst:imoNumber': 'IMO9876543', 'cbvmda:catchArea': 'urn:gdst:fao:71' },
          ],
        },
      },
      'gdst:humanWelfarePolicy': '3P Audit',
      ...base,
    });
    const landing = ev({
      type: 'ObjectEvent',
      ...at('2026-08-20'),
      action: 'OBSERVE',
      bizStep: 'urn:gdst:bizStep:landing',
      bizLocation: place(PLANT),
      quantityList: [{ epcClass: cls, quantity: 800, uom: 'KGM' }],
      ...base,
    });
    const ship = ev({
      ...(transfer('shipping', '2026-08-21', [{ epcClass: cls, quantity: 800, uom: 'KGM' }]) as unknown as Json),
      ...base,
    });
    const recv = ev({
      ...(transfer('receiving', '2026-08-21', [{ epcClass: cls, quantity: 800, uom: 'KGM' }]) as unknown as Json),
      ...base,
    });
    expect(brief(p, [fishing, landing, ship, recv])).toEqual([]);
  });
});
