// Pieces of the environment schema that lib/env.ts and its parts
// (lib/env-backups.ts, lib/env-limits.ts) share.
import { z } from "zod";

/** A yes/no variable: true/false, 1/0, yes/no; unset: `def`. */
export const bool = (def: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no"])
    .optional()
    .transform((v) => (v === undefined ? def : v === "true" || v === "1" || v === "yes"));

/** The trimmed, non-empty items of a comma-separated value. */
export const commaList = (v: string): string[] =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * A comma-separated list of entries read into a record, empty by default:
 * `entry` gives one item's key and value, or null when it is malformed, and
 * then `problem` is the sentence that names the variable's format.
 */
export const keyedList = (entry: (item: string) => [string, string] | null, problem: (item: string) => string) =>
  z
    .string()
    .default("")
    .transform((v, ctx) => {
      const out: Record<string, string> = {};
      for (const item of commaList(v)) {
        const kv = entry(item);
        if (!kv) {
          ctx.addIssue({ code: "custom", message: problem(item) });
          return z.NEVER;
        }
        out[kv[0]] = kv[1];
      }
      return out;
    });
