import { describe, expect, it } from 'vitest';
import type { EpcisEvent } from '../epcis/model.ts';
import { evaluate, transformationYield, valuesAt } from './evaluate.ts';
import type { StandardProfile } from './profile.ts';
import { validateProfile } from './profile.schema.ts';
import { isMessageKey, t } from '../shared/messages.ts';

const profile: StandardProfile = {
  id: 'test-rice',
  version: 1,
  title: { vi: 'Gạo thử', en: 'Test rice' },
  productGroups: ['agri.rice'],
  basedOn: [{ kind: 'own', code: 'TEST', title: 'test' }],
  ctes: [
    {
      id: 'harvesting',
      name: { vi: 'Thu hoạch', en: 'Harvesting' },
      bizStep: 'commissioning',
      eventType: 'ObjectEvent',
      order: 1,
      party: 'grower',
      requirement: 'required',
      kdes: [
        { path: 'bizLocation', requirement: 'required' },
        { path: 'ilmd.cbvmda:lotNumber', requirement: 'required' },
        { path: '$location.growingAreaCode', requirement: 'recommended' },
      ],
    },
    {
      id: 'milling',
      name: { vi: 'Xay xát', en: 'Milling' },
      bizStep: 'commissioning',
      eventType: 'TransformationEvent',
      order: 2,
      party: 'processor',
      requirement: 'required',
      kdes: [{ path: 'outputQuantityList', requirement: 'required' }],
    },
    {
      id: 'shipping',
      name: { vi: 'Xuất hàng', en: 'Shipping' },
      bizStep: 'shipping',
      eventType: 'ObjectEvent',
      order: 3,
      party: 'any',
      requirement: 'recommended',
      kdes: [{ path: 'destinationList', requirement: 'recommended' }],
    },
  ],
  valueRules: [
    {
      path: 'quantityList[].uom',
      check: { kind: 'units', units: ['KGM', 'TNE'] },
      severity: 'error',
      description: { vi: 'đơn vị', en: 'units' },
    },
    {
      path: '$location.growingAreaCode',
      ctes: ['harvesting'],
      check: { kind: 'pattern', pattern: '^VN-[A-Z]{2,6}OR-\\d{4}$' },
      severity: 'error',
      description: { vi: 'mã vùng trồng', en: 'growing-area code' },
    },
    {
      path: 'quantityList[].quantity',
      check: { kind: 'range', min: 1, max: 50000 },
      severity: 'warning',
      description: { vi: 'khối lượng', en: 'quantity' },
    },
    {
      path: 'ilmd.grade',
      check: { kind: 'oneOf', values: ['A', 'B'] },
      severity: 'warning',
      description: { vi: 'hạng', en: 'grade' },
    },
  ],
  yields: [{ cte: 'milling', min: 0.6, max: 0.72, severity: 'error' }],
  publicFields: ['bizLocation'],
  retentionDays: 730,
  guide: { vi: 'Hướng dẫn', en: 'Guide' },
};

const FARM = 'urn:epc:id:sgln:8931234.00001.0';
const harvest = (over: Record<string, unknown> = {}): EpcisEvent => ({
  type: 'ObjectEvent',
  action: 'ADD',
  eventTime: '2026-10-01T08:00:00+07:00',
  eventTimeZoneOffset: '+07:00',
  bizStep: 'commissioning',
  bizLocation: { id: FARM },
  quantityList: [{ epcClass: 'urn:epc:class:lgtin:8931234.00001.P1', quantity: 1000, uom: 'KGM' }],
  ilmd: { 'cbvmda:lotNumber': 'P1', grade: 'A' },
  ...over,
});
const milling = (out = 680, over: Record<string, unknown> = {}): EpcisEvent => ({
  type: 'TransformationEvent',
  eventTime: '2026-10-05T08:00:00+07:00',
  eventTimeZoneOffset: '+07:00',
  bizStep: 'urn:epcglobal:cbv:bizstep:commissioning',
  inputQuantityList: [{ epcClass: 'urn:epc:class:lgtin:8931234.00001.P1', quantity: 1, uom: 'TNE' }],
  outputQuantityList: [{ epcClass: 'urn:epc:class:lgtin:8931234.00002.R1', quantity: out, uom: 'KGM' }],
  ...over,
});
const shipping = (over: Record<string, unknown> = {}): EpcisEvent => ({
  type: 'ObjectEvent',
  action: 'OBSERVE',
  eventTime: '2026-10-06T08:00:00+07:00',
  eventTimeZoneOffset: '+07:00',
  bizStep: 'https://ref.gs1.org/cbv/BizStep-shipping',
  quantityList: [{ epcClass: 'urn:epc:class:lgtin:8931234.00002.R1', quantity: 680, uom: 'KGM' }],
  destinationList: [{ type: 'owning_party', destination: 'urn:epc:id:pgln:8930000.00001' }],
  ...over,
});
const master = { locations: { [FARM]: { growingAreaCode: 'VN-TTHOR-0017' } } };

