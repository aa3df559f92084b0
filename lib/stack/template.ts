// Loads the stack templates (templates/supabase/<version>/) and fills their
// ${VARS}. Every project runs the template version it was created with (or
// last upgraded to): a newer Supafleet adds versions, it never changes what an
// existing version builds. Substitution is strict: a placeholder without a
// value is a template bug and fails the build of the spec, never a silently
// empty setting.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { AppError } from "@/lib/errors";
import { SERVICE_NAMES, type ServiceName } from "@/lib/stack/types";
import { TEMPLATE_CONTRACTS, TEMPLATE_VERSIONS } from "@/templates/supabase";
import type { ImageContract } from "@/templates/supabase/contract-types";

export class TemplateError extends AppError {
  constructor(message: string) {
    super("template_error", 500, `Stack template error: ${message}`);
  }
}

export const TEMPLATES_ROOT = resolve(process.cwd(), "templates/supabase");

/** The version new projects get: the newest one. */
export const LATEST_STACK_VERSION: string = TEMPLATE_VERSIONS[TEMPLATE_VERSIONS.length - 1]!;
export { TEMPLATE_VERSIONS };

/**
 * How long a stop waits for a service that sets no stop_grace_period: twice
 * compose's 10 s, so Postgres finishes its shutdown checkpoint on a busy host.
 */
export const DEFAULT_STOP_GRACE_MS = 20_000;

/** Compose's own optional-service switch; the only profile Supafleet knows. */
export const ANALYTICS_PROFILE = "analytics";

export interface ComposeService {
  image: string;
  aliases?: string[];
  ports?: string[];
  volumes?: string[];
  files?: string[];
  environment?: Record<string, string | number | boolean>;
  command?: string[];
  entrypoint?: string[];
  healthcheck?: { test: string[]; interval?: string; timeout?: string; retries?: number; start_period?: string };
  depends_on?: Record<string, { condition: "service_healthy" | "service_started" }>;
  profiles?: string[];
  /** How long a stop waits for the service to exit before it is killed ("3s"); default DEFAULT_STOP_GRACE_MS. */
  stop_grace_period?: string;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
  /** Supafleet's extension (compose ignores x- keys): files filled with the project's ${VARS}. */
  "x-supafleet"?: { rendered?: string[] };
}

export interface Template {
  version: string;
  dir: string;
  compose: ComposeFile;
  contracts: Record<string, ImageContract>;
  /** Template-relative paths of the files that carry placeholders. */
  rendered: Set<string>;
  file(relative: string): string;
}

const KNOWN_KEYS = new Set([
  "image",
  "aliases",
  "ports",
  "volumes",
  "files",
  "environment",
  "command",
  "entrypoint",
  "healthcheck",
  "depends_on",
  "profiles",
  "stop_grace_period",
]);

const cache = new Map<string, Template>();

export function isTemplateVersion(version: string): boolean {
  return (TEMPLATE_VERSIONS as readonly string[]).includes(version);
}

