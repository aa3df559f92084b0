"use client";
// The project's sections, each at its own URL (app/project/[ref]/<section>),
// as a sidebar in the manner of Supabase's dashboard.
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn";
import { PROJECT_SECTIONS, sectionHref } from "@/components/projects/sections";

export function ProjectNav({ projectRef }: { projectRef: string }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Project sections" className="flex gap-1 overflow-x-auto md:flex-col md:overflow-visible">
      {PROJECT_SECTIONS.map((s) => {
        const href = sectionHref(projectRef, s.path);
        const current = pathname === href;
        return (
          <Link
            key={s.path}
            href={href}
            data-testid={`nav-${s.path || "overview"}`}
            aria-current={current ? "page" : undefined}
            className={cn(
              "whitespace-nowrap rounded-md px-3 py-1.5 text-sm",
              current ? "bg-zinc-100 font-medium text-zinc-900" : "text-zinc-600 hover:bg-zinc-50 hover:text-zinc-900",
            )}
          >
            {s.label}
          </Link>
        );
      })}
    </nav>
  );
}
