// A test file's own folder under the system's temporary directory, removed
// after the file's tests.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

/** A new folder supafleet-<name>-XXXXXX, removed after the file. Call at the top of the file. */
export function tempFolder(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `supafleet-${name}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
