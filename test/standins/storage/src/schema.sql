-- The part of storage-api's own tenant migrations (supabase/storage v1.70.6,
-- migrations/tenant/) this stand-in uses, in their end state, run at every start
-- as storage-api runs its migrations (as DATABASE_URL's user, supabase_storage_admin).
-- 0002-storage-schema.sql (tables, indexes, RLS on objects, helper functions;
-- its role-installing blocks are skipped, DB_INSTALL_ROLES is not "true"),
-- 0003 (path_tokens), 0007 (RLS on buckets), 0008 (public), 0012 (avif_autodetection),
-- 0013/0014 (file_size_limit bigint, allowed_mime_types), 0016 (version),
-- 0018 (owner_id), 0025 (user_metadata), 0046/0049 (grants).
CREATE TABLE IF NOT EXISTS storage.migrations (
  id integer PRIMARY KEY,
  name varchar(100) UNIQUE NOT NULL,
  hash varchar(40) NOT NULL,
  executed_at timestamp DEFAULT current_timestamp
);
CREATE TABLE IF NOT EXISTS storage.buckets (
  id text NOT NULL PRIMARY KEY,
  name text NOT NULL,
  owner uuid,
  created_at timestamptz DEFAULT now(),
  updated_at timestamptz DEFAULT now(),
  public boolean DEFAULT false,
  avif_autodetection boolean DEFAULT false,
  file_size_limit bigint DEFAULT NULL,
  allowed_mime_types text[] DEFAULT NULL,
  owner_id text DEFAULT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS bname ON storage.buckets USING btree (name);
CREATE TABLE IF NOT EXISTS storage.objects (
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  bucket_id text,
  name text,
  owner uuid,
  created_at timestamptz DEFAULT now(),
  updated_at timestamptz DEFAULT now(),
  last_accessed_at timestamptz DEFAULT now(),
  metadata jsonb,
  path_tokens text[] GENERATED ALWAYS AS (string_to_array(name, '/')) STORED,
  version text DEFAULT NULL,
  owner_id text DEFAULT NULL,
  user_metadata jsonb NULL,
  CONSTRAINT "objects_bucketId_fkey" FOREIGN KEY (bucket_id) REFERENCES storage.buckets (id)
);
CREATE UNIQUE INDEX IF NOT EXISTS bucketid_objname ON storage.objects USING btree (bucket_id, name);
CREATE INDEX IF NOT EXISTS name_prefix_search ON storage.objects (name text_pattern_ops);
ALTER TABLE storage.objects ENABLE ROW LEVEL SECURITY;
ALTER TABLE storage.buckets ENABLE ROW LEVEL SECURITY;

CREATE OR REPLACE FUNCTION storage.foldername(name text) RETURNS text[] LANGUAGE plpgsql AS $function$
DECLARE
_parts text[];
BEGIN
  select string_to_array(name, '/') into _parts;
  return _parts[1:array_length(_parts,1)-1];
END
$function$;
CREATE OR REPLACE FUNCTION storage.filename(name text) RETURNS text LANGUAGE plpgsql AS $function$
DECLARE
_parts text[];
BEGIN
  select string_to_array(name, '/') into _parts;
  return _parts[array_length(_parts,1)];
END
$function$;
CREATE OR REPLACE FUNCTION storage.extension(name text) RETURNS text LANGUAGE plpgsql AS $function$
DECLARE
_parts text[];
_filename text;
BEGIN
  select string_to_array(name, '/') into _parts;
  select _parts[array_length(_parts,1)] into _filename;
  return reverse(split_part(reverse(_filename), '.', 1));
END
$function$;

GRANT ALL ON storage.buckets, storage.objects TO service_role, authenticated, anon;
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'postgres') THEN
    GRANT ALL ON storage.buckets, storage.objects TO postgres WITH GRANT OPTION;
  END IF;
END $$;
