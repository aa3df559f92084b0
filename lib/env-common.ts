// Pieces of the environment schema that lib/env.ts and its parts
// (lib/env-backups.ts, lib/env-limits.ts) share.
import { z } from "zod";

/** A yes/no variable: true/false, 1/0, yes/no; unset: `def`. */
export const bool = (def: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no"])
    .optional()
    .transform((v) => (v === undefined ? def : v === "true" || v === "1" || v === "yes"));
