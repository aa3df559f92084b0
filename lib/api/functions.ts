// Edge Functions in upstream's shapes: a stored function as FunctionResponse,
// and a function's files as the multipart/form-data answer of
// GET …/functions/{slug}/body that `supabase functions download --use-api`
// reads (supabase/cli apps/cli-go/internal/functions/download/download.go
// readForm/saveFile, commit 1d1e7191: parts' filenames are the paths, resolved
// against the metadata's entrypoint_path).
import { randomBytes } from "node:crypto";
import type { EdgeFunctionRow } from "@/lib/projects/edge-functions";
import type { V1Function } from "@/lib/api/function-schemas";

export function v1Function(f: EdgeFunctionRow): V1Function {
  return {
    id: f.id,
    slug: f.slug,
    name: f.name,
    status: f.status === "THROTTLED" ? "THROTTLED" : "ACTIVE",
    version: f.version,
    created_at: f.createdAt.getTime(),
    updated_at: f.updatedAt.getTime(),
    verify_jwt: f.verifyJwt,
    import_map: f.importMapPath !== null,
    entrypoint_path: f.entrypointPath,
    ...(f.importMapPath !== null ? { import_map_path: f.importMapPath } : {}),
    ezbr_sha256: f.sha256,
  };
}

/** Quoted for a Content-Disposition parameter as Go's mime/multipart writes it (\ and " escaped). */
function quoted(v: string): string {
  return `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** The function's metadata part, then one "file" part per file. */
export function functionBodyResponse(f: EdgeFunctionRow, files: Array<{ path: string; content: Buffer }>): Response {
  const boundary = `supafleet-${randomBytes(12).toString("hex")}`;
  const parts: Buffer[] = [];
  // deno2_entrypoint_path is the field the CLI reads from this part (download.go bundleMetadata); the others describe the function as deployed.
  const metadata = {
    deno2_entrypoint_path: f.entrypointPath,
    name: f.name,
    entrypoint_path: f.entrypointPath,
    ...(f.importMapPath ? { import_map_path: f.importMapPath } : {}),
    verify_jwt: f.verifyJwt,
  };
  parts.push(
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(metadata)}\r\n`),
  );
  for (const file of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename=${quoted(file.path)}\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      file.content,
      Buffer.from("\r\n"),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  const body = Buffer.concat(parts);
  return new Response(new Uint8Array(body), {
    status: 200,
    headers: { "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": String(body.length), "cache-control": "no-store" },
  });
}
