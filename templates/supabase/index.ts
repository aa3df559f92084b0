// The template versions this Supafleet carries, oldest first; the last is what
// new projects get. A version is never edited once projects run it (only a
// security fix, recorded in its README): a change is a new version, and
// projects move to it by an explicit upgrade (lib/projects/upgrade.ts).
import type { ImageContract } from "@/templates/supabase/contract-types";
import { IMAGE_CONTRACTS as CONTRACTS_2026_02_R1 } from "@/templates/supabase/2026.02-r1/images";
import { IMAGE_CONTRACTS as CONTRACTS_2026_09_R1 } from "@/templates/supabase/2026.09-r1/images";

export const TEMPLATE_VERSIONS = ["2026.02-r1", "2026.09-r1"] as const;

export const TEMPLATE_CONTRACTS: Record<(typeof TEMPLATE_VERSIONS)[number], Record<string, ImageContract>> = {
  "2026.02-r1": CONTRACTS_2026_02_R1,
  "2026.09-r1": CONTRACTS_2026_09_R1,
};
