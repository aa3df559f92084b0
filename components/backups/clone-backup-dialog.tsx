"use client";
import { useState } from "react";
import * as Dialog from "@radix-ui/react-dialog";
import type { ActionResult } from "@/lib/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

/** A new project with this backup's data and new keys and passwords. */
export function CloneBackupDialog({ sourceName, onClone }: { sourceName: string; onClone: (name: string) => Promise<ActionResult<unknown>> }) {
  const [name, setName] = useState(`${sourceName} copy`.slice(0, 64));
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog.Root onOpenChange={() => setError(null)}>
      <Dialog.Trigger asChild>
        <Button variant="secondary" data-testid="backup-clone">
          Clone
        </Button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 bg-zinc-950/40" />
        <Dialog.Content className="fixed left-1/2 top-1/2 w-[min(92vw,28rem)] -translate-x-1/2 -translate-y-1/2 rounded-xl bg-white p-6 shadow-xl">
          <Dialog.Title className="text-lg font-semibold">Clone into a new project</Dialog.Title>
          <Dialog.Description className="mt-2 text-sm text-zinc-600">
            The new project gets this backup’s data and its own keys and passwords. It counts towards your project limit.
          </Dialog.Description>
          <form
            className="mt-4 space-y-4"
            onSubmit={async (e) => {
              e.preventDefault();
              setPending(true);
              setError(null);
              const res = await onClone(name);
              setPending(false);
              if (!res.ok) setError(res.fieldErrors?.name?.[0] ?? res.message);
            }}
          >
            {error && <Alert>{error}</Alert>}
            <input
              aria-label="Name"
              data-testid="clone-name"
              value={name}
              maxLength={64}
              onChange={(e) => setName(e.target.value)}
              className="block w-full rounded-md border border-zinc-300 px-3 py-2 text-sm outline-none focus:border-brand-500 focus:ring-2 focus:ring-brand-100"
            />
            <div className="flex justify-end gap-2">
              <Dialog.Close asChild>
                <Button type="button" variant="secondary">
                  Cancel
                </Button>
              </Dialog.Close>
              <Button type="submit" variant="brand" disabled={pending || name.trim().length < 2}>
                {pending ? "Cloning…" : "Clone"}
              </Button>
            </div>
          </form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
