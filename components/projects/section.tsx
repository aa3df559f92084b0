// The project page's building blocks: a value with its label and a copy
// button, and a secret that is masked until revealed (then copyable).
import type { ReactNode } from "react";
import { CopyButton } from "@/components/ui/copy-button";

export function ValueRow({ label, children, copy, testId }: { label: string; children: ReactNode; copy?: string; testId: string }) {
  return (
    <div className="space-y-1">
      <div className="text-xs font-medium uppercase tracking-wide text-zinc-500">{label}</div>
      <div className="flex items-center gap-2">
        <code data-testid={testId} className="min-w-0 flex-1 truncate rounded-md bg-zinc-50 px-2 py-1.5 font-mono text-xs ring-1 ring-zinc-200">
          {children}
        </code>
        {copy !== undefined && <CopyButton value={copy} testId={`${testId}-copy`} />}
      </div>
    </div>
  );
}

export function SecretRow({ label, value, revealed, testId }: { label: string; value: string | undefined | null; revealed: boolean; testId: string }) {
  const shown = revealed && value ? value : undefined;
  return (
    <ValueRow label={label} copy={shown} testId={testId}>
      {shown ?? "•".repeat(36)}
    </ValueRow>
  );
}
