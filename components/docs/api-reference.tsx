// Renders an OpenAPI 3.0 document (lib/api/openapi.ts) as plain HTML: every
// operation with its parameters, body and responses, then every schema.
// A server component: no client script, nothing loaded from elsewhere.
import type { ReactNode } from "react";
import { Card } from "@/components/ui/card";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

const isObj = (v: Json | undefined): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: Json | undefined): string | undefined => (typeof v === "string" ? v : undefined);
const REF = "#/components/schemas/";

function TypeOf({ schema }: { schema: Json | undefined }): ReactNode {
  if (!isObj(schema)) return "any";
  const ref = str(schema.$ref);
  if (ref) {
    const name = ref.slice(REF.length);
    return (
      <a href={`#schema-${name}`} className="text-brand-700 underline">
        {name}
      </a>
    );
  }
  const nullable = schema.nullable === true ? " | null" : "";
  if (Array.isArray(schema.oneOf)) {
    return (
      <>
        {schema.oneOf.map((s, i) => (
          <span key={i}>
            {i > 0 && " or "}
            <TypeOf schema={s} />
          </span>
        ))}
        {nullable}
      </>
    );
  }
  if (schema.type === "array")
    return (
      <>
        array of <TypeOf schema={schema.items} />
        {nullable}
      </>
    );
  if (Array.isArray(schema.enum))
    return (
      <>
        {schema.enum.map((e) => JSON.stringify(e)).join(" | ")}
        {nullable}
      </>
    );
  if (schema.type === "object" && isObj(schema.properties))
    return (
      <>
        object {"{ "}
        {Object.keys(schema.properties).join(", ")}
        {" }"}
        {nullable}
      </>
    );
  const limits = [
    schema.pattern ? `pattern ${String(schema.pattern)}` : "",
    schema.maxLength !== undefined ? `≤ ${String(schema.maxLength)} chars` : "",
  ].filter(Boolean);
  return (
    <>
      {str(schema.type) ?? "any"}
      {nullable}
      {limits.length ? <span className="text-zinc-400"> ({limits.join(", ")})</span> : null}
    </>
  );
}

