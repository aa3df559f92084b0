// A project's stack input and spec as the pure builder makes them, with fresh
// secrets and fixed ports: for unit tests of what reads a spec (volumes,
// seeds, rotation, start order, log path, Swarm services, image contracts).
// A test changes only what it is about, through `overrides`.
import { buildStackSpec, type StackInput } from "@/lib/stack/build-stack-spec";
import { generateProjectSecrets } from "@/lib/stack/secrets";
import type { StackSpec } from "@/lib/stack/types";

export async function sampleInput(ref: string, stackVersion: string, overrides: Partial<StackInput> = {}): Promise<StackInput> {
  return {
    ref,
    installationId: "0123456789abcdef",
    sealedMetadata: "v1.sealed",
    stackVersion,
    analytics: false,
    secrets: await generateProjectSecrets(),
    ports: { kongHttp: 54001, postgres: 54002, pooler: 54003 },
    publicUrl: `https://${ref}.cloud.test`,
    imageOverrides: {},
    ...overrides,
  };
}

export async function sampleSpec(ref: string, stackVersion: string, overrides: Partial<StackInput> = {}): Promise<StackSpec> {
  return buildStackSpec(await sampleInput(ref, stackVersion, overrides));
}
