// The query string as PostgREST reads it (PostgREST/postgrest v14.17 and v14.5,
// src/PostgREST/ApiRequest/QueryParams.hs parse): select, columns, on_conflict
// are reserved; keys ending in order/limit/offset/and/or are those; every other
// key with a value is a filter. A dotted key ("a.b") addresses an embedded
// resource, which this stand-in has none of, so it answers PGRST108 as
// PostgREST does for a resource missing from select=.
"use strict";
const { apiError } = require("./errors");
const { ParseFail, describe, parseFilterValue, parseLogic } = require("./filter-parser");

const qpError = (what, text, f) => apiError.queryParam(`${JSON.stringify(`failed to parse ${what} (${text})`)} (line 1, column ${f.pos + 1})`, describe(f));

/** HTTP.parseQueryReplacePlus True: pairs in order, "+" is a space, a key without "=" has no value. */
function pairs(raw) {
  if (!raw) return [];
  const dec = (s) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, " "));
    } catch {
      return s.replace(/\+/g, " ");
    }
  };
  return raw
    .split("&")
    .filter((p) => p !== "")
    .map((p) => {
      const i = p.indexOf("=");
      return i < 0 ? [dec(p), null] : [dec(p.slice(0, i)), dec(p.slice(i + 1))];
    });
}

const FIELD = /^[\p{L}\p{N}_ $]+(?:-(?!>)[\p{L}\p{N}_ $]+)*$/u;

/** pFieldName: a quoted name or identifiers joined by dashes (trimmed). */
function fieldName(text, what, whole) {
  const t = text.trim();
  if (/^"[^"]*"$/.test(t)) return t.slice(1, -1);
  if (FIELD.test(t)) return t.trim();
  if (/->/.test(t)) throw apiError.notImplemented(`JSON path '${t}' in ${what}`);
  const bad = [...t].findIndex((c) => !/[\p{L}\p{N}_ $-]/u.test(c));
  throw qpError(what, whole, new ParseFail(Math.max(whole.indexOf(t), 0) + Math.max(bad, 0), t[bad] ?? "", ["field name (* or [a..z0..9_$])"]));
}

/** Split on commas outside parentheses and double quotes. */
function splitTop(s) {
  const out = [];
  let depth = 0;
  let quoted = false;
  let cur = "";
  for (const c of s) {
    if (c === '"') quoted = !quoted;
    if (!quoted && c === "(") depth++;
    if (!quoted && c === ")") depth--;
    if (!quoted && depth === 0 && c === ",") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** select=: "*", "col", "alias:col", "col::cast", "alias:col::cast". Embedding and JSON paths are not implemented. */
function parseSelect(sel) {
  if (sel.trim() === "") return [];
  return splitTop(sel).map((raw) => {
    const item = raw.trim();
    if (/\.(count|sum|avg|max|min)\(\)/.test(item) || /^count\(\)/.test(item)) {
      // db-aggregates-enabled is false by default (Config.hs): PGRST123.
      throw apiError.aggregatesNotAllowed();
    }
    if (item.includes("(") || item.startsWith("...")) throw apiError.notImplemented(`resource embedding '${item}'`);
    if (item === "*") return { star: true };
    const m = /^(?:("[^"]*"|[^:"]+):(?!:))?("[^"]*"|[^:"]+?)(?:::([\p{L}\p{N}_ ]+))?$/u.exec(item);
    if (!m) throw qpError("select parameter", sel, new ParseFail(sel.indexOf(item), item[0] ?? "", ["field name (* or [a..z0..9_$])"]));
    const column = fieldName(m[2], "select parameter", sel);
    return { column, alias: m[1] === undefined ? undefined : fieldName(m[1], "select parameter", sel), cast: m[3]?.trim() };
  });
}

/** order=: col[.asc|.desc][.nullsfirst|.nullslast], comma separated. */
function parseOrder(v) {
  return splitTop(v).map((term) => {
    const t = term.trim();
    const m = /^(.+?)(?:\.(asc|desc))?(?:\.(nullsfirst|nullslast))?$/.exec(t);
    if (!m) throw qpError("order", v, new ParseFail(v.indexOf(t), t[0] ?? "", ['"asc"', '"desc"', '"nullsfirst"', '"nullslast"']));
    if (m[1].includes("(")) throw apiError.notImplemented(`ordering by the related resource '${m[1]}'`);
    return { column: fieldName(m[1], "order", v), dir: m[2], nulls: m[3] };
  });
}

const lastWord = (k) => k.split(".").pop();

function parseQueryString(raw) {
  const ps = pairs(raw);
  const lookup = (k) => {
    const p = ps.find(([key]) => key === k);
    return p ? p[1] : null;
  };
  const q = { select: parseSelect(lookup("select") ?? "*"), filters: [], logic: [], order: [], limit: undefined, offset: undefined };
  const cols = lookup("columns");
  if (cols !== null) q.columns = splitTop(cols).map((c) => fieldName(c, "columns parameter", cols));
  const onc = lookup("on_conflict");
  if (onc !== null) q.onConflict = splitTop(onc).map((c) => fieldName(c, "on_conflict parameter", onc));
  for (const [key, value] of ps) {
    if (value === null || ["select", "columns", "on_conflict"].includes(key)) continue;
    const word = lastWord(key);
    const path = key.split(".");
    if (["order", "limit", "offset", "and", "or"].includes(word)) {
      const embed = word === "and" || word === "or" ? path.slice(0, path[path.length - 2] === "not" ? -2 : -1) : path.slice(0, -1);
      if (embed.length > 0) throw apiError.notEmbedded(embed[0]);
      // readMaybe: a limit or offset that is not an integer is ignored, as upstream.
      if (word === "limit" && /^-?\d+$/.test(value)) q.limit = Number(value);
      else if (word === "offset" && /^-?\d+$/.test(value)) q.offset = Number(value);
      else if (word === "order") q.order.push(...parseOrder(value));
      else if (word === "and" || word === "or") {
        try {
          q.logic.push(parseLogic(key, value));
        } catch (f) {
          if (f instanceof ParseFail) throw qpError("logic tree", value, f);
          throw f;
        }
      }
      continue;
    }
    let expr;
    try {
      expr = parseFilterValue(value);
    } catch (f) {
      if (f instanceof ParseFail) throw qpError("filter", value, f);
      throw f;
    }
    if (path.length > 1 && !key.includes("->")) throw apiError.notEmbedded(path[0]);
    q.filters.push({ field: fieldName(key, "tree path", key), expr });
  }
  return q;
}

module.exports = { parseQueryString };
