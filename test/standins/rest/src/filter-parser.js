// PostgREST's filter grammar (PostgREST/postgrest v14.17 and v14.5,
// src/PostgREST/ApiRequest/QueryParams.hs pOpExpr, pListVal, pLogicTree), with
// Parsec's error reporting reproduced for the failures apps hit (an unknown
// operator, a missing delimiter, a bad is-value): the furthest failure wins,
// failures at one position merge, and `<?> "operator (eq, gt, ...)"` relabels
// what pOperation expected. Errors inside an in-list or a logic tree are reported at the right
// column but their "expecting" part is simplified.
"use strict";

class ParseFail {
  constructor(pos, unexpected, expects, consumed = false) {
    this.pos = pos; // 0-based index into the parsed text
    this.unexpected = unexpected; // the offending character, or "" at end of input
    this.expects = expects;
    this.consumed = consumed;
  }
}

function merge(a, b) {
  if (!a) return b;
  if (!b) return a;
  if (a.pos !== b.pos) return a.pos > b.pos ? a : b;
  return new ParseFail(a.pos, a.unexpected, [...a.expects, ...b.expects]);
}

/** Parsec's showErrorMessages, flattened as QueryParams.hs mapError does. */
function describe(f) {
  const show = (c) => JSON.stringify(c);
  const unexpected = f.unexpected === "" ? "unexpected end of input" : `unexpected ${show(f.unexpected)}`;
  const exp = [...new Set(f.expects.filter(Boolean))];
  const expecting = exp.length === 0 ? "" : ` expecting ${exp.length === 1 ? exp[0] : `${exp.slice(0, -1).join(", ")} or ${exp[exp.length - 1]}`}`;
  return (unexpected + expecting).trim();
}

/** Parsec `string`: fails at its start, naming the first character that differs. */
function str(s, i, kw) {
  for (let k = 0; k < kw.length; k++) {
    if (s[i + k] !== kw[k]) return new ParseFail(i, s[i + k] ?? "", [JSON.stringify(kw)]);
  }
  return null;
}

/** ciString: character by character, so it fails where it differs. */
function ciStr(s, i, kw) {
  for (let k = 0; k < kw.length; k++) {
    const c = s[i + k];
    if (c !== kw[k] && c !== kw[k].toUpperCase()) return new ParseFail(i + k, c ?? "", [JSON.stringify(kw[k]), JSON.stringify(kw[k].toUpperCase())]);
  }
  return null;
}

const delim = (s, i) => (s[i] === "." ? null : new ParseFail(i, s[i] ?? "", ["delimiter (.)"]));

const SIMPLE = ["neq", "cs", "cd", "ov", "sl", "sr", "nxr", "nxl", "adj"];
const QUANT = ["eq", "gte", "gt", "lte", "lt", "like", "ilike", "match", "imatch"];
const FTS = ["fts", "plfts", "phfts", "wfts"];
const IS_VALS = ["null", "not_null", "true", "false", "unknown"];

/** pListVal: "(a,b,\"c,d\")" from index i; returns {values, end}. */
function listVal(s, i) {
  let j = i;
  while (s[j] === " " || s[j] === "\t") j++;
  if (s[j] !== "(") throw new ParseFail(j, s[j] ?? "", ['"("'], true);
  j++;
  const values = [];
  for (;;) {
    let v = "";
    if (s[j] === '"') {
      let k = j + 1;
      let q = "";
      while (k < s.length && s[k] !== '"') {
        if (s[k] === "\\" && k + 1 < s.length) k++;
        q += s[k++];
      }
      if (s[k] === '"' && (s[k + 1] === "," || s[k + 1] === ")")) {
        values.push(q);
        j = k + 1;
      } else {
        while (j < s.length && s[j] !== "," && s[j] !== ")") v += s[j++];
        values.push(v);
      }
    } else {
      while (j < s.length && s[j] !== "," && s[j] !== ")") v += s[j++];
      values.push(v);
    }
    if (s[j] === ",") {
      j++;
      continue;
    }
    break;
  }
  while (s[j] === " " || s[j] === "\t") j++;
  if (s[j] !== ")") throw new ParseFail(j, s[j] ?? "", ['","', '")"'], true);
  j++;
  while (s[j] === " " || s[j] === "\t") j++;
  return { values, end: j };
}

/**
 * pOpExpr at index i of s. valueEnd(s, j) tells where a single value ends
 * (the rest of the text for a filter; up to "," or ")" inside a logic tree).
 * Returns {expr, end} or throws ParseFail.
 */
