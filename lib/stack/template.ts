// Loads the stack template (templates/supabase) once and fills its ${VARS}.
// Substitution is strict: a placeholder without a value is a template bug and
// fails the build of the spec, never a silently empty setting.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { AppError } from "@/lib/errors";

export class TemplateError extends AppError {
  constructor(message: string) {
    super("template_error", 500, `Stack template error: ${message}`);
  }
}

export const TEMPLATE_DIR = resolve(process.cwd(), "templates/supabase");

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
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
}

const KNOWN_KEYS = new Set(["image", "aliases", "ports", "volumes", "files", "environment", "command", "entrypoint", "healthcheck", "depends_on"]);

let compose: ComposeFile | undefined;
const files = new Map<string, string>();

export function loadCompose(): ComposeFile {
  if (!compose) {
    const raw = parse(readFileSync(join(TEMPLATE_DIR, "docker-compose.yml"), "utf8")) as ComposeFile;
    for (const [name, svc] of Object.entries(raw.services)) {
      for (const key of Object.keys(svc)) {
        if (!KNOWN_KEYS.has(key)) throw new TemplateError(`service ${name} uses "${key}", which the builder does not translate`);
      }
    }
    compose = raw;
  }
  return compose;
}

export function loadTemplateFile(relative: string): string {
  const clean = relative.replace(/^\.\//, "");
  if (clean.includes("..")) throw new TemplateError(`file path escapes the template: ${relative}`);
  let text = files.get(clean);
  if (text === undefined) {
    text = readFileSync(join(TEMPLATE_DIR, clean), "utf8");
    files.set(clean, text);
  }
  return text;
}

export const STACK_VERSION = readFileSync(join(TEMPLATE_DIR, "VERSION"), "utf8").trim();

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

/** The image a service runs: an override for it, else the "*" override, else the template's pin. */
export function templateImage(service: string, overrides: Record<string, string>): string {
  const pinned = loadCompose().services[service]?.image;
  if (!pinned) throw new TemplateError(`no service ${service} in the template`);
  return overrides[service] ?? overrides["*"] ?? pinned;
}

/** Every image the template runs, after overrides, once each: what a first create pulls. */
export function templateImages(overrides: Record<string, string>): string[] {
  return [...new Set(Object.keys(loadCompose().services).map((service) => templateImage(service, overrides)))].sort();
}