function Properties({ schema }: { schema: Obj }) {
  const props = isObj(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  return (
    <table className="mt-2 w-full text-left text-sm">
      <tbody className="divide-y divide-zinc-100">
        {Object.entries(props).map(([name, s]) => (
          <tr key={name}>
            <td className="py-1.5 pr-4 align-top font-mono text-xs">
              {name}
              {required.has(name) ? <span className="text-red-600">*</span> : null}
            </td>
            <td className="py-1.5 pr-4 align-top text-xs">
              <TypeOf schema={s} />
            </td>
            <td className="py-1.5 align-top text-xs text-zinc-600">
              {isObj(s) && s.deprecated === true ? "Deprecated. " : ""}
              {isObj(s) ? str(s.description) : ""}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const METHOD_STYLE: Record<string, string> = {
  get: "bg-sky-100 text-sky-800",
  post: "bg-emerald-100 text-emerald-800",
  delete: "bg-red-100 text-red-800",
  patch: "bg-amber-100 text-amber-800",
};

function Operation({ method, path, op }: { method: string; path: string; op: Obj }) {
  const params = Array.isArray(op.parameters) ? op.parameters.filter(isObj) : [];
  const body =
    isObj(op.requestBody) && isObj(op.requestBody.content) && isObj(op.requestBody.content["application/json"])
      ? op.requestBody.content["application/json"].schema
      : undefined;
  const responses = isObj(op.responses) ? op.responses : {};
  const secured = Array.isArray(op.security) && op.security.length > 0;
  return (
    <Card id={str(op.operationId)} data-testid="operation" data-method={method.toUpperCase()} data-path={path}>
      <h3 className="flex flex-wrap items-center gap-3">
        <span className={`rounded px-2 py-0.5 font-mono text-xs font-semibold uppercase ${METHOD_STYLE[method] ?? "bg-zinc-100"}`}>{method}</span>
        <code className="font-mono text-sm">{path}</code>
        <span className="text-sm text-zinc-500">{str(op.summary)}</span>
      </h3>
      {str(op.description) && <p className="mt-2 text-sm text-zinc-600">{str(op.description)}</p>}
      <p className="mt-1 text-xs text-zinc-400">
        operationId {str(op.operationId)} · {secured ? "Bearer access token" : "no token"}
      </p>
      {params.length > 0 && (
        <div className="mt-3">
          <h4 className="text-xs font-semibold uppercase text-zinc-500">Parameters</h4>
          <table className="mt-1 w-full text-left text-sm">
            <tbody className="divide-y divide-zinc-100">
              {params.map((p) => (
                <tr key={`${str(p.in)}-${str(p.name)}`}>
                  <td className="py-1.5 pr-4 font-mono text-xs">
                    {str(p.name)}
                    {p.required === true ? <span className="text-red-600">*</span> : null}
                  </td>
                  <td className="py-1.5 pr-4 text-xs text-zinc-500">{str(p.in)}</td>
                  <td className="py-1.5 pr-4 text-xs">
                    <TypeOf schema={p.schema} />
                  </td>
                  <td className="py-1.5 text-xs text-zinc-600">{str(p.description)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {body !== undefined && (
        <p className="mt-3 text-sm">
          <span className="text-xs font-semibold uppercase text-zinc-500">Body </span>
          <TypeOf schema={body} />
        </p>
      )}
      <div className="mt-3">
        <h4 className="text-xs font-semibold uppercase text-zinc-500">Responses</h4>
        <ul className="mt-1 space-y-1 text-sm">
          {Object.entries(responses).map(([status, r]) => {
            const content = isObj(r) && isObj(r.content) && isObj(r.content["application/json"]) ? r.content["application/json"].schema : undefined;
            return (
              <li key={status}>
                <span className="font-mono text-xs font-semibold">{status}</span> <span className="text-zinc-600">{isObj(r) ? str(r.description) : ""}</span>
                {content !== undefined && (
                  <>
                    {" "}
                    · <TypeOf schema={content} />
                  </>
                )}
              </li>
            );
          })}
        </ul>
      </div>
    </Card>
  );
}

export function ApiReference({ doc }: { doc: Obj }) {
  const info = isObj(doc.info) ? doc.info : {};
  const paths = isObj(doc.paths) ? doc.paths : {};
  const schemas = isObj(doc.components) && isObj(doc.components.schemas) ? doc.components.schemas : {};
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">{str(info.title)}</h1>
        <p className="mt-1 max-w-3xl text-sm text-zinc-600">{str(info.description)}</p>
        <p className="mt-2 text-sm">
          The machine-readable document:{" "}
          <a href="/v1/openapi.json" className="text-brand-700 underline">
            /v1/openapi.json
          </a>
          . Tokens:{" "}
          <a href="/account/tokens" className="text-brand-700 underline">
            /account/tokens
          </a>
          .
        </p>
      </div>
      <h2 className="text-lg font-semibold">Operations</h2>
      {Object.entries(paths).flatMap(([path, item]) =>
        isObj(item)
          ? Object.entries(item)
              .filter(([, op]) => isObj(op))
              .map(([method, op]) => <Operation key={`${method} ${path}`} method={method} path={path} op={op as Obj} />)
          : [],
      )}
      <h2 className="text-lg font-semibold">Schemas</h2>
      {Object.entries(schemas).map(([name, s]) => (
        <Card key={name} id={`schema-${name}`}>
          <h3 className="font-mono text-sm font-semibold">{name}</h3>
          {isObj(s) && str(s.description) && <p className="mt-1 text-sm text-zinc-600">{str(s.description)}</p>}
          {isObj(s) && s.type === "object" ? (
            <Properties schema={s} />
          ) : (
            <p className="mt-1 text-sm">
              <TypeOf schema={s} />
            </p>
          )}
        </Card>
      ))}
    </div>
  );
}
