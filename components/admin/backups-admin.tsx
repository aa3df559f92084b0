"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { adminUndeleteAction, saveBackupSettingsAction, setPlanRetentionAction } from "@/app/admin/backup-actions";
import type { BackupAdminView } from "@/lib/backups/service";
import { formatBytes } from "@/components/backups/backups-panel";
import { DeletedProjects } from "@/components/backups/deleted-projects";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { ProjectCell, Table, TableBody, TableCell, TableHeader, TableRow } from "@/components/ui/table";

/** Backups in the admin console: storage used, failures, retention and soft-delete settings, deleted projects. */
export function BackupsAdmin({ view }: { view: BackupAdminView }) {
  const router = useRouter();
  const [retention, setRetention] = useState(String(view.settings.backupRetentionDays));
  const [softDelete, setSoftDelete] = useState(String(view.settings.softDeleteDays));
  const [message, setMessage] = useState<{ tone: "error" | "success"; text: string } | null>(null);
  return (
    <div className="space-y-5">
      <dl className="grid grid-cols-2 gap-y-2 text-sm" data-testid="backup-storage">
        <dt className="text-zinc-500">Stored in backups</dt>
        <dd>
          {formatBytes(view.storedBytes)} in {view.backups} backup(s), {view.target === "s3" ? "S3 bucket" : "local folder"}
        </dd>
      </dl>
      {message && <Alert tone={message.tone}>{message.text}</Alert>}
      <form
        className="flex flex-wrap items-end gap-4 text-sm"
        onSubmit={async (e) => {
          e.preventDefault();
          const res = await saveBackupSettingsAction({ backupRetentionDays: Number(retention), softDeleteDays: Number(softDelete) });
          setMessage(res.ok ? { tone: "success", text: "Saved." } : { tone: "error", text: Object.values(res.fieldErrors ?? {}).flat()[0] ?? res.message });
        }}
      >
        <label className="space-y-1">
          <span className="block text-zinc-500">Keep backups (days, default)</span>
          <Input compact className="w-24" type="number" min={1} max={3650} value={retention} onChange={(e) => setRetention(e.target.value)} />
        </label>
        <label className="space-y-1">
          <span className="block text-zinc-500">Keep deleted projects (days; 0: deletes are final)</span>
          <Input compact className="w-24" type="number" min={0} max={365} value={softDelete} onChange={(e) => setSoftDelete(e.target.value)} />
        </label>
        <Button type="submit" variant="secondary">
          Save
        </Button>
      </form>
      {view.plans.length > 0 && (
        <Table>
          <TableHeader columns={["Plan", "Keep backups (days; empty: default)"]} />
          <TableBody>
            {view.plans.map((p) => (
              <TableRow key={p.id}>
                <TableCell>{p.name}</TableCell>
                <TableCell>
                  <Input
                    compact
                    className="w-24"
                    type="number"
                    min={1}
                    max={3650}
                    defaultValue={p.backupRetentionDays ?? ""}
                    onBlur={async (e) => {
                      const v = e.target.value.trim();
                      const res = await setPlanRetentionAction({ planId: p.id, backupRetentionDays: v ? Number(v) : null });
                      setMessage(res.ok ? { tone: "success", text: `Saved for ${p.name}.` } : { tone: "error", text: res.message });
                    }}
                  />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <div data-testid="backup-failures-admin">
        <h3 className="mb-2 text-sm font-medium">Last failure per project</h3>
        {view.failing.length === 0 ? (
          <EmptyState>No failed backups.</EmptyState>
        ) : (
          <Table>
            <TableHeader columns={["Project", "Owner", "When", "Error"]} />
            <TableBody>
              {view.failing.map((f) => (
                <TableRow key={f.ref}>
                  <ProjectCell name={f.name} projectRef={f.ref} />
                  <TableCell>{f.ownerEmail}</TableCell>
                  <TableCell>{new Date(f.at).toLocaleString("en")}</TableCell>
                  <TableCell className="text-red-700">{f.error.slice(0, 200)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </div>
      {view.deleted.length > 0 && (
        <div>
          <h3 className="mb-2 text-sm font-medium">Deleted projects kept by their final backup</h3>
          <DeletedProjects
            projects={view.deleted}
            onRestore={async (ref) => {
              const res = await adminUndeleteAction(ref);
              if (res.ok) router.refresh();
              return res;
            }}
          />
        </div>
      )}
    </div>
  );
}
