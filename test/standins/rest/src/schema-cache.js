// PostgREST's schema cache (PostgREST/postgrest v14.17, src/PostgREST/SchemaCache.hs):
// the tables, views and foreign tables of the exposed schemas with their
// columns and primary keys, loaded at start and again on NOTIFY <db-channel>
// with an empty payload or 'reload schema' (src/PostgREST/Listener.hs). A
// table made afterwards is not found (PGRST205) until that notification, as upstream.
"use strict";

const TABLES_SQL = `
select n.nspname as schema, c.relname as name,
  array(select a.attname::text from pg_catalog.pg_attribute a
        where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped order by a.attnum) as columns,
  array(select a.attname::text from pg_catalog.pg_index i
        join pg_catalog.pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
        where i.indrelid = c.oid and i.indisprimary order by a.attnum) as pk
from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where n.nspname = any($1) and c.relkind in ('r', 'v', 'm', 'f', 'p')`;

async function loadSchemaCache(client, schemas) {
  const { rows } = await client.query(TABLES_SQL, [schemas]);
  const tables = new Map();
  for (const r of rows) tables.set(`${r.schema}\u0000${r.name}`, { schema: r.schema, name: r.name, columns: r.columns, pk: r.pk });
  return { tables, lookup: (schema, name) => tables.get(`${schema}\u0000${name}`) };
}

function levenshtein(a, b) {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length][b.length];
}

/**
 * Error.hs tableNotFoundHint: the closest table of the schema, when its
 * fuzzyset score (1 - Levenshtein distance / longer length) is at least 0.75
 * (v14.17's getFuzzyHint; v14.5 took any best match). The fuzzyset package's
 * n-gram preselection is not reproduced.
 */
function tableHint(cache, schema, name) {
  let best = null;
  for (const t of cache.tables.values()) {
    if (t.schema !== schema) continue;
    const a = t.name.toLowerCase();
    const b = name.toLowerCase();
    const score = 1 - levenshtein(a, b) / Math.max(a.length, b.length, 1);
    if (score >= 0.75 && (!best || score > best.score)) best = { score, name: t.name };
  }
  return best ? `Perhaps you meant the table '${schema}.${best.name}'` : null;
}

module.exports = { loadSchemaCache, tableHint };
