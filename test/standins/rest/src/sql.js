// The SQL PostgREST runs for a table request (PostgREST/postgrest v14.17,
// src/PostgREST/Query/QueryBuilder.hs, Query/SqlFragment.hs, Query/Statements.hs):
// identifiers always quoted (escapeIdent), every value from the request a
// parameter of unknown type (unknownLiteral) that PostgreSQL types by its
// column, "like" with * for %, "in" as = ANY('{...}'), the result rows turned
// into JSON by PostgreSQL (json_agg) inside the same statement.
"use strict";
const { apiError } = require("./errors");

// SqlFragment.hs escapeIdent/trimNullChars: double the quotes, drop NULs.
const ident = (s) => `"${s.replace(/\0/g, "").replace(/"/g, '""')}"`;
const qiSql = (qi) => `${ident(qi.schema)}.${ident(qi.name)}`;

/** pgBuildArrayLiteral: {"a","b"} with backslashes and quotes escaped. */
const arrayLiteral = (vals) => `{${vals.map((v) => `"${v.replace(/\0/g, "").replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(",")}}`;

const OPS = { eq: "=", neq: "<>", gt: ">", gte: ">=", lt: "<", lte: "<=", like: "like", ilike: "ilike", match: "~", imatch: "~*" };
const IS = { null: "NULL", not_null: "NOT NULL", true: "TRUE", false: "FALSE", unknown: "UNKNOWN" };

class Builder {
  constructor(qi) {
    this.qi = qi;
    this.params = [];
  }
  param(v) {
    this.params.push(v);
    return `$${this.params.length}`;
  }
  col(c) {
    return `${qiSql(this.qi)}.${ident(c)}`;
  }
  /** SqlFragment.hs pgFmtFilter for one field. */
  filter(field, e) {
    const lhs = `${e.neg ? "NOT " : ""}${this.col(field)}`;
    if (e.quantified) throw apiError.notImplemented(`the (any)/(all) modifier of '${e.op}'`);
    if (e.op in OPS) {
      const v = e.op === "like" || e.op === "ilike" ? e.value.replace(/\*/g, "%") : e.value;
      return `${lhs} ${OPS[e.op]} ${this.param(v)}`;
    }
    if (e.op === "is") return `${lhs} IS ${IS[e.value]}`;
    if (e.op === "isdistinct") return `${lhs} IS DISTINCT FROM ${this.param(e.value)}`;
    if (e.op === "in") return e.values.length === 1 && e.values[0] === "" ? `${lhs} = ANY('{}')` : `${lhs} = ANY (${this.param(arrayLiteral(e.values))})`;
    throw apiError.notImplemented(`the '${e.op}' operator`);
  }
  logic(t) {
    if (t.field !== undefined) return this.filter(t.field, t.expr);
    return `${t.neg ? "NOT " : ""}(${t.children.map((c) => this.logic(c)).join(t.op === "and" ? " AND " : " OR ")})`;
  }
  where(q) {
    const conds = [...q.filters.map((f) => this.filter(f.field, f.expr)), ...q.logic.map((t) => this.logic(t))];
    return conds.length ? ` WHERE ${conds.join(" AND ")}` : "";
  }
  selectList(select) {
    if (select.length === 0) return "";
    return select
      .map((s) => {
        if (s.star) return `${qiSql(this.qi)}.*`;
        const c = s.cast ? `CAST(${this.col(s.column)} AS ${s.cast})` : this.col(s.column);
        return s.alias !== undefined || s.cast ? `${c} AS ${ident(s.alias ?? s.column)}` : c;
      })
      .join(", ");
  }
}

/** The outer statement over pgrst_source: total (count=exact), page size and the JSON body. */
function wrap(source, { singular, countSql, withBody }) {
  const body = !withBody ? "''" : singular ? "coalesce((json_agg(_postgrest_t)->0)::text, 'null')" : "coalesce(json_agg(_postgrest_t), '[]')::text";
  return `WITH pgrst_source AS (${source}) SELECT ${countSql ?? "null::bigint"} AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, ${body} AS body FROM (SELECT * FROM pgrst_source) _postgrest_t`;
}

