"use client";
// The project's custom hostname, step by step as Supabase's dashboard shows
// it: add the hostname, create the records shown, verify, activate; delete at
// any step. Each step is a server action (app/project/[ref]/domain-actions.ts).
import { useState, useTransition } from "react";
import { activateCustomDomainAction, addCustomDomainAction, deleteCustomDomainAction, verifyCustomDomainAction } from "@/app/project/[ref]/domain-actions";
import type { ActionResult } from "@/lib/actions";
import type { CustomDomainView } from "@/lib/domains/view";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { Input } from "@/components/ui/input";

const STEP: Record<CustomDomainView["status"], string> = {
  "1_not_started": "Not started",
  "2_initiated": "Waiting for the DNS records",
  "3_challenge_verified": "Records verified; the certificate is being issued",
  "4_origin_setup_completed": "Ready to activate",
  "5_services_reconfigured": "Active",
};

/** readOnly: the hostname and its records are shown, but the viewer's role may not change them. */
export function CustomDomainCard({ projectRef, initial, readOnly = false }: { projectRef: string; initial: CustomDomainView | null; readOnly?: boolean }) {
  const [view, setView] = useState(initial);
  const [hostname, setHostname] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();

  const run = <T,>(action: () => Promise<ActionResult<T>>, done: (data: T) => void) =>
    start(async () => {
      setError(null);
      const res = await action();
      if (res.ok) done(res.data);
      else setError([res.message, ...Object.values(res.fieldErrors ?? {}).flat()].join(" "));
    });

  if (!view && readOnly) return <p className="text-sm text-zinc-500">No custom domain.</p>;
  if (!view) {
    return (
      <form
        className="flex flex-wrap items-center gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          run(() => addCustomDomainAction(projectRef, hostname), setView);
        }}
      >
        <Input
          compact
          data-testid="custom-domain-input"
          placeholder="api.example.com"
          value={hostname}
          onChange={(e) => setHostname(e.target.value)}
          aria-label="Custom hostname"
        />
        <Button type="submit" disabled={pending || !hostname} data-testid="custom-domain-add">
          Add hostname
        </Button>
        {error && <Alert>{error}</Alert>}
      </form>
    );
  }

  return (
    <div className="space-y-3 text-sm" data-testid="custom-domain">
      <p>
        <span className="font-medium">{view.hostname}</span> — <span data-testid="custom-domain-status">{STEP[view.status]}</span>
      </p>
      {view.status !== "5_services_reconfigured" && (
        <table className="w-full text-left text-xs" data-testid="custom-domain-records">
          <thead>
            <tr className="text-zinc-500">
              <th>Type</th>
              <th>Name</th>
              <th>Value</th>
            </tr>
          </thead>
          <tbody>
            {view.records.map((r) => (
              <tr key={r.type}>
                <td>{r.type}</td>
                <td className="font-mono">{r.name}</td>
                <td className="font-mono break-all">
                  {r.value} <CopyButton value={r.value} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {view.lastError && view.status === "2_initiated" && <Alert tone="info">{view.lastError}</Alert>}
      {error && <Alert>{error}</Alert>}
      {!readOnly && (
        <div className="flex flex-wrap gap-2">
          {(view.status === "2_initiated" || view.status === "3_challenge_verified") && (
            <Button
              variant="secondary"
              disabled={pending}
              data-testid="custom-domain-verify"
              onClick={() => run(() => verifyCustomDomainAction(projectRef), setView)}
            >
              Verify
            </Button>
          )}
          {view.status === "4_origin_setup_completed" && (
            <Button disabled={pending} data-testid="custom-domain-activate" onClick={() => run(() => activateCustomDomainAction(projectRef), setView)}>
              Activate
            </Button>
          )}
          <Button
            variant="danger"
            disabled={pending}
            data-testid="custom-domain-delete"
            onClick={() =>
              run(
                () => deleteCustomDomainAction(projectRef),
                () => setView(null),
              )
            }
          >
            Delete
          </Button>
        </div>
      )}
      {view.status === "5_services_reconfigured" && <p className="text-xs text-zinc-500">The project answers at {view.url}; Auth and Storage use it.</p>}
    </div>
  );
}
