import type { ComponentProps, ReactNode } from "react";
import { cn } from "@/components/ui/cn";

/** What a list shows when it has nothing yet: a line, and optionally a title and what to do next. */
export function EmptyState({ title, children, className, ...props }: { title?: ReactNode } & ComponentProps<"div">) {
  if (!title)
    return (
      <div className={cn("text-sm text-zinc-500", className)} {...props}>
        {children}
      </div>
    );
  return (
    <div className={cn("rounded-lg border border-dashed border-zinc-300 px-4 py-8 text-center text-sm text-zinc-500", className)} {...props}>
      <p className="font-medium text-zinc-700">{title}</p>
      <div className="mt-1">{children}</div>
    </div>
  );
}