/** A version's template, loaded once. Unknown versions are refused (the version comes from the database). */
export function loadTemplate(version: string): Template {
  const hit = cache.get(version);
  if (hit) return hit;
  if (!isTemplateVersion(version)) throw new TemplateError(`no template version "${version}" in this Supafleet (it has ${TEMPLATE_VERSIONS.join(", ")})`);
  const dir = join(TEMPLATES_ROOT, version);
  const compose = parse(readFileSync(join(dir, "docker-compose.yml"), "utf8")) as ComposeFile;
  for (const [name, svc] of Object.entries(compose.services)) {
    if (!(SERVICE_NAMES as readonly string[]).includes(name)) throw new TemplateError(`${version}: unknown service ${name}`);
    for (const key of Object.keys(svc)) {
      if (!KNOWN_KEYS.has(key)) throw new TemplateError(`${version}: service ${name} uses "${key}", which the builder does not translate`);
    }
    for (const p of svc.profiles ?? [])
      if (p !== ANALYTICS_PROFILE) throw new TemplateError(`${version}: service ${name} uses profile "${p}"; only "${ANALYTICS_PROFILE}" is known`);
  }
  const files = new Map<string, string>();
  const template: Template = {
    version,
    dir,
    compose,
    contracts: (TEMPLATE_CONTRACTS as Record<string, Record<string, ImageContract>>)[version]!,
    rendered: new Set(compose["x-supafleet"]?.rendered ?? []),
    file(relative) {
      const clean = relative.replace(/^\.\//, "");
      if (clean.includes("..")) throw new TemplateError(`file path escapes the template: ${relative}`);
      let text = files.get(clean);
      if (text === undefined) {
        text = readFileSync(join(dir, clean), "utf8");
        files.set(clean, text);
      }
      return text;
    },
  };
  cache.set(version, template);
  return template;
}

/** The services a version runs; optional (profiled) ones only when their profile is on. */
export function templateServices(version: string, opts: { analytics: boolean }): ServiceName[] {
  return Object.entries(loadTemplate(version).compose.services)
    .filter(([, svc]) => !svc.profiles?.length || (opts.analytics && svc.profiles.includes(ANALYTICS_PROFILE)))
    .map(([name]) => name as ServiceName);
}

/** Fills ${NAME} and ${NAME:-default}; "$$" stands for a literal "$". */
export function substitute(text: string, vars: Record<string, string>, where: string): string {
  return text.replace(/\$\$|\$\{([A-Za-z0-9_]+)(?::-([^}]*))?\}/g, (match, name: string | undefined, fallback: string | undefined) => {
    if (match === "$$") return "$";
    const value = vars[name!];
    if (value !== undefined) return value;
    if (fallback !== undefined) return fallback;
    throw new TemplateError(`${where}: no value for \${${name}}`);
  });
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function durationMs(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const m = /^(\d+)(ms|s|m|h)$/.exec(value.trim());
  if (!m) throw new TemplateError(`bad duration "${value}"`);
  return Number(m[1]) * UNITS[m[2]!]!;
}

/**
 * The image a service of a version runs: an override for "service@version",
 * else for the service, else the "*" override, else the version's pin.
 */
export function templateImage(version: string, service: string, overrides: Record<string, string>): string {
  const pinned = loadTemplate(version).compose.services[service]?.image;
  if (!pinned) throw new TemplateError(`no service ${service} in template ${version}`);
  return overrides[`${service}@${version}`] ?? overrides[service] ?? overrides["*"] ?? pinned;
}

/**
 * The PostgreSQL major version of a db image, from its tag: Postgres images
 * are tagged by version (supabase/postgres:15.8.1.085, postgres:17), and
 * upstream's own upgrade script tells 15 from 17 by the tag alone
 * (docker/utils/upgrade-pg17.sh). null when the tag does not say.
 */
export function postgresMajor(image: string): number | null {
  const tag = /:([^/:@]+)$/.exec(image.split("@")[0]!)?.[1];
  const m = tag ? /^(\d{1,3})(?:\.|$|-)/.exec(tag) : null;
  return m ? Number(m[1]) : null;
}

/**
 * The Postgres majors of the two versions' db images when they differ: a
 * server refuses a data directory of another major, so moving between them
 * needs the data carried over (lib/docker/pg-upgrade.ts; upstream converts it
 * with docker/utils/upgrade-pg17.sh). null: the same major, or one that a tag
 * does not tell.
 */
export function postgresMajorChange(from: string, to: string, overrides: Record<string, string>): { from: number; to: number } | null {
  const a = postgresMajor(templateImage(from, "db", overrides));
  const b = postgresMajor(templateImage(to, "db", overrides));
  return a === null || b === null || a === b ? null : { from: a, to: b };
}

/** Every image the given versions run (default: the newest, what a create pulls), after overrides, once each. */
export function templateImages(overrides: Record<string, string>, versions: readonly string[] = [LATEST_STACK_VERSION]): string[] {
  const out = new Set<string>();
  for (const version of versions) {
    for (const service of Object.keys(loadTemplate(version).compose.services)) out.add(templateImage(version, service, overrides));
  }
  return [...out].sort();
}
