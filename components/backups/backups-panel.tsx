"use client";
import { useCallback, useState } from "react";
import { usePolling } from "@/components/hooks/use-polling";
import { useRouter } from "next/navigation";
import { cloneBackupAction, createBackupAction, listBackupsAction, restoreBackupAction } from "@/app/project/[ref]/backup-actions";
import type { BackupView } from "@/lib/backups/service";
import type { ProjectCapabilities } from "@/lib/orgs/capabilities";
import { RoleNote } from "@/components/projects/role-note";
import { DeleteProjectDialog } from "@/components/projects/delete-project-dialog";
import { CloneBackupDialog } from "@/components/backups/clone-backup-dialog";
import { PitrRestore } from "@/components/backups/pitr-restore";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TableBody, TableCell, TableHeader, TableRow } from "@/components/ui/table";

export function formatBytes(n: number | null): string {
  if (n === null) return "–";
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

const STATUS_STYLE: Record<BackupView["status"], string> = {
  SUCCEEDED: "text-emerald-700",
  RUNNING: "text-sky-700",
  FAILED: "text-red-700",
};

const KIND_LABEL: Record<BackupView["kind"], string> = { SCHEDULED: "daily", MANUAL: "on demand", FINAL: "final" };

/**
 * The project's backups: take one now, restore one (typed confirmation), clone
 * one (roles that may change its settings), download one (roles that may reveal its secrets).
 */
export function BackupsPanel({ projectRef, projectName, can }: { projectRef: string; projectName: string; can: ProjectCapabilities }) {
  const router = useRouter();
  const [backups, setBackups] = useState<BackupView[] | null>(null);
  // From the server with the list (every 5 s): the project's status moves while the page is open.
  const [canBackUp, setCanBackUp] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const load = useCallback(async () => {
    const res = await listBackupsAction(projectRef);
    if (res.ok) {
      setBackups(res.data.backups);
      setCanBackUp(res.data.canBackUp);
    } else setError(res.message);
  }, [projectRef]);

  // Every 5 s while the page is open: a running backup's row moves.
  usePolling(load, 5000);

  async function backUpNow() {
    setPending(true);
    setError(null);
    const res = await createBackupAction(projectRef);
    setPending(false);
    if (!res.ok) setError(res.message);
    void load();
  }

  return (
    <div className="space-y-4" data-testid="backups">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-zinc-600">
          Daily backups of the database (roles included) and Storage files, encrypted. Restoring replaces the project’s data once the restored stack is healthy.
        </p>
        {can.settings && (
          <Button variant="secondary" disabled={pending || !canBackUp} onClick={backUpNow} data-testid="backup-now">
            {pending ? "Backing up…" : "Back up now"}
          </Button>
        )}
      </div>
      {!can.settings && <RoleNote role={can.role} what="taking, restoring or cloning backups" />}
      {error && <Alert>{error}</Alert>}
      {can.settings && <PitrRestore projectRef={projectRef} projectName={projectName} />}
      {backups === null ? (
        <EmptyState>Loading…</EmptyState>
      ) : backups.length === 0 ? (
        <EmptyState>No backups yet.</EmptyState>
      ) : (
        <Table>
          <TableHeader columns={["Time", "Kind", "Size", "Took", "Status", { label: "Actions", align: "right" }]} />
          <TableBody>
            {backups.map((b) => (
              <TableRow key={b.id} data-testid={`backup-${b.id}`}>
                <TableCell>
                  <time dateTime={b.startedAt}>{new Date(b.startedAt).toLocaleString("en")}</time>
                </TableCell>
                <TableCell>{KIND_LABEL[b.kind]}</TableCell>
                <TableCell>{formatBytes(b.sizeBytes)}</TableCell>
                <TableCell>{b.durationMs === null ? "–" : `${(b.durationMs / 1000).toFixed(1)} s`}</TableCell>
                <TableCell className={STATUS_STYLE[b.status]} title={b.error ?? undefined}>
                  {b.status === "FAILED" ? `failed: ${(b.error ?? "").slice(0, 80)}` : b.status.toLowerCase()}
                </TableCell>
                <TableCell>
                  {b.status === "SUCCEEDED" && (
                    <div className="flex justify-end gap-2">
                      {can.secrets && (
                        <a
                          className="rounded-md px-2 py-1 text-sm font-medium text-brand-700 hover:underline"
                          href={`/api/projects/${projectRef}/backups/${b.id}/download`}
                          data-testid="backup-download"
                        >
                          Download
                        </a>
                      )}
                      {!can.settings ? null : b.restorable ? (
                        <>
                          <CloneBackupDialog
                            sourceName={projectName}
                            onClone={async (name) => {
                              const res = await cloneBackupAction({ ref: projectRef, backupId: b.id, name });
                              if (res.ok) router.push(`/project/${res.data.ref}`);
                              return res;
                            }}
                          />
                          <DeleteProjectDialog
                            projectRef={projectRef}
                            name={projectName}
                            triggerLabel="Restore"
                            confirmLabel="Replace the data"
                            pendingLabel="Restoring…"
                            description={`The project's database and files will be replaced by this backup of ${new Date(b.startedAt).toLocaleString("en")}; everything written since is lost. If the restored project does not come up healthy, it keeps its current data.`}
                            onDelete={async (confirmRef) => {
                              const res = await restoreBackupAction({ ref: projectRef, backupId: b.id, confirmRef });
                              if (res.ok) router.refresh();
                              return res.ok ? { ok: true, data: undefined } : res;
                            }}
                          />
                        </>
                      ) : (
                        <span className="text-xs text-zinc-500" title="Backups restore only into the template version they were taken with.">
                          template {b.stackVersion}
                        </span>
                      )}
                    </div>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </div>
  );
}
