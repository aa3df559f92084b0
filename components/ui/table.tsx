// Tables in the taxonomy/shadcn manner: thin wrappers that carry the
// classes, so every table in the console looks the same.
import type { ComponentProps } from "react";
import { cn } from "@/components/ui/cn";

export function Table({ className, ...props }: ComponentProps<"table">) {
  return <table className={cn("w-full text-left text-sm", className)} {...props} />;
}

export type Column = string | { label: string; align?: "right"; className?: string };

/** The header row: plain names, or `{ label, align: "right" }` for an actions column. */
export function TableHeader({ columns, className, ...props }: { columns: readonly Column[] } & ComponentProps<"thead">) {
  return (
    <thead className={cn("text-xs uppercase tracking-wide text-zinc-500", className)} {...props}>
      <tr>
        {columns.map((c, i) => {
          const col = typeof c === "string" ? { label: c } : c;
          return (
            <th key={`${i}-${col.label}`} className={cn("py-1.5 pr-3 font-medium", col.align === "right" && "text-right", col.className)}>
              {col.label}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}

export function TableBody({ className, ...props }: ComponentProps<"tbody">) {
  return <tbody className={cn("divide-y divide-zinc-100", className)} {...props} />;
}

export function TableRow(props: ComponentProps<"tr">) {
  return <tr {...props} />;
}

export function TableCell({ className, align, ...props }: { align?: "right" } & ComponentProps<"td">) {
  return <td className={cn("py-2 pr-3", align === "right" && "text-right", className)} {...props} />;
}

/** A project's name over its ref: the first cell of every table of projects. */
export function ProjectCell({ name, projectRef }: { name: string; projectRef: string }) {
  return (
    <TableCell>
      <div className="font-medium">{name}</div>
      <div className="font-mono text-xs text-zinc-500">{projectRef}</div>
    </TableCell>
  );
}
