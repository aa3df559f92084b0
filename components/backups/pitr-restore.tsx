"use client";
// Point-in-time restore on the project page: the window the plan allows, a
// time picker, the nearest restorable instant and what is lost, shown before
// anything stops; then the typed confirmation as for a backup's restore.
import { useCallback, useState } from "react";
import { useRouter } from "next/navigation";
import { pitrPreviewAction, pitrWindowAction, restorePitrAction } from "@/app/project/[ref]/backup-actions";
import type { PitrPreview, PitrView } from "@/lib/backups/pitr/request";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { DeleteProjectDialog } from "@/components/projects/delete-project-dialog";
import { usePolling } from "@/components/hooks/use-polling";

const local = (iso: string) => new Date(iso).toLocaleString("en");

export function PitrRestore({ projectRef, projectName }: { projectRef: string; projectName: string }) {
  const router = useRouter();
  const [view, setView] = useState<PitrView | null>(null);
  const [at, setAt] = useState("");
  const [preview, setPreview] = useState<PitrPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    const res = await pitrWindowAction(projectRef);
    if (res.ok) setView(res.data);
  }, [projectRef]);
  usePolling(load, 15000);
  if (!view?.enabled) return null;

  async function check() {
    setError(null);
    setPreview(null);
    // datetime-local is the browser's local time, to the second.
    const res = await pitrPreviewAction({ ref: projectRef, targetTime: new Date(at).toISOString() });
    if (res.ok) setPreview(res.data);
    else setError(res.message);
  }

  return (
    <div className="space-y-2 rounded-md border border-zinc-200 p-3" data-testid="pitr">
      <p className="text-sm text-zinc-600">
        Point-in-time restore (last {view.days} days):{" "}
        {view.ranges.length
          ? view.ranges.map((r) => `${local(r.from)} – ${local(r.to)}`).join(", ")
          : "nothing restorable yet (needs a backup and archived WAL)"}
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <input
          type="datetime-local"
          step={1}
          value={at}
          onChange={(e) => setAt(e.target.value)}
          className="rounded-md border px-2 py-1 text-sm"
          data-testid="pitr-time"
        />
        <Button variant="secondary" disabled={!at} onClick={check} data-testid="pitr-check">
          Check
        </Button>
      </div>
      {error && <Alert>{error}</Alert>}
      {preview && (
        <div className="space-y-2 text-sm" data-testid="pitr-preview">
          {preview.target ? (
            <p>
              {preview.exact ? "Restorable exactly: " : "Not restorable; the nearest possible point is "}
              <time dateTime={preview.target}>{local(preview.target)}</time>. {preview.loses}
            </p>
          ) : (
            <p>{preview.loses}</p>
          )}
          {preview.exact && preview.target && (
            <DeleteProjectDialog
              projectRef={projectRef}
              name={projectName}
              triggerLabel="Restore to this point"
              confirmLabel="Replace the data"
              pendingLabel="Restoring…"
              description={`The project's database goes back to ${local(preview.target)}. ${preview.loses} If the restored project does not come up healthy, it keeps its current data.`}
              onDelete={async (confirmRef) => {
                const res = await restorePitrAction({ ref: projectRef, targetTime: preview.target!, confirmRef });
                if (res.ok) router.refresh();
                return res.ok ? { ok: true, data: undefined } : res;
              }}
            />
          )}
        </div>
      )}
    </div>
  );
}
