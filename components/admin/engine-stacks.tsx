"use client";
// The engine as the admin sees it beside the projects: this installation's
// quarantined stacks (stopped, volumes kept, waiting for a decision) and
// other installations' stacks, which Supafleet never touches.
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { adoptStackAction, findAdoptionCandidateAction, purgeStackAction } from "@/app/admin/actions";
import type { AdoptionCandidate } from "@/lib/projects/recovery";
import type { EngineView } from "@/lib/projects/service";
import { Button } from "@/components/ui/button";
import { RowActions } from "@/components/ui/row-actions";
import { DeleteProjectDialog } from "@/components/projects/delete-project-dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { ProjectCell, Table, TableBody, TableCell, TableHeader, TableRow } from "@/components/ui/table";

function QuarantineControls({ stack }: { stack: EngineView["quarantined"][number] }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [email, setEmail] = useState("");
  // The account found by email: shown to the admin before the stack goes to it.
  const [candidate, setCandidate] = useState<AdoptionCandidate | null>(null);
  const [error, setError] = useState<string | null>(null);
  const adopt = (ownerId?: string) =>
    start(async () => {
      setError(null);
      const res = await adoptStackAction({ ref: stack.ref, ownerId });
      if (!res.ok) setError(res.message);
      setCandidate(null);
      router.refresh();
    });
  return (
    <RowActions error={error}>
      <Button type="button" variant="secondary" className="!px-2 !py-1 text-xs" disabled={pending} onClick={() => adopt()} data-testid={`adopt-${stack.ref}`}>
        Adopt for its owner
      </Button>
      <form
        className="flex items-center gap-1"
        onSubmit={(e) => {
          e.preventDefault();
          start(async () => {
            setError(null);
            setCandidate(null);
            const res = await findAdoptionCandidateAction({ ref: stack.ref, ownerEmail: email });
            if (res.ok) setCandidate(res.data);
            else setError(res.fieldErrors?.ownerEmail?.[0] ?? res.message);
          });
        }}
      >
        <input
          aria-label={`Another owner for ${stack.ref}`}
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          placeholder="or find an account by email"
          className="w-52 rounded-md border border-zinc-300 px-2 py-1 text-xs"
        />
        <Button type="submit" variant="secondary" className="!px-2 !py-1 text-xs" disabled={pending} data-testid={`find-owner-${stack.ref}`}>
          Find
        </Button>
      </form>
      {candidate && (
        <div className="w-full rounded-md border border-amber-300 bg-amber-50 p-2 text-right text-xs" data-testid={`candidate-${stack.ref}`}>
          {candidate.email}: account {candidate.id}, made {new Date(candidate.createdAt).toLocaleString()}
          {candidate.isSealedOwner ? " (the sealed owner)" : " (not the account it was sealed for)"}
          {candidate.disabled ? ", disabled" : ""}.{" "}
          <Button
            type="button"
            variant="secondary"
            className="!px-2 !py-1 text-xs"
            disabled={pending}
            onClick={() => adopt(candidate.id)}
            data-testid={`adopt-for-${stack.ref}`}
          >
            Give it to this account
          </Button>
        </div>
      )}
      <DeleteProjectDialog
        projectRef={stack.ref}
        name={stack.name ?? stack.ref}
        triggerLabel="Delete for good"
        confirmLabel="Delete containers and volumes"
        description="This removes the stack’s containers and its volumes, with whatever data they hold. Supafleet never does this on its own. It cannot be undone."
        onDelete={async (confirmRef) => {
          const res = await purgeStackAction({ ref: stack.ref, confirmRef });
          if (res.ok) router.refresh();
          return res;
        }}
      />
    </RowActions>
  );
}

export function EngineStacks({ view, installationId }: { view: EngineView; installationId: string }) {
  return (
    <div className="space-y-5 text-sm">
      <p className="text-zinc-600">
        This installation is <span className="font-mono">{installationId}</span>. It acts only on resources labelled with this id.
      </p>
      <div>
        <h3 className="mb-2 font-medium">Quarantined ({view.quarantined.length})</h3>
        {view.quarantined.length === 0 ? (
          <EmptyState>
            None. Stacks this installation made but its database does not know, and could not rebuild, appear here: stopped, with their volumes kept.
          </EmptyState>
        ) : (
          <Table>
            <TableHeader columns={["Stack", "Why", "Resources", { label: "Decide", align: "right" }]} />
            <TableBody>
              {view.quarantined.map((q) => (
                <TableRow key={q.ref} data-testid={`quarantined-${q.ref}`}>
                  <ProjectCell name={q.name ?? "unknown name"} projectRef={q.ref} />
                  <TableCell className="max-w-xs text-zinc-600">{q.reason}</TableCell>
                  <TableCell>
                    {q.containers} containers ({q.running} running), {q.volumes} volumes
                  </TableCell>
                  <TableCell>
                    <QuarantineControls stack={q} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </div>
      <div>
        <h3 className="mb-2 font-medium">Other installations ({view.foreign.length})</h3>
        {view.foreign.length === 0 ? (
          <EmptyState>No other Supafleet’s resources on this engine.</EmptyState>
        ) : (
          <Table>
            <TableHeader columns={["Ref", "Installation", "Resources"]} />
            <TableBody>
              {view.foreign.map((f) => (
                <TableRow key={`${f.installation ?? ""}/${f.ref}`} data-testid={`foreign-${f.ref}`}>
                  <TableCell className="font-mono text-xs">{f.ref}</TableCell>
                  <TableCell className="font-mono text-xs">{f.installation ?? "none (made before installation ids)"}</TableCell>
                  <TableCell>
                    {f.containers} containers ({f.running} running), {f.volumes} volumes — never touched
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </div>
    </div>
  );
}
