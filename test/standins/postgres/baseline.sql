-- STAND-IN for what the supabase/postgres image creates by itself before it
-- runs the mounted init SQL: its roles and schemas. Not part of the product.
\set pgpass `echo "$POSTGRES_PASSWORD"`
CREATE ROLE postgres SUPERUSER CREATEDB CREATEROLE LOGIN REPLICATION BYPASSRLS PASSWORD :'pgpass';
-- As upstream's migrate.sh (@7db7e1a) right after it creates postgres in a
-- docker image: `alter database postgres owner to postgres`.
ALTER DATABASE postgres OWNER TO postgres;
CREATE ROLE anon NOLOGIN NOINHERIT;
CREATE ROLE authenticated NOLOGIN NOINHERIT;
CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS;
CREATE ROLE authenticator LOGIN NOINHERIT;
GRANT anon, authenticated, service_role TO authenticator;
CREATE ROLE supabase_auth_admin LOGIN NOINHERIT CREATEROLE;
CREATE ROLE supabase_storage_admin LOGIN NOINHERIT CREATEROLE;
-- storage-api sets each request's role (set_config('role', ...), supabase/storage
-- src/internal/database/postgres/scope.ts) through authenticator's memberships, as
-- in the real image (supabase/postgres @7db7e1a9
-- migrations/db/migrations/20231013070755_grant_authenticator_to_supabase_storage_admin.sql).
GRANT authenticator TO supabase_storage_admin;
CREATE ROLE supabase_replication_admin LOGIN REPLICATION;
CREATE ROLE supabase_read_only_user LOGIN BYPASSRLS;
CREATE ROLE supabase_functions_admin NOINHERIT CREATEROLE LOGIN NOREPLICATION;
CREATE ROLE pgbouncer LOGIN;
CREATE ROLE dashboard_user NOSUPERUSER CREATEDB CREATEROLE REPLICATION;
CREATE SCHEMA extensions;
CREATE SCHEMA auth AUTHORIZATION supabase_auth_admin;
CREATE SCHEMA storage AUTHORIZATION supabase_storage_admin;
-- supabase/postgres migrations/db/init-scripts/00000000000002-storage-schema.sql @1921aa38.
GRANT USAGE ON SCHEMA storage TO postgres, anon, authenticated, service_role;
CREATE SCHEMA realtime;
CREATE SCHEMA graphql_public;
CREATE SCHEMA pgbouncer AUTHORIZATION pgbouncer;
GRANT USAGE ON SCHEMA public, extensions, graphql_public TO anon, authenticated, service_role;
CREATE FUNCTION pgbouncer.get_auth(p_usename text) RETURNS TABLE(username text, password text)
  LANGUAGE sql SECURITY DEFINER AS $$ SELECT usename::text, passwd::text FROM pg_catalog.pg_shadow WHERE usename = p_usename $$;
