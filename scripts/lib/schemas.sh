# Every schema and its migrations, applied with psql (sourced, not run): for
# checking queries at compile time, where the services' binaries (whose
# queries are being checked) cannot do it themselves yet.

# service folder → the schema it owns (each service's SPEC says the same).
SORA_SCHEMAS=(file-server:file_server feedback-api:feedback admin-api:admin recommendation:recommendation)

# The search path that lets one connection see every service's tables.
SORA_SEARCH_PATH="file_server,feedback,admin,recommendation,bus,extensions"

# schemas_apply PORT DB: creates DB with every schema migrated.
schemas_apply() {
  local port="$1" db="$2" entry service schema file
  pg_psql "$port" postgres "CREATE DATABASE $db"
  pg_psql "$port" "$db" "CREATE SCHEMA extensions; CREATE EXTENSION pg_trgm WITH SCHEMA extensions; CREATE SCHEMA bus"
  for file in crates/common/migrations/bus/*.sql; do
    PGOPTIONS="-c search_path=bus,extensions" pg_psql_file "$port" "$db" "$file"
  done
  for entry in "${SORA_SCHEMAS[@]}"; do
    service="${entry%%:*}" schema="${entry##*:}"
    pg_psql "$port" "$db" "CREATE SCHEMA $schema"
    for file in $(ls services/"$service"/migrations/*.sql 2>/dev/null | sort -V) crates/common/migrations/events/*.sql; do
      PGOPTIONS="-c search_path=$schema,extensions" pg_psql_file "$port" "$db" "$file"
    done
  done
}
