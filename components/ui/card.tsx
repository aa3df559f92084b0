// A white, bordered panel: the page's unit of content. React 19 passes `ref`
// as an ordinary prop, so the kit needs no forwardRef.
import type { ComponentProps, ReactNode } from "react";
import { cn } from "@/components/ui/cn";

export const CARD_CLASS = "rounded-xl border border-zinc-200 bg-white p-5 shadow-sm";

export function Card({ className, ...props }: ComponentProps<"section">) {
  return <section className={cn(CARD_CLASS, className)} {...props} />;
}

/** The card's title, with anything that acts on the whole card (a search box, a button) on the right. */
export function CardHeader({ title, children, className }: { title: ReactNode; children?: ReactNode; className?: string }) {
  if (!children) return <h2 className={cn("mb-3 font-medium", className)}>{title}</h2>;
  return (
    <div className={cn("mb-3 flex items-center justify-between gap-4", className)}>
      <h2 className="font-medium">{title}</h2>
      {children}
    </div>
  );
}

/** A titled card, the common case. */
export function TitledCard({ title, actions, children, ...props }: { title: ReactNode; actions?: ReactNode } & ComponentProps<"section">) {
  return (
    <Card {...props}>
      <CardHeader title={title}>{actions}</CardHeader>
      {children}
    </Card>
  );
}
