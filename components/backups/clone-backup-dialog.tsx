"use client";
import { useState } from "react";
import type { ActionResult } from "@/lib/actions";
import { useFormSubmit } from "@/components/hooks/use-form-submit";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { DialogActions, ModalDialog } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";

/** A new project with this backup's data and new keys and passwords. */
export function CloneBackupDialog({ sourceName, onClone }: { sourceName: string; onClone: (name: string) => Promise<ActionResult<unknown>> }) {
  const [name, setName] = useState(`${sourceName} copy`.slice(0, 64));
  const { pending, error, setError, submit } = useFormSubmit("name");
  return (
    <ModalDialog
      onOpenChange={() => setError(null)}
      trigger={
        <Button variant="secondary" data-testid="backup-clone">
          Clone
        </Button>
      }
      title="Clone into a new project"
      description="The new project gets this backup’s data and its own keys and passwords. It counts towards your project limit."
    >
      <form
        className="mt-4 space-y-4"
        onSubmit={async (e) => {
          e.preventDefault();
          await submit(() => onClone(name));
        }}
      >
        {error && <Alert>{error}</Alert>}
        <Input aria-label="Name" data-testid="clone-name" value={name} maxLength={64} onChange={(e) => setName(e.target.value)} />
        <DialogActions>
          <Button type="submit" variant="brand" disabled={pending || name.trim().length < 2}>
            {pending ? "Cloning…" : "Clone"}
          </Button>
        </DialogActions>
      </form>
    </ModalDialog>
  );
}
