CREATE SCHEMA net;
CREATE TYPE net.request_status AS ENUM ('PENDING', 'SUCCESS', 'ERROR');
CREATE TYPE net.http_response AS (status_code integer, headers jsonb, body text);
CREATE TYPE net.http_response_result AS (status net.request_status, message text, response net.http_response);
CREATE FUNCTION net.http_get(url text, params jsonb DEFAULT '{}'::jsonb, headers jsonb DEFAULT '{}'::jsonb, timeout_milliseconds integer DEFAULT 2000)
  RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'pg_net stand-in: HTTP is not available in tests'; END $$;
CREATE FUNCTION net.http_post(url text, body jsonb DEFAULT '{}'::jsonb, params jsonb DEFAULT '{}'::jsonb, headers jsonb DEFAULT '{"Content-Type": "application/json"}'::jsonb, timeout_milliseconds integer DEFAULT 2000)
  RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'pg_net stand-in: HTTP is not available in tests'; END $$;
CREATE FUNCTION net._http_collect_response(request_id bigint, async boolean DEFAULT true)
  RETURNS net.http_response_result LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'pg_net stand-in: HTTP is not available in tests'; END $$;
