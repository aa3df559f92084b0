// Reading `supabase functions deploy --use-api`'s request: a multipart/form-data
// body with one "metadata" field (JSON) and "file" parts whose filename is the
// file's path relative to the project directory. The pinned CLI 2.117.0 sends
// the files first and the metadata last, with a "----WebKitFormBoundary…"
// boundary (captured byte for byte: test/fixtures/cli-2.117.0-deploy.*); the
// Go writer in supabase/cli apps/cli-go/pkg/function/deploy.go (writeForm,
// commit 1d1e7191) sends metadata first and escapes \ and " in filenames. Both
// are read: the order of parts does not matter here.
//
// A strict, bounded reader of its own rather than Request.formData(): the body
// is read up to a limit before anything is parsed, and only the two field
// names upstream's FunctionDeployBody has are accepted.
import { ValidationError } from "@/lib/errors";

export interface DeployPart {
  /** The path the client gave (not yet checked: lib/functions/layout.ts does). */
  path: string;
  content: Buffer;
}

export interface DeployForm {
  metadata: unknown;
  files: DeployPart[];
}

const bad = (message: string) => new ValidationError("Invalid request.", { body: [message] });

/** The boundary of a multipart/form-data Content-Type, or a 400 naming what is wrong. */
export function multipartBoundary(contentType: string | null): string {
  const m = /^\s*multipart\/form-data\s*;(.*)$/i.exec(contentType ?? "");
  if (!m) throw bad("Send the function as multipart/form-data (a metadata field and file parts), as `supabase functions deploy --use-api` does.");
  const b = /(?:^|;)\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(m[1] ?? "");
  const boundary = b?.[1] ?? b?.[2];
  if (!boundary) throw bad("The multipart Content-Type has no boundary.");
  return boundary;
}

/** A Content-Disposition's quoted or bare parameter, with Go's \" and \\ escapes undone. */
function dispositionParam(header: string, name: string): string | undefined {
  const re = new RegExp(`;\\s*${name}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s"]+))`, "i");
  const m = re.exec(header);
  if (!m) return undefined;
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : m[2];
}

function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.split("\r\n")) {
    const i = line.indexOf(":");
    if (i <= 0) throw bad("A multipart part has a malformed header.");
    headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return headers;
}

/**
 * The deploy form's parts. At most maxFiles file parts; a metadata field is
 * required and must be JSON; any other field name is refused.
 */
export function parseDeployForm(body: Buffer, boundary: string, limits: { maxFiles: number }): DeployForm {
  const delimiter = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw bad("The body is not multipart/form-data with the declared boundary.");
  let metadata: unknown;
  let metadataSeen = false;
  const files: DeployPart[] = [];
  for (;;) {
    pos += delimiter.length;
    // "--" after a delimiter closes the form.
    if (body.subarray(pos, pos + 2).toString() === "--") break;
    if (body.subarray(pos, pos + 2).toString() !== "\r\n") throw bad("Malformed multipart body.");
    pos += 2;
    const headerEnd = body.indexOf("\r\n\r\n", pos);
    if (headerEnd < 0) throw bad("Malformed multipart body: a part has no header end.");
    const headers = parseHeaders(body.subarray(pos, headerEnd).toString("utf8"));
    const next = body.indexOf(Buffer.concat([Buffer.from("\r\n"), delimiter]), headerEnd + 4);
    if (next < 0) throw bad("Malformed multipart body: the closing boundary is missing.");
    const content = body.subarray(headerEnd + 4, next);
    pos = next + 2;

    const disposition = headers.get("content-disposition") ?? "";
    if (!/^form-data\s*;/i.test(disposition)) throw bad("Every part needs Content-Disposition: form-data.");
    const name = dispositionParam(disposition, "name");
    if (name === "metadata") {
      if (metadataSeen) throw bad("Send one metadata field.");
      metadataSeen = true;
      try {
        metadata = JSON.parse(content.toString("utf8")) as unknown;
      } catch {
        throw bad("The metadata field is not valid JSON.");
      }
    } else if (name === "file") {
      const path = dispositionParam(disposition, "filename");
      if (path === undefined || path === "") throw bad("A file part has no filename (its path).");
      if (files.length >= limits.maxFiles) throw bad(`At most ${limits.maxFiles} files per function.`);
      files.push({ path, content: Buffer.from(content) });
    } else {
      throw bad(`Unknown form field "${name ?? ""}": only metadata and file.`);
    }
  }
  if (!metadataSeen) throw bad("The metadata field is missing.");
  return { metadata, files };
}
