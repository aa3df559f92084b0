"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import type { ActionResult } from "@/lib/actions";
import type { DeletedProjectView } from "@/lib/backups/service";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

/** Deleted projects still kept by their final backup, each with "Bring back". */
export function DeletedProjects({ projects, onRestore }: { projects: DeletedProjectView[]; onRestore: (ref: string) => Promise<ActionResult<unknown>> }) {
  const router = useRouter();
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (!projects.length) return null;
  return (
    <div className="space-y-3" data-testid="deleted-projects">
      {error && <Alert>{error}</Alert>}
      <ul className="divide-y divide-zinc-100">
        {projects.map((p) => (
          <li key={p.ref} className="flex flex-wrap items-center justify-between gap-3 py-2 text-sm" data-testid={`deleted-${p.ref}`}>
            <div>
              <span className="font-medium">{p.name}</span> <span className="font-mono text-xs text-zinc-500">{p.ref}</span>
              {p.owner && <span className="ml-2 text-zinc-500">{p.owner.email}</span>}
              <div className="text-xs text-zinc-500">
                Deleted {new Date(p.removedAt).toLocaleString("en")}; kept until {new Date(p.purgeAt).toLocaleString("en")}
              </div>
            </div>
            <Button
              variant="secondary"
              disabled={pending !== null}
              onClick={async () => {
                setPending(p.ref);
                setError(null);
                const res = await onRestore(p.ref);
                setPending(null);
                if (res.ok) router.push(`/project/${p.ref}`);
                else setError(res.message);
              }}
            >
              {pending === p.ref ? "Bringing back…" : "Bring back"}
            </Button>
          </li>
        ))}
      </ul>
    </div>
  );
}
