// A project's stack spec as the pure builder makes it, with fresh secrets and
// fixed ports: for unit tests of what reads a spec (volumes, seeds, rotation).
import { buildStackSpec } from "@/lib/stack/build-stack-spec";
import { generateProjectSecrets } from "@/lib/stack/secrets";
import type { StackSpec } from "@/lib/stack/types";

export async function sampleSpec(ref: string, stackVersion: string): Promise<StackSpec> {
  return buildStackSpec({
    ref,
    installationId: "0123456789abcdef",
    sealedMetadata: "v1.sealed",
    stackVersion,
    analytics: false,
    secrets: await generateProjectSecrets(),
    ports: { kongHttp: 54001, postgres: 54002, pooler: 54003 },
    publicUrl: `https://${ref}.cloud.test`,
    imageOverrides: {},
  });
}
