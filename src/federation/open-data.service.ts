import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { listPublishedStandards } from '../standards/index.ts';
import { notFound } from '../shared/errors.ts';
import * as repo from './open-data.repository.ts';

/**
 * Open data: what the province publishes anyway — participating businesses, their products, the published base
 * standards — as JSON and CSV for anyone to reuse. Public columns only (no tax code, contacts or users), active
 * records only. CSV is RFC 4180, UTF-8 with a byte-order mark (spreadsheets then read Vietnamese correctly), and
 * every cell a spreadsheet could take for a formula is written as text.
 */

export const DATASETS = ['organisations', 'products', 'standards'] as const;
export type Dataset = (typeof DATASETS)[number];

export interface OpenDataTable {
  readonly dataset: Dataset;
  readonly columns: readonly string[];
  readonly rows: readonly Record<string, string | number | null>[];
}

const iso = (d: Date | null): string | null => (d === null ? null : new Date(d).toISOString());

export function isDataset(name: string): name is Dataset {
  return (DATASETS as readonly string[]).includes(name);
}

export async function openDataTable(db: Kysely<DB>, dataset: string): Promise<OpenDataTable> {
  if (!isDataset(dataset)) throw notFound('Dataset');
  switch (dataset) {
    case 'organisations': {
      const rows = await repo.publicOrganisations(db);
      return {
        dataset,
        columns: [
          'id',
          'name',
          'nameEn',
          'kind',
          'gs1CompanyPrefix',
          'primaryGln',
          'provinceCode',
          'communeCode',
          'communeName',
          'registeredAt',
        ],
        rows: rows.map((r) => ({
          id: r.id,
          name: r.name,
          nameEn: r.name_en,
          kind: r.kind,
          gs1CompanyPrefix: r.gs1_company_prefix,
          primaryGln: r.primary_gln,
          provinceCode: r.province_code,
          communeCode: r.commune_code,
          communeName: r.commune_name,
          registeredAt: iso(r.created_at),
        })),
      };
    }
    case 'products': {
      const rows = await repo.publicProducts(db);
      return {
        dataset,
        columns: ['id', 'gtin', 'name', 'nameEn', 'productGroup', 'organisationId', 'organisationName'],
        rows: rows.map((r) => ({
          id: r.id,
          gtin: r.gtin,
          name: r.name,
          nameEn: r.name_en,
          productGroup: r.group_code,
          organisationId: r.organisation_id,
          organisationName: r.organisation_name,
        })),
      };
    }
    case 'standards': {
      const standards = await listPublishedStandards(db);
      return {
        dataset,
        columns: ['id', 'profileId', 'version', 'titleVi', 'titleEn', 'productGroups', 'retentionDays', 'publishedAt'],
        rows: standards.map((s) => ({
          id: s.id,
          profileId: s.profileId,
          version: s.version,
          titleVi: s.title.vi,
          titleEn: s.title.en,
          productGroups: s.productGroups.join(' '),
          retentionDays: s.retentionDays,
          publishedAt: iso(s.publishedAt),
        })),
      };
    }
  }
}

/**
 * One CSV cell. A text starting with `=`, `+`, `-`, `@`, a tab or a carriage return would be run as a formula by
 * spreadsheet programs (CSV/formula injection, OWASP): it gets a leading apostrophe, which they show as text.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  // Quoted also for ';': spreadsheet programs set to a comma-decimal locale split CSV on semicolons.
  return /[",;\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(table: OpenDataTable): string {
  const lines = [table.columns.map(csvCell).join(',')];
  for (const row of table.rows) lines.push(table.columns.map((c) => csvCell(row[c] ?? null)).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
