// SECURITY.md must match the code: every file it points to exists, every
// setting it names is one the app reads, and it covers the Management API.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = process.cwd();
const doc = readFileSync(join(root, "SECURITY.md"), "utf8");
const code = (...files: string[]) => files.map((f) => readFileSync(join(root, f), "utf8")).join("\n");

/** `a/{b,c}/d` → a/b/d, a/c/d */
function expand(path: string): string[] {
  const m = /\{([^}]+)\}/.exec(path);
  if (!m) return [path];
  return m[1]!.split(",").flatMap((part) => expand(path.replace(m[0], part)));
}

/** A path with `<placeholders>` (or a `*`) exists when some directory entry fills each one. */
function exists(path: string): boolean {
  const parts = path.replace(/\/$/, "").split("/");
  let dirs = [root];
  for (const part of parts) {
    const next: string[] = [];
    for (const d of dirs) {
      if (part.includes("<") || part.includes("*")) {
        const re = new RegExp(`^${part.replace(/[.+?^$()|[\]\\]/g, "\\$&").replace(/<[^>]+>|\*/g, "[^/]+")}$`);
        if (existsSync(d)) for (const e of readdirSync(d)) if (re.test(e)) next.push(join(d, e));
      } else if (existsSync(join(d, part))) next.push(join(d, part));
    }
    dirs = next;
  }
  return dirs.length > 0;
}

describe("SECURITY.md", () => {
  const spans = [...doc.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]!);
  // Repository paths: start with a top-level folder of this repository, or are a dotfile at its root.
  const tops = readdirSync(root).filter((e) => !e.startsWith("."));
  const paths = spans.filter((s) => tops.some((t) => s.startsWith(`${t}/`)) || /^\.[a-z]+ignore$/.test(s)).flatMap(expand);

  it("points only at files and folders that exist", () => {
    expect(paths.length).toBeGreaterThan(20);
    expect(paths.filter((p) => !exists(p.replace(/ .*$/, "")))).toEqual([]);
  });

  it("names only settings the app reads", () => {
    const env = code("lib/env.ts", "lib/env-limits.ts", "lib/env-backups.ts", "lib/env-common.ts", "lib/env-mail.ts", "lib/env-acme.ts");
    const named = [...new Set([...doc.matchAll(/\b(SUPAFLEET_[A-Z0-9_]+?)(?:_\*|\b)/g)].map((m) => m[1]!))];
    expect(named.length).toBeGreaterThan(5);
    const unknown = named.filter((n) => (doc.includes(`${n}_*`) ? !env.includes(`${n}_`) : !env.includes(`${n}:`) && !env.includes(`"${n}"`)));
    expect(unknown).toEqual([]);
  });

  it("covers the Management API: tokens, admin tokens and the SQL endpoint", () => {
    const section = /## The Management API\n([\s\S]*?)\n## /.exec(doc)?.[1] ?? "";
    expect(section).toMatch(/access tokens/i);
    expect(section).toMatch(/admin tokens/i);
    expect(section).toMatch(/must expire/);
    expect(section).toContain("/v1/projects/{ref}/database/query");
  });

  it("drops the lines the code has outgrown", () => {
    expect(doc).not.toMatch(/gets the Docker socket/);
    expect(doc).not.toMatch(/there are no\s+resource limits yet/);
    expect(doc).not.toMatch(/app\/dashboard\/actions\.ts/); // throttles are charged by the project service now
  });
});
