#!/usr/bin/env bash
# Backs up or restores a truyxuat database.
#
#   scripts/backup.sh backup  <file>   PostgreSQL (DATABASE_URL): pg_dump in custom format, while the service runs.
#                                      Embedded (TRUYXUAT_DATA, default ./data): a .tar.gz of the data folder; the
#                                      server must be stopped (the lock file tells; the script refuses otherwise).
#   scripts/backup.sh restore <file>   PostgreSQL: pg_restore --clean --if-exists into DATABASE_URL (stop servers and
#                                      workers first). Embedded: unpacks into an empty or absent TRUYXUAT_DATA.
#
# See docs/operations.md for when to use which and how to check a backup.
set -euo pipefail

usage() { echo "usage: $0 backup|restore <file>" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
file=$2

if [ -n "${DATABASE_URL:-}" ]; then
  case "$action" in
    backup) pg_dump --format=custom --no-owner --no-privileges --file="$file" "$DATABASE_URL" ;;
    restore)
      pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL" "$file"
      # The dump carries no privileges, and the role the server drops to for row-level security (migration 0022)
      # lives in the cluster, not in the database: grant it again, or the restored database refuses the server.
      psql --quiet --no-psqlrc --set ON_ERROR_STOP=1 --dbname="$DATABASE_URL" <<'SQL'
do $$
begin
  create role truyxuat_app nologin nosuperuser nobypassrls nocreaterole nocreatedb;
exception when duplicate_object or unique_violation then null;
end $$;
do $$
begin
  execute format('grant usage, create on schema %I to truyxuat_app', current_schema());
  execute format('grant select, insert, update, delete on all tables in schema %I to truyxuat_app', current_schema());
  execute format('grant usage, select, update on all sequences in schema %I to truyxuat_app', current_schema());
  execute format('alter default privileges in schema %I grant select, insert, update, delete on tables to truyxuat_app',
    current_schema());
  execute format('alter default privileges in schema %I grant usage, select, update on sequences to truyxuat_app',
    current_schema());
  if not (select rolsuper from pg_roles where rolname = current_user)
     and not pg_has_role(current_user, 'truyxuat_app', 'member') then
    execute format('grant truyxuat_app to %I', current_user);
  end if;
end $$;
SQL
      ;;
    *) usage ;;
  esac
  exit 0
fi

data=${TRUYXUAT_DATA:-data}
lock="$data/truyxuat.lock"
if [ -f "$lock" ]; then
  holder=$(tr -dc '0-9' <"$lock" || true)
  if [ -n "$holder" ] && kill -0 "$holder" 2>/dev/null; then
    echo "The embedded database in $data is in use by process $holder: stop truyxuat first." >&2
    exit 1
  fi
fi
case "$action" in
  backup)
    [ -d "$data" ] || { echo "No data folder $data" >&2; exit 1; }
    tar --exclude=truyxuat.lock -czf "$file" -C "$data" .
    ;;
  restore)
    if [ -d "$data" ] && [ -n "$(ls -A "$data")" ]; then
      echo "$data is not empty: move it aside first (the restore never overwrites a data folder)." >&2
      exit 1
    fi
    mkdir -p "$data"
    tar -xzf "$file" -C "$data"
    ;;
  *) usage ;;
esac
