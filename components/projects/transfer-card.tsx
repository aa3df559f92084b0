"use client";
// Moving the project to another organization (issue 31): the choices are the
// organizations where the viewer may create projects (Owner or Administrator),
// decided on the server; the action checks both sides again. Only who may act
// on the project changes: its address, data and keys stay.
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { transferProjectAction } from "@/app/project/[ref]/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/select";

export interface TransferTarget {
  slug: string;
  name: string;
}

export function TransferCard({ projectRef, targets }: { projectRef: string; targets: TransferTarget[] }) {
  const router = useRouter();
  const [picked, setTarget] = useState(targets[0]?.slug ?? "");
  // After a move the list is read again: a choice no longer in it falls back to the first.
  const target = targets.some((t) => t.slug === picked) ? picked : (targets[0]?.slug ?? "");
  const [message, setMessage] = useState<{ tone: "error" | "success"; text: string } | null>(null);
  const [pending, start] = useTransition();
  if (targets.length === 0) {
    return (
      <p className="text-sm text-zinc-500" data-testid="transfer-none">
        You are not an Owner or Administrator of another organization to move it to.
      </p>
    );
  }
  return (
    <form
      className="flex flex-wrap items-center gap-2"
      data-testid="transfer"
      onSubmit={(e) => {
        e.preventDefault();
        start(async () => {
          setMessage(null);
          const res = await transferProjectAction({ ref: projectRef, organization: target });
          if (!res.ok) return setMessage({ tone: "error", text: res.message });
          setMessage({ tone: "success", text: `Moved to ${targets.find((t) => t.slug === target)?.name ?? target}.` });
          router.refresh();
        });
      }}
    >
      <Select aria-label="Target organization" data-testid="transfer-target" value={target} onChange={(e) => setTarget(e.target.value)}>
        {targets.map((t) => (
          <option key={t.slug} value={t.slug}>
            {t.name}
          </option>
        ))}
      </Select>
      <Button type="submit" variant="secondary" disabled={pending || !target} data-testid="transfer-submit">
        {pending ? "Moving…" : "Move project"}
      </Button>
      <p className="w-full text-xs text-zinc-500">Its members change to the target organization&apos;s; its address, data and keys stay.</p>
      {message && <Alert tone={message.tone}>{message.text}</Alert>}
    </form>
  );
}
