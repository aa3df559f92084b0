import type { ComponentProps } from "react";
import { cn } from "@/components/ui/cn";

export const BADGE_TONES = {
  green: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  amber: "bg-amber-50 text-amber-800 ring-amber-200",
  red: "bg-red-50 text-red-700 ring-red-200",
  sky: "bg-sky-50 text-sky-700 ring-sky-200",
  zinc: "bg-zinc-100 text-zinc-600 ring-zinc-200",
} as const;

export type BadgeTone = keyof typeof BADGE_TONES;

/** A small coloured label; `pill` for a status, square for a tag. */
export function Badge({ tone = "zinc", pill = true, className, ...props }: { tone?: BadgeTone; pill?: boolean } & ComponentProps<"span">) {
  return (
    <span
      className={cn(
        "inline-flex items-center gap-1.5 px-2 py-0.5 text-xs font-medium ring-1 ring-inset",
        pill ? "rounded-full" : "rounded-md",
        BADGE_TONES[tone],
        className,
      )}
      {...props}
    />
  );
}
