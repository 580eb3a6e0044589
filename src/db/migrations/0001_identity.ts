import { sql, type Kysely } from 'kysely';

/** Organisations, users, sessions, API keys and provider delegations: who may call, and for whom. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table organisation (
      id text primary key,
      name text not null,
      name_en text,
      tax_code text unique,
      kind text not null,
      gs1_company_prefix text,
      primary_gln text,
      address text,
      province_code text,
      commune_code text,
      commune_name text,
      contact_name text,
      contact_email text,
      contact_phone text,
      uses_barcodes boolean not null default false,
      status text not null default 'active',
      search_text text not null default '',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index organisation_search on organisation (search_text);
    create index organisation_kind on organisation (kind);

    create table app_user (
      id text primary key,
      organisation_id text not null references organisation(id),
      email text unique,
      phone text unique,
      display_name text not null,
      password_hash text not null,
      role text not null,
      status text not null default 'active',
      failed_sign_ins integer not null default 0,
      locked_until timestamptz,
      last_sign_in_at timestamptz,
      locale text not null default 'vi',
      search_text text not null default '',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (email is not null or phone is not null)
    );
    create index app_user_organisation on app_user (organisation_id);

    create table user_session (
      token_hash text primary key,
      user_id text not null references app_user(id) on delete cascade,
      csrf_token text not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      last_seen_at timestamptz not null default now(),
      user_agent text
    );
    create index user_session_user on user_session (user_id);

    create table api_key (
      id text primary key,
      organisation_id text not null references organisation(id),
      name text not null,
      prefix text not null unique,
      secret_hash text not null,
      permissions jsonb not null,
      created_by text references app_user(id),
      created_at timestamptz not null default now(),
      expires_at timestamptz,
      last_used_at timestamptz,
      revoked_at timestamptz
    );
    create index api_key_organisation on api_key (organisation_id);

    create table delegation (
      id text primary key,
      provider_organisation_id text not null references organisation(id),
      organisation_id text not null references organisation(id),
      permissions jsonb not null,
      scope jsonb not null default '{}'::jsonb,
      valid_until timestamptz,
      created_by text references app_user(id),
      created_at timestamptz not null default now(),
      revoked_at timestamptz
    );
    create index delegation_provider on delegation (provider_organisation_id);
    create index delegation_organisation on delegation (organisation_id);
  `.execute(db);
}
