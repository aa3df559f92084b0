// Per-service resource limits from templates/supabase/<version>/limits.yml,
// scaled to a project's budget (its owner's plan). Pure apart from reading the
// template.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { LATEST_STACK_VERSION, loadTemplate, TemplateError } from "@/lib/stack/template";
import type { ServiceName } from "@/lib/stack/types";

export interface ProjectBudget {
  memoryMb: number;
  cpus: number;
}

export interface ServiceLimits {
  memoryBytes: number;
  nanoCpus: number;
  pids: number;
}

const serviceLimits = z.object({
  memory_share: z.number().positive().max(100),
  memory_min_mb: z.number().int().min(32),
  cpus: z.number().positive().max(64),
  pids: z.number().int().min(16),
});
const limitsFile = z.object({
  default_plan: z.object({ memory_mb: z.number().int().min(256), cpus: z.number().positive().max(64) }),
  services: z.record(z.string(), serviceLimits),
});

const cached = new Map<string, z.infer<typeof limitsFile>>();

function load(version: string): z.infer<typeof limitsFile> {
  let limits = cached.get(version);
  if (!limits) {
    const template = loadTemplate(version);
    const parsed = limitsFile.safeParse(parse(readFileSync(join(template.dir, "limits.yml"), "utf8")));
    if (!parsed.success) throw new TemplateError(`${version}/limits.yml: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    for (const s of Object.keys(template.compose.services))
      if (!parsed.data.services[s]) throw new TemplateError(`${version}/limits.yml has no limits for ${s}`);
    // Shares are of the whole stack with every optional service on.
    const total = Object.values(parsed.data.services).reduce((a, s) => a + s.memory_share, 0);
    if (Math.abs(total - 100) > 0.001) throw new TemplateError(`${version}/limits.yml memory shares add up to ${total}, not 100`);
    limits = parsed.data;
    cached.set(version, limits);
  }
  return limits;
}

/** The default plan of the newest template (plans are per owner, not per version). */
export function defaultBudget(version = LATEST_STACK_VERSION): ProjectBudget {
  const d = load(version).default_plan;
  return { memoryMb: d.memory_mb, cpus: d.cpus };
}

export function limitsFor(version: string, service: ServiceName, budget: ProjectBudget): ServiceLimits {
  const l = load(version).services[service];
  if (!l) throw new TemplateError(`${version}/limits.yml has no limits for ${service}`);
  const memoryMb = Math.max(l.memory_min_mb, Math.floor((budget.memoryMb * l.memory_share) / 100));
  return { memoryBytes: memoryMb * 1024 * 1024, nanoCpus: Math.round(Math.min(l.cpus, budget.cpus) * 1e9), pids: l.pids };
}