function readSql(qi, q, { offset, limit, count, singular }) {
  const b = new Builder(qi);
  const where = b.where(q);
  const order = q.order.length
    ? ` ORDER BY ${q.order.map((o) => `${b.col(o.column)}${o.dir ? ` ${o.dir.toUpperCase()}` : ""}${o.nulls ? ` ${o.nulls === "nullsfirst" ? "NULLS FIRST" : "NULLS LAST"}` : ""}`).join(", ")}`
    : "";
  const sel = b.selectList(q.select) || "";
  const page = `${limit !== undefined ? ` LIMIT ${limit}` : ""}${offset ? ` OFFSET ${offset}` : ""}`;
  const countSql = count ? `(SELECT pg_catalog.count(*) FROM ${qiSql(qi)}${where})` : undefined;
  return { text: wrap(`SELECT ${sel} FROM ${qiSql(qi)}${where}${order}${page}`, { singular, countSql, withBody: true }), values: b.params };
}

const PAYLOAD = (p) =>
  `pgrst_payload AS (SELECT ${p}::json AS json_data), pgrst_body AS (SELECT CASE WHEN json_typeof(json_data) = 'array' THEN json_data ELSE json_build_array(json_data) END AS val FROM pgrst_payload)`;

function returning(b, q, representation) {
  return representation ? ` RETURNING ${b.selectList(q.select) || "1"}` : " RETURNING 1";
}

/** QueryBuilder.hs mutatePlanToQuery Insert: json_populate_recordset over the payload's columns. */
function insertSql(qi, q, body, columns, { representation, singular, conflict }) {
  const b = new Builder(qi);
  const p = b.param(body);
  const cols = columns.map(ident).join(", ");
  let onConflict = "";
  if (conflict) {
    const target = conflict.columns.map(ident).join(", ");
    onConflict =
      conflict.resolution === "ignore-duplicates" || columns.length === 0
        ? ` ON CONFLICT(${target}) DO NOTHING`
        : ` ON CONFLICT(${target}) DO UPDATE SET ${columns.map((c) => `${ident(c)} = EXCLUDED.${ident(c)}`).join(", ")}`;
  }
  const insert =
    columns.length === 0
      ? `INSERT INTO ${qiSql(qi)} DEFAULT VALUES`
      : `INSERT INTO ${qiSql(qi)}(${cols}) SELECT ${cols} FROM json_populate_recordset(null::${qiSql(qi)}, (SELECT val FROM pgrst_body)) pgrst_rows`;
  const source = `${insert}${onConflict}${returning(b, q, representation)}`;
  const text = wrap(source, { singular, withBody: representation }).replace("WITH pgrst_source", `WITH ${PAYLOAD(p)}, pgrst_source`);
  return { text, values: b.params };
}

/** Update: SET each payload column from the (first) payload row; rows chosen by the filters and RLS. */
function updateSql(qi, q, body, columns, { representation, singular }) {
  const b = new Builder(qi);
  const p = b.param(body);
  const where = b.where(q);
  const source =
    columns.length === 0
      ? `SELECT ${b.selectList(q.select) || "1"} FROM ${qiSql(qi)} WHERE false`
      : `UPDATE ${qiSql(qi)} SET ${columns.map((c) => `${ident(c)} = pgrst_update_body.${ident(c)}`).join(", ")} FROM (SELECT * FROM json_populate_recordset(null::${qiSql(qi)}, (SELECT val FROM pgrst_body)) LIMIT 1) pgrst_update_body${where}${returning(b, q, representation)}`;
  const text = wrap(source, { singular, withBody: representation }).replace("WITH pgrst_source", `WITH ${PAYLOAD(p)}, pgrst_source`);
  return { text, values: b.params };
}

function deleteSql(qi, q, { representation, singular }) {
  const b = new Builder(qi);
  const where = b.where(q);
  return { text: wrap(`DELETE FROM ${qiSql(qi)}${where}${returning(b, q, representation)}`, { singular, withBody: representation }), values: b.params };
}

module.exports = { ident, readSql, insertSql, updateSql, deleteSql };
