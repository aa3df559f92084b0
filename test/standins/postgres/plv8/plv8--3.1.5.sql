-- STAND-IN for plv8 3.1.5 (see plv8.control): the real one's plv8_version(), as SQL.
CREATE FUNCTION plv8_version() RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT '3.1.5'::text $$;
