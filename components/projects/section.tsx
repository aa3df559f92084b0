// The project page's building blocks: a titled card, and a secret that is
// masked until revealed (then copyable).
import type { ReactNode } from "react";
import { CopyButton } from "@/components/ui/copy-button";

export function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section data-testid={testId} className="rounded-xl border border-zinc-200 bg-white p-5 shadow-sm">
      <h2 className="mb-4 font-medium">{title}</h2>
      {children}
    </section>
  );
}

export function SecretRow({ label, value, revealed, testId }: { label: string; value: string | undefined; revealed: boolean; testId: string }) {
  return (
    <div className="space-y-1">
      <div className="text-xs font-medium uppercase tracking-wide text-zinc-500">{label}</div>
      <div className="flex items-center gap-2">
        <code data-testid={testId} className="min-w-0 flex-1 truncate rounded-md bg-zinc-50 px-2 py-1.5 font-mono text-xs ring-1 ring-zinc-200">
          {revealed && value ? value : "•".repeat(36)}
        </code>
        {revealed && value && <CopyButton value={value} testId={`${testId}-copy`} />}
      </div>
    </div>
  );
}
