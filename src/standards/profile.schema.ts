import { Ajv, type ErrorObject } from 'ajv';
import { EVENT_TYPES } from '../epcis/model.ts';
import type { StandardProfile } from './profile.ts';

/** The JSON Schema (draft-07) of a standard profile document; `docs/standards.md` describes each member. */
const localText = {
  type: 'object',
  required: ['vi', 'en'],
  additionalProperties: false,
  properties: { vi: { type: 'string', minLength: 1 }, en: { type: 'string', minLength: 1 } },
} as const;
const path = { type: 'string', minLength: 1, pattern: '^(\\$location\\.)?[^.\\s]+(\\.[^.\\s]+)*$' } as const;
const severity = { enum: ['error', 'warning'] } as const;
const cteId = { type: 'string', pattern: '^[a-z][a-z0-9-]*$' } as const;

export const PROFILE_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://truyxuat.example/schemas/standard-profile.json',
  title: 'Standard profile (TCCS)',
  type: 'object',
  additionalProperties: false,
  required: [
    'id',
    'version',
    'title',
    'productGroups',
    'basedOn',
    'ctes',
    'valueRules',
    'yields',
    'publicFields',
    'retentionDays',
    'guide',
  ],
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 80 },
    version: { type: 'integer', minimum: 1 },
    title: localText,
    productGroups: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', pattern: '^[a-z]+(\\.[a-z0-9-]+)*$' },
    },
    basedOn: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['kind', 'code', 'title'],
        properties: {
          kind: { enum: ['TCVN', 'QCVN', 'international', 'regulation', 'own'] },
          code: { type: 'string', minLength: 1 },
          title: { type: 'string', minLength: 1 },
        },
      },
    },
    ctes: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'name', 'bizStep', 'eventType', 'order', 'party', 'requirement', 'kdes'],
        properties: {
          id: cteId,
          name: localText,
          bizStep: { type: 'string', minLength: 1 },
          eventType: { enum: [...EVENT_TYPES] },
          order: { type: 'integer', minimum: 0 },
          party: {
            enum: [
              'grower',
              'fisher',
              'farmer',
              'collector',
              'processor',
              'packer',
              'transporter',
              'distributor',
              'retailer',
              'importer',
              'any',
            ],
          },
          requirement: { enum: ['required', 'recommended', 'optional'] },
          anyOf: cteId,
          lot: { enum: ['self', 'input'] },
          kdes: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['path', 'requirement'],
              properties: { path, requirement: { enum: ['required', 'recommended'] }, label: localText },
            },
          },
        },
      },
    },
    valueRules: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['path', 'check', 'severity', 'description'],
        properties: {
          path,
          ctes: { type: 'array', minItems: 1, items: cteId },
          severity,
          description: localText,
          check: {
            oneOf: [
              {
                type: 'object',
                additionalProperties: false,
                required: ['kind', 'units'],
                properties: {
                  kind: { const: 'units' },
                  units: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^[A-Z0-9]{2,3}$' } },
                },
              },
              {
                type: 'object',
                additionalProperties: false,
                required: ['kind'],
                anyOf: [{ required: ['min'] }, { required: ['max'] }],
                properties: { kind: { const: 'range' }, min: { type: 'number' }, max: { type: 'number' } },
              },
              {
                type: 'object',
                additionalProperties: false,
                required: ['kind', 'pattern'],
                properties: { kind: { const: 'pattern' }, pattern: { type: 'string', minLength: 1 } },
              },
              {
                type: 'object',
                additionalProperties: false,
                required: ['kind', 'values'],
                properties: {
                  kind: { const: 'oneOf' },
                  values: { type: 'array', minItems: 1, items: { type: 'string' } },
                },
              },
            ],
          },
        },
      },
    },
    yields: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['cte', 'min', 'max', 'severity'],
        properties: {
          cte: cteId,
          min: { type: 'number', exclusiveMinimum: 0 },
          max: { type: 'number', exclusiveMinimum: 0 },
          severity,
        },
      },
    },
    publicFields: { type: 'array', uniqueItems: true, items: path },
    retentionDays: { type: 'integer', minimum: 1 },
    guide: localText,
  },
} as const;

export interface ProfileProblem {
  readonly field: string;
  readonly message: string;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validateSchema = ajv.compile(PROFILE_SCHEMA);

function pointerToField(error: ErrorObject): string {
  const base = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const missing =
    error.keyword === 'required' ? (error.params as { missingProperty?: string }).missingProperty : undefined;
  return [base, missing].filter((p) => p !== undefined && p !== '').join('.') || '(root)';
}

/**
 * Checks a document against the profile schema and the rules a schema cannot say: CTE ids unique, value and
 * yield rules naming existing CTEs, patterns that compile, ranges with min ≤ max. Returns the problems, none when
 * the document is a valid profile.
 */
export function validateProfile(document: unknown): ProfileProblem[] {
  if (!validateSchema(document)) {
    return (validateSchema.errors ?? []).map((e) => ({ field: pointerToField(e), message: e.message ?? e.keyword }));
  }
  const profile = document as StandardProfile;
  const problems: ProfileProblem[] = [];
  const ids = new Set<string>();
  profile.ctes.forEach((cte, i) => {
    if (ids.has(cte.id)) problems.push({ field: `ctes.${i}.id`, message: `duplicate CTE id ${cte.id}` });
    ids.add(cte.id);
  });
  profile.valueRules.forEach((rule, i) => {
    for (const cte of rule.ctes ?? []) {
      if (!ids.has(cte)) problems.push({ field: `valueRules.${i}.ctes`, message: `unknown CTE ${cte}` });
    }
    if (rule.check.kind === 'pattern') {
      try {
        new RegExp(rule.check.pattern, 'u');
      } catch {
        problems.push({ field: `valueRules.${i}.check.pattern`, message: 'not a valid regular expression' });
      }
    }
    if (rule.check.kind === 'range' && rule.check.min !== undefined && rule.check.max !== undefined) {
      if (rule.check.min > rule.check.max) problems.push({ field: `valueRules.${i}.check`, message: 'min > max' });
    }
  });
  profile.yields.forEach((y, i) => {
    const cte = profile.ctes.find((c) => c.id === y.cte);
    if (!cte) problems.push({ field: `yields.${i}.cte`, message: `unknown CTE ${y.cte}` });
    else if (cte.eventType !== 'TransformationEvent')
      problems.push({ field: `yields.${i}.cte`, message: 'a yield applies to a TransformationEvent CTE' });
    if (y.min > y.max) problems.push({ field: `yields.${i}`, message: 'min > max' });
  });
  return problems;
}
