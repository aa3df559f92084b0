// Text inputs. `compact` is the inline size used in tables and toolbars;
// the default is the full-width form field.
import type { ComponentProps } from "react";
import { cn } from "@/components/ui/cn";

const base =
  "rounded-md border border-zinc-300 bg-white text-sm outline-none focus:border-brand-500 focus:ring-2 focus:ring-brand-100 aria-invalid:border-red-500";

export function Input({ compact = false, className, ...props }: { compact?: boolean } & ComponentProps<"input">) {
  return <input className={cn(base, compact ? "px-2 py-1" : "block w-full px-3 py-2 shadow-sm", className)} {...props} />;
}

/** A GET form with one search box: the page reads the term from its search params. */
export function SearchBox({ name, defaultValue, placeholder }: { name: string; defaultValue?: string; placeholder: string }) {
  return (
    <form className="flex gap-2" role="search">
      <Input compact name={name} defaultValue={defaultValue} placeholder={placeholder} aria-label={placeholder} />
    </form>
  );
}
