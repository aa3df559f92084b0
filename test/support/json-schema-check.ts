// A small, strict checker for the subset of OpenAPI 3.0 schemas upstream's
// Management API document uses for the shapes Supafleet copies (object,
// array, string, integer, number, boolean, enum, pattern, maxLength, required,
// $ref to #/components/schemas). Strict beyond JSON Schema on request:
// `noExtra` also reports properties the schema does not declare, so a
// response cannot grow fields upstream does not have. Unknown keywords fail
// loudly rather than being ignored.
type Schema = Record<string, unknown>;

const KNOWN = new Set([
  "type",
  "properties",
  "required",
  "items",
  "enum",
  "pattern",
  "maxLength",
  "minLength",
  "minimum",
  "maximum",
  "nullable",
  "oneOf",
  "format",
  "description",
  "example",
  "$ref",
]);

export function checkAgainst(
  root: { components: { schemas: Record<string, Schema> } },
  schema: Schema,
  value: unknown,
  opts: { noExtra?: boolean } = {},
): string[] {
  const errors: string[] = [];
  const walk = (s: Schema, v: unknown, at: string): void => {
    for (const k of Object.keys(s)) if (!KNOWN.has(k)) errors.push(`${at}: schema keyword "${k}" is not understood by this checker`);
    if (typeof s.$ref === "string") {
      const name = s.$ref.replace("#/components/schemas/", "");
      const target = root.components.schemas[name];
      if (!target) return void errors.push(`${at}: unresolved ${s.$ref}`);
      return walk(target, v, at);
    }
    if (v === null) {
      if (s.nullable !== true) errors.push(`${at}: null where the schema is not nullable`);
      return;
    }
    if (Array.isArray(s.oneOf)) {
      const fits = (s.oneOf as Schema[]).filter((alt) => checkAgainst(root, alt, v, opts).length === 0).length;
      if (fits !== 1) errors.push(`${at}: fits ${fits} of the oneOf alternatives, not exactly one`);
      return;
    }
    if (Array.isArray(s.enum) && !s.enum.includes(v)) errors.push(`${at}: ${JSON.stringify(v)} is not one of ${JSON.stringify(s.enum)}`);
    switch (s.type) {
      case "object": {
        if (typeof v !== "object" || v === null || Array.isArray(v)) return void errors.push(`${at}: expected an object`);
        const props = (s.properties ?? {}) as Record<string, Schema>;
        for (const r of (s.required ?? []) as string[]) if (!(r in v)) errors.push(`${at}: missing required "${r}"`);
        for (const [k, val] of Object.entries(v)) {
          if (props[k]) walk(props[k], val, `${at}.${k}`);
          else if (opts.noExtra) errors.push(`${at}: "${k}" is not in the upstream schema`);
        }
        return;
      }
      case "array":
        if (!Array.isArray(v)) return void errors.push(`${at}: expected an array`);
        v.forEach((item, i) => walk((s.items ?? {}) as Schema, item, `${at}[${i}]`));
        return;
      case "string":
        if (typeof v !== "string") return void errors.push(`${at}: expected a string`);
        if (typeof s.pattern === "string" && !new RegExp(s.pattern).test(v)) errors.push(`${at}: does not match ${s.pattern}`);
        if (typeof s.maxLength === "number" && v.length > s.maxLength) errors.push(`${at}: longer than ${s.maxLength}`);
        if (typeof s.minLength === "number" && v.length < s.minLength) errors.push(`${at}: shorter than ${s.minLength}`);
        return;
      case "integer":
      case "number":
        if (s.type === "integer" ? !Number.isInteger(v) : typeof v !== "number")
          return void errors.push(`${at}: expected ${s.type === "integer" ? "an integer" : "a number"}`);
        if (typeof s.minimum === "number" && (v as number) < s.minimum) errors.push(`${at}: below ${s.minimum}`);
        if (typeof s.maximum === "number" && (v as number) > s.maximum) errors.push(`${at}: above ${s.maximum}`);
        return;
      case "boolean":
        if (typeof v !== "boolean") errors.push(`${at}: expected a boolean`);
        return;
      case undefined:
        return;
      default:
        errors.push(`${at}: type ${String(s.type)} is not understood by this checker`);
    }
  };
  walk(schema, value, "$");
  return errors;
}