function opExpr(s, i, valueEnd) {
  let neg = false;
  let err = str(s, i, "not") ?? delim(s, i + 3);
  if (!err) {
    neg = true;
    i += 4;
  }
  const attempts = [];
  const alt = (fn) => {
    try {
      return fn();
    } catch (f) {
      if (!(f instanceof ParseFail) || f.consumed) throw f;
      attempts.push(f);
      return null;
    }
  };
  const need = (f) => {
    if (f) throw f;
  };
  const single = (op, at) => {
    const end = valueEnd(s, at);
    return { expr: { neg, op, value: s.slice(at, end) }, end };
  };
  const result =
    alt(() => {
      need(str(s, i, "in") ?? delim(s, i + 2));
      const { values, end } = listVal(s, i + 3);
      return { expr: { neg, op: "in", values }, end };
    }) ??
    alt(() => {
      need(str(s, i, "is") ?? delim(s, i + 2));
      let best = null;
      for (const v of IS_VALS) {
        const f = ciStr(s, i + 3, v);
        if (!f) return { expr: { neg, op: "is", value: v }, end: i + 3 + v.length };
        best = merge(best, f);
      }
      throw new ParseFail(best.pos, best.unexpected, ["isVal: (null, not_null, true, false, unknown)"], true);
    }) ??
    alt(() => {
      need(str(s, i, "isdistinct") ?? delim(s, i + 10));
      return single("isdistinct", i + 11);
    }) ??
    alt(() => {
      let f = null;
      for (const kw of FTS) {
        const e = str(s, i, kw);
        if (!e) return { expr: { neg, op: kw, value: s.slice(i + kw.length) }, end: s.length };
        f = merge(f, e);
      }
      throw f;
    }) ??
    alt(() => {
      let f = null;
      for (const kw of [...SIMPLE, ...QUANT]) {
        const e = str(s, i, kw);
        if (e) {
          f = merge(f, e);
          continue;
        }
        const at = i + kw.length;
        if (QUANT.includes(kw) && s[at] === "(") return { expr: { neg, op: kw, quantified: true, value: s.slice(at) }, end: s.length };
        const d = delim(s, at);
        if (d) throw merge(QUANT.includes(kw) ? new ParseFail(at, s[at] ?? "", ['"("']) : null, d);
        return single(kw, at + 1);
      }
      throw f;
    });
  if (result) return result;
  const opErr = attempts.reduce((a, b) => merge(a, b), null);
  throw merge(err, new ParseFail(opErr.pos, opErr.unexpected, ["operator (eq, gt, ...)"]));
}

/** A top-level filter value ("eq.1", "not.in.(1,2)"): the whole text is the value. */
function parseFilterValue(v) {
  const { expr } = opExpr(v, 0, (s) => s.length);
  return expr;
}

const FIELD_CHARS = /[\p{L}\p{N}_ $]/u;

/** pFieldName inside a logic tree: identifiers with dashes, or a quoted name. */
function fieldName(s, i) {
  if (s[i] === '"') {
    const end = s.indexOf('"', i + 1);
    if (end < 0) throw new ParseFail(s.length, "", ['"\\""'], true);
    return { name: s.slice(i + 1, end), end: end + 1 };
  }
  let j = i;
  while (j < s.length && (FIELD_CHARS.test(s[j]) || (s[j] === "-" && s[j + 1] !== ">" && j > i))) j++;
  if (j === i) throw new ParseFail(i, s[i] ?? "", ["field name (* or [a..z0..9_$])"]);
  return { name: s.slice(i, j).trim(), end: j };
}

function logicValueEnd(s, j) {
  if (s[j] === '"') {
    const close = s.indexOf('"', j + 1);
    if (close > 0 && (s[close + 1] === "," || s[close + 1] === ")")) return close + 1;
  }
  if (s[j] === "{") {
    const close = s.indexOf("}", j);
    if (close > 0) return close + 1;
  }
  while (j < s.length && s[j] !== "," && s[j] !== ")") j++;
  return j;
}

function unquoteLogic(v) {
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1).replace(/\\(.)/g, "$1") : v;
}

/** pLogicTree: "or(a.eq.1,and(b.gt.2,c.is.null))" → a tree; throws ParseFail. */
function logicTree(s, i) {
  const skip = (k) => {
    while (s[k] === " " || s[k] === "\t") k++;
    return k;
  };
  let neg = false;
  let j = i;
  if (s.startsWith("not.", j)) {
    neg = true;
    j += 4;
  }
  const op = s.startsWith("and", j) ? "and" : s.startsWith("or", j) ? "or" : null;
  if (op && s[j + op.length] === "(") {
    j = skip(j + op.length + 1);
    const children = [];
    for (;;) {
      const child = logicTree(s, j);
      children.push(child.node);
      j = skip(child.end);
      if (s[j] === ",") {
        j = skip(j + 1);
        continue;
      }
      if (s[j] !== ")") throw new ParseFail(j, s[j] ?? "", ['","', '")"'], true);
      return { node: { neg, op, children }, end: j + 1 };
    }
  }
  const f = fieldName(s, i);
  if (s[f.end] !== ".") throw new ParseFail(f.end, s[f.end] ?? "", ["delimiter (.)"], true);
  const { expr, end } = opExpr(s, f.end + 1, logicValueEnd);
  if (expr.value !== undefined) expr.value = unquoteLogic(expr.value);
  return { node: { field: f.name, expr }, end };
}

/** The value of an or=/and= parameter (key "or", "not.or", ...): returns the tree. */
function parseLogic(op, v) {
  const text = op + v;
  const { node, end } = logicTree(text, 0);
  if (end !== text.length) throw new ParseFail(end, text[end] ?? "", ["end of input"]);
  return node;
}

module.exports = { ParseFail, describe, parseFilterValue, parseLogic };
