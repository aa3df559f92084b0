"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { DialogActions, ModalDialog } from "@/components/ui/dialog";
import { Alert } from "@/components/ui/alert";
import type { ActionResult } from "@/lib/actions";
import { useFormSubmit } from "@/components/hooks/use-form-submit";

/** Deleting destroys data: the user types the ref to confirm. */
export function DeleteProjectDialog({
  projectRef,
  name,
  onDelete,
  description = "This removes the project’s containers, database, storage and keys. It cannot be undone.",
  confirmLabel = "Delete project",
  triggerLabel = "Delete",
  pendingLabel = "Deleting…",
}: {
  projectRef: string;
  name: string;
  onDelete: (confirmRef: string) => Promise<ActionResult<undefined>>;
  description?: string;
  confirmLabel?: string;
  triggerLabel?: string;
  pendingLabel?: string;
}) {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const { pending, setPending, error, setError, submit } = useFormSubmit("confirmRef");
  return (
    <ModalDialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        setTyped("");
        setError(null);
        setPending(false);
      }}
      trigger={<Button variant="danger">{triggerLabel}</Button>}
      title={`Delete “${name}”?`}
      description={
        <>
          {description} Type <span className="font-mono font-semibold text-zinc-900">{projectRef}</span> to confirm.
        </>
      }
    >
      <form
        className="mt-4 space-y-4"
        onSubmit={async (e) => {
          e.preventDefault();
          // Done: the dialog closes (a delete also navigates away; a restore stays on the page).
          if (await submit(() => onDelete(typed))) setOpen(false);
        }}
      >
        {error && <Alert>{error}</Alert>}
        <input
          aria-label="Project ref"
          data-testid="confirm-ref"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          className="block w-full rounded-md border border-zinc-300 px-3 py-2 font-mono text-sm outline-none focus:border-red-500 focus:ring-2 focus:ring-red-100"
          autoComplete="off"
        />
        <DialogActions>
          <Button type="submit" variant="danger" disabled={pending || typed !== projectRef}>
            {pending ? pendingLabel : confirmLabel}
          </Button>
        </DialogActions>
      </form>
    </ModalDialog>
  );
}