describe('the test profile', () => {
  it('is a valid profile', () => {
    expect(validateProfile(profile)).toEqual([]);
  });
});

describe('evaluate', () => {
  it('scores a complete, consistent history 100 with no findings', () => {
    const r = evaluate(profile, [harvest(), milling(), shipping()], master);
    expect(r.findings).toEqual([]);
    expect(r.score).toBe(100);
    expect(r.matched).toEqual(['harvesting', 'milling', 'shipping']);
    expect(r.checks).toBeGreaterThan(10);
  });

  it('reports missing events by their requirement, and scores what is left', () => {
    const r = evaluate(profile, [], master);
    expect(r.findings.map((f) => [f.code, f.cte, f.severity, f.eventIndex])).toEqual([
      ['missing_event', 'harvesting', 'error', null],
      ['missing_event', 'milling', 'error', null],
      ['missing_event', 'shipping', 'warning', null],
    ]);
    expect(r.score).toBe(17); // 3 checks: 2 errors and a warning (half a failure)
  });

  it('reports missing KDEs, including master data of the location', () => {
    const r = evaluate(profile, [harvest({ ilmd: {}, bizLocation: undefined }), milling(), shipping()], master);
    expect(r.findings.map((f) => [f.code, f.severity, f.eventIndex, f.field])).toEqual([
      ['missing_kde', 'error', 0, 'bizLocation'],
      ['missing_kde', 'error', 0, 'ilmd.cbvmda:lotNumber'],
      ['missing_kde', 'warning', 0, '$location.growingAreaCode'],
    ]);
    expect(r.errors).toBe(2);
    expect(r.warnings).toBe(1);
    expect(r.score).toBeLessThan(100);
    expect(r.score).toBeGreaterThan(0);
  });

  it('checks units, ranges, code lists and patterns on every value found', () => {
    const bad = harvest({
      quantityList: [
        { epcClass: 'a', quantity: 0, uom: 'LTR' },
        { epcClass: 'b', quantity: 10, uom: 'kgm' },
      ],
      ilmd: { 'cbvmda:lotNumber': 'P1', grade: 'Z' },
    });
    const r = evaluate(profile, [bad, milling(), shipping()], {
      locations: { [FARM]: { growingAreaCode: 'VN-TTH-17' } },
    });
    expect(r.findings.map((f) => [f.code, f.severity, f.field, f.details.value, f.details.expected])).toEqual([
      ['value_out_of_rule', 'error', 'quantityList[].uom', 'LTR', 'KGM, TNE'],
      ['value_out_of_rule', 'error', '$location.growingAreaCode', 'VN-TTH-17', '^VN-[A-Z]{2,6}OR-\\d{4}$'],
      ['value_out_of_rule', 'warning', 'quantityList[].quantity', '0', '1–50000'],
      ['value_out_of_rule', 'warning', 'ilmd.grade', 'Z', 'A, B'],
    ]);
  });

  it('flags an event recorded before an earlier step of the chain', () => {
    const r = evaluate(profile, [harvest(), milling(680, { eventTime: '2026-09-30T08:00:00+07:00' }), shipping()]);
    expect(r.findings.filter((f) => f.code === 'order_violation')).toEqual([
      {
        code: 'order_violation',
        severity: 'error',
        cte: 'harvesting',
        eventIndex: 0,
        field: 'eventTime',
        messageKey: 'standards.finding.order_violation',
        details: { after: 'milling', afterIndex: 1 },
      },
    ]);
  });

  it('flags a yield outside the expected range, comparing across mass units', () => {
    expect(transformationYield(milling(680))).toEqual({ ratio: 0.68, unit: 'KGM' });
    const r = evaluate(profile, [harvest(), milling(900), shipping()], master);
    expect(r.findings).toEqual([
      {
        code: 'yield_out_of_range',
        severity: 'error',
        cte: 'milling',
        eventIndex: 1,
        field: 'outputQuantityList',
        messageKey: 'standards.finding.yield_out_of_range',
        details: { yield: 0.9, min: 0.6, max: 0.72, unit: 'KGM' },
      },
    ]);
  });

  it('does not guess a yield it cannot compare', () => {
    const noUnits = milling(680, { outputQuantityList: [{ epcClass: 'x', quantity: 5, uom: 'H87' }] });
    expect(transformationYield(noUnits)).toBeNull();
    expect(evaluate(profile, [harvest(), noUnits, shipping()], master).findings).toEqual([]);
  });

  it('ignores events the profile does not know and never throws on odd input', () => {
    const odd = { type: 'AggregationEvent', action: 'ADD', eventTime: 'not a date', eventTimeZoneOffset: '+00:00' };
    const r = evaluate(profile, [odd as EpcisEvent, harvest({ ilmd: 'text' })], {});
    expect(r.matched).toEqual([null, 'harvesting']);
    expect(r.findings.map((f) => f.code)).toEqual(['missing_event', 'missing_event', 'missing_kde', 'missing_kde']);
  });

  it('reads nested lists with []', () => {
    const e = harvest({ ilmd: { list: { item: [{ code: 'a' }, { code: '' }, { code: 'b' }] } } });
    expect(valuesAt(e, 'ilmd.list.item[].code')).toEqual(['a', 'b']);
    expect(valuesAt(e, 'ilmd.missing[].code')).toEqual([]);
  });

  it('satisfies an anyOf group with any member', () => {
    const p: StandardProfile = {
      ...profile,
      ctes: profile.ctes.map((c) => (c.id === 'shipping' ? c : { ...c, anyOf: 'origin' })),
    };
    expect(evaluate(p, [milling(), shipping()], master).findings).toEqual([]);
    expect(evaluate(p, [shipping()], master).findings.map((f) => [f.code, f.details.anyOf])).toEqual([
      ['missing_event', 'harvesting, milling'],
    ]);
  });
});

