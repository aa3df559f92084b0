"use client";
import { useState } from "react";
import * as Dialog from "@radix-ui/react-dialog";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import type { ActionResult } from "@/lib/actions";

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
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog.Root
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        setTyped("");
        setError(null);
        setPending(false);
      }}
    >
      <Dialog.Trigger asChild>
        <Button variant="danger">{triggerLabel}</Button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 bg-zinc-950/40" />
        <Dialog.Content className="fixed left-1/2 top-1/2 w-[min(92vw,28rem)] -translate-x-1/2 -translate-y-1/2 rounded-xl bg-white p-6 shadow-xl">
          <Dialog.Title className="text-lg font-semibold">Delete “{name}”?</Dialog.Title>
          <Dialog.Description className="mt-2 text-sm text-zinc-600">
            {description} Type <span className="font-mono font-semibold text-zinc-900">{projectRef}</span> to confirm.
          </Dialog.Description>
          <form
            className="mt-4 space-y-4"
            onSubmit={async (e) => {
              e.preventDefault();
              setPending(true);
              setError(null);
              const res = await onDelete(typed);
              setPending(false);
              // Done: the dialog closes (a delete also navigates away; a restore stays on the page).
              if (res.ok) setOpen(false);
              else setError(res.fieldErrors?.confirmRef?.[0] ?? res.message);
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
            <div className="flex justify-end gap-2">
              <Dialog.Close asChild>
                <Button type="button" variant="secondary">
                  Cancel
                </Button>
              </Dialog.Close>
              <Button type="submit" variant="danger" disabled={pending || typed !== projectRef}>
                {pending ? pendingLabel : confirmLabel}
              </Button>
            </div>
          </form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
