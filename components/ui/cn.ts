/** Joins class names, skipping the empty ones (the kit's one helper; no class merging: callers add, never override). */
export function cn(...classes: Array<string | false | null | undefined>): string {
  return classes.filter(Boolean).join(" ");
}