describe('validateProfile', () => {
  it('rejects a document that breaks the schema, naming the field', () => {
    const problems = validateProfile({ ...profile, version: 0, retentionDays: undefined });
    expect(problems.map((p) => p.field).sort()).toEqual(['retentionDays', 'version']);
  });
  it('rejects rules naming unknown CTEs, bad patterns and yields on non-transformations', () => {
    const problems = validateProfile({
      ...profile,
      valueRules: [
        { ...profile.valueRules[1]!, ctes: ['nope'] },
        { ...profile.valueRules[1]!, check: { kind: 'pattern', pattern: '([' } },
      ],
      yields: [{ cte: 'harvesting', min: 1, max: 0.5, severity: 'error' }],
    });
    expect(problems.map((p) => p.field)).toEqual([
      'valueRules.0.ctes',
      'valueRules.1.check.pattern',
      'yields.0.cte',
      'yields.0',
    ]);
  });
});

describe('finding texts', () => {
  it('every finding code has its text in Vietnamese and English', () => {
    const codes = ['missing_event', 'missing_kde', 'value_out_of_rule', 'order_violation', 'yield_out_of_range'];
    for (const code of codes) {
      const key = `standards.finding.${code}`;
      expect(isMessageKey(key)).toBe(true);
      expect(t('vi', key)).not.toBe(t('en', key));
    }
    const [f] = evaluate(profile, [harvest(), milling(900), shipping()], master).findings;
    expect(t('en', f!.messageKey, { yield: 0.9, min: 0.6, max: 0.72 })).toBe(
      "Yield 0.9 is outside the standard's expected 0.6–0.72",
    );
  });
});
