"use client";
import { useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { createTokenAction, revokeTokenAction } from "@/app/account/tokens/actions";
import { createTokenSchema, TOKEN_EXPIRY_CHOICES } from "@/lib/validations/tokens";
import type { TokenView } from "@/lib/tokens/service";
import { Alert } from "@/components/ui/alert";
import { useFieldErrors } from "@/components/hooks/use-field-errors";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { Field } from "@/components/ui/field";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TableBody, TableCell, TableHeader, TableRow } from "@/components/ui/table";

const EXPIRY_LABEL: Record<(typeof TOKEN_EXPIRY_CHOICES)[number], string> = {
  "1": "1 day",
  "7": "7 days",
  "30": "30 days",
  "90": "90 days",
  "365": "1 year",
  never: "Never",
};

export function NewTokenForm({ isAdmin }: { isAdmin: boolean }) {
  const router = useRouter();
  const { pending, setPending, error, setError, fieldErrors, setFieldErrors, showRefusal, checkFields } = useFieldErrors();
  const [created, setCreated] = useState<string | null>(null);
  // Admin tokens must expire (lib/validations/tokens.ts): "Never" is not offered for them.
  const [admin, setAdmin] = useState(false);
  const [expiry, setExpiry] = useState<string>("30");

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const input = { name: String(data.get("name") ?? ""), expiresInDays: String(data.get("expiresInDays") ?? ""), admin: data.get("admin") === "on" };
    if (!checkFields(createTokenSchema.safeParse(input))) return;
    setPending(true);
    setError(null);
    setFieldErrors({});
    setCreated(null);
    const res = await createTokenAction(input);
    setPending(false);
    if (!res.ok) {
      showRefusal(res);
      return;
    }
    form.reset();
    setAdmin(false);
    setExpiry("30");
    setCreated(res.data.token);
    router.refresh();
  }

  return (
    <div className="space-y-4">
      {created && (
        <div className="space-y-2 rounded-md border border-emerald-200 bg-emerald-50 p-3" data-testid="new-token-box">
          <p className="text-sm font-medium text-emerald-900">Copy your new token now. It is shown once and cannot be shown again.</p>
          <div className="flex items-center gap-2">
            <code className="min-w-0 flex-1 truncate rounded bg-white px-2 py-1 font-mono text-sm" data-testid="new-token">
              {created}
            </code>
            <CopyButton value={created} testId="new-token-copy" />
          </div>
        </div>
      )}
      <form onSubmit={onSubmit} className="grid gap-4 sm:grid-cols-[2fr_1fr_auto] sm:items-start" noValidate>
        {error && (
          <div className="sm:col-span-3">
            <Alert>{error}</Alert>
          </div>
        )}
        <Field label="Name" name="name" placeholder="CI deploys" required errors={fieldErrors.name} />
        <div className="space-y-1.5">
          <label htmlFor="field-expiresInDays" className="block text-sm font-medium text-zinc-700">
            Expires after
          </label>
          <select
            id="field-expiresInDays"
            name="expiresInDays"
            value={expiry}
            onChange={(e) => setExpiry(e.target.value)}
            className="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm shadow-sm"
          >
            {TOKEN_EXPIRY_CHOICES.filter((c) => !(admin && c === "never")).map((c) => (
              <option key={c} value={c}>
                {EXPIRY_LABEL[c]}
              </option>
            ))}
          </select>
          {fieldErrors.expiresInDays?.map((m) => (
            <p key={m} className="text-xs text-red-600">
              {m}
            </p>
          ))}
        </div>
        <div className="pt-6">
          <Button type="submit" variant="brand" disabled={pending}>
            {pending ? "Creating…" : "Create token"}
          </Button>
        </div>
        {isAdmin && (
          <label className="flex items-center gap-2 text-sm text-zinc-700 sm:col-span-3">
            <input
              type="checkbox"
              name="admin"
              id="field-admin"
              checked={admin}
              onChange={(e) => {
                setAdmin(e.target.checked);
                if (e.target.checked && expiry === "never") setExpiry("365");
              }}
            />
            Admin token: acts on every user&apos;s projects (list, read, pause, restore, delete), while you are an administrator. Admin tokens expire after at
            most a year.
          </label>
        )}
      </form>
    </div>
  );
}

function when(iso: string | null, fallback: string): string {
  return iso ? new Date(iso).toLocaleString("en", { dateStyle: "medium", timeStyle: "short" }) : fallback;
}

function RevokeButton({ id }: { id: string }) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!confirming) {
    return (
      <Button variant="secondary" data-testid={`revoke-${id}`} onClick={() => setConfirming(true)}>
        Revoke
      </Button>
    );
  }
  return (
    <span className="inline-flex items-center gap-2">
      {error && (
        <span className="text-xs text-red-600" role="alert">
          {error}
        </span>
      )}
      <Button
        variant="danger"
        data-testid={`confirm-revoke-${id}`}
        onClick={async () => {
          const res = await revokeTokenAction({ id });
          if (!res.ok) setError(res.message);
          else router.refresh();
        }}
      >
        Revoke now
      </Button>
      <Button variant="ghost" onClick={() => setConfirming(false)}>
        Cancel
      </Button>
    </span>
  );
}

export function TokenList({ tokens }: { tokens: TokenView[] }) {
  if (tokens.length === 0) return <EmptyState>No tokens yet.</EmptyState>;
  return (
    <div className="overflow-x-auto">
      <Table data-testid="tokens">
        <TableHeader columns={["Name", "Token", "Acts on", "Created", "Expires", "Last used", "Status", ""]} />
        <TableBody>
          {tokens.map((t) => (
            <TableRow key={t.id} data-testid="token-row" data-token-id={t.id} data-state={t.state} className={t.state === "active" ? "" : "text-zinc-400"}>
              <TableCell className="font-medium">{t.name}</TableCell>
              <TableCell className="font-mono text-xs">{t.prefix}…</TableCell>
              <TableCell>{t.admin ? "All projects (admin)" : "Your projects"}</TableCell>
              <TableCell>{when(t.createdAt, "")}</TableCell>
              <TableCell>{when(t.expiresAt, "Never")}</TableCell>
              <TableCell data-testid="last-used" title="Recorded at most once a minute">
                {when(t.lastUsedAt, "Never used")}
              </TableCell>
              <TableCell data-testid="token-state">{t.state}</TableCell>
              <TableCell align="right">{t.state === "active" && <RevokeButton id={t.id} />}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
