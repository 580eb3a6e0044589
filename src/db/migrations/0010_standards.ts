import { sql, type Kysely } from 'kysely';
import { BUILT_IN_PROFILES } from '../../standards/profiles/index.ts';

/**
 * Base standards (TCCS) as versioned profile documents, and the evaluations of lots against one version. The
 * built-in profiles are published here as version 1; later changes are new versions, never edits of these rows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table standard (
      id text primary key,
      profile_id text not null,
      version integer not null check (version >= 1),
      status text not null check (status in ('draft', 'published', 'superseded')),
      title text not null,
      title_en text not null,
      product_groups text[] not null,
      document jsonb not null,
      created_by text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      published_at timestamptz,
      superseded_at timestamptz,
      unique (profile_id, version)
    );
    create unique index standard_one_published on standard (profile_id) where status = 'published';
    create index standard_groups on standard using gin (product_groups);

    create table standard_evaluation (
      id bigserial primary key,
      standard_id text not null references standard(id),
      profile_id text not null,
      version integer not null,
      lot text,
      organisation_id text,
      score integer not null check (score between 0 and 100),
      errors integer not null,
      warnings integer not null,
      findings jsonb not null,
      event_ids text[] not null,
      evaluated_by text,
      evaluated_at timestamptz not null default now()
    );
    create index standard_evaluation_lot on standard_evaluation (lot, evaluated_at desc);
    create index standard_evaluation_standard on standard_evaluation (standard_id);
  `.execute(db);

  for (const profile of BUILT_IN_PROFILES) {
    await sql`
      insert into standard (id, profile_id, version, status, title, title_en, product_groups, document, published_at)
      values (${`${profile.id}@${profile.version}`}, ${profile.id}, ${profile.version}, 'published', ${profile.title.vi},
        ${profile.title.en}, ${sql`${`{${profile.productGroups.join(',')}}`}::text[]`}, ${JSON.stringify(profile)}::jsonb,
        now())
    `.execute(db);
  }
}
