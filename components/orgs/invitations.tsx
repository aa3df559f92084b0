"use client";
import { useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { acceptInvitationAction, inviteAction, revokeInvitationAction } from "@/app/organizations/actions";
import { ORG_ROLE_NAMES, ORG_ROLES } from "@/lib/domain";
import type { InvitationView } from "@/lib/orgs/invitations";
import { inviteSchema } from "@/lib/validations/organization";
import { useFieldErrors } from "@/components/hooks/use-field-errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { Field } from "@/components/ui/field";
import { FormError, RoleSelect, SubmitCell } from "@/components/orgs/role-form-parts";

/** Invite by email: mailed through the installation's SMTP, or else the link is shown here to pass on (valid 24 hours, for that address only). */
export function InviteForm({ slug, mayInviteOwners }: { slug: string; mayInviteOwners: boolean }) {
  const router = useRouter();
  const { pending, setPending, error, setError, fieldErrors, setFieldErrors, showRefusal, checkFields } = useFieldErrors();
  const [link, setLink] = useState<string | null>(null);
  const [mailedTo, setMailedTo] = useState<string | null>(null);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const input = { slug, email: String(data.get("email") ?? ""), role: String(data.get("role") ?? "") };
    if (!checkFields(inviteSchema.safeParse(input))) return;
    setPending(true);
    setError(null);
    setFieldErrors({});
    setLink(null);
    setMailedTo(null);
    const res = await inviteAction(input);
    setPending(false);
    if (!res.ok) return showRefusal(res);
    form.reset();
    setLink(res.data.link);
    setMailedTo(res.data.mailedTo);
    router.refresh();
  }

  return (
    <div className="space-y-4">
      {mailedTo && (
        <p className="rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm font-medium text-emerald-900" data-testid="invitation-mailed">
          Invitation mailed to {mailedTo}. The link in it works for 24 hours, and only for that address.
        </p>
      )}
      {link && (
        <div className="space-y-2 rounded-md border border-emerald-200 bg-emerald-50 p-3" data-testid="invitation-box">
          <p className="text-sm font-medium text-emerald-900">
            No mail was sent (this installation has no SMTP, or its server refused the mail): send this link to the invitee. It is shown once, works for 24
            hours, and only for their address.
          </p>
          <div className="flex items-center gap-2">
            <code className="min-w-0 flex-1 truncate rounded bg-white px-2 py-1 font-mono text-sm" data-testid="invitation-link">
              {link}
            </code>
            <CopyButton value={link} testId="invitation-copy" />
          </div>
        </div>
      )}
      <form onSubmit={onSubmit} className="grid gap-4 sm:grid-cols-[2fr_1fr_auto] sm:items-start" noValidate data-testid="invite">
        <FormError error={error} />
        <Field label="Email" name="email" type="email" placeholder="dev@example.com" required errors={fieldErrors.email} />
        <RoleSelect id="field-invite-role" roles={ORG_ROLES.filter((r) => mayInviteOwners || r !== "OWNER")} />
        <SubmitCell pending={pending} label="Invite" pendingLabel="Inviting…" />
      </form>
    </div>
  );
}

export function PendingInvitations({ slug, invitations }: { slug: string; invitations: InvitationView[] }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  if (invitations.length === 0) return null;
  return (
    <div className="mt-4 space-y-2" data-testid="pending-invitations">
      {error && <Alert>{error}</Alert>}
      <ul className="divide-y divide-zinc-100">
        {invitations.map((i) => (
          <li key={i.id} className="flex items-center justify-between py-2 text-sm" data-testid="invitation-row">
            <span>
              {i.email} · {ORG_ROLE_NAMES[i.role]} · until {new Date(i.expiresAt).toLocaleString("en", { dateStyle: "medium", timeStyle: "short" })}
            </span>
            <Button
              variant="secondary"
              onClick={async () => {
                const res = await revokeInvitationAction({ slug, id: i.id });
                if (!res.ok) setError(res.message);
                else router.refresh();
              }}
            >
              Revoke
            </Button>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function AcceptInvitation({ token }: { token: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  return (
    <div className="space-y-4">
      {error && <Alert>{error}</Alert>}
      <Button
        variant="brand"
        data-testid="accept-invitation"
        disabled={pending}
        onClick={async () => {
          setPending(true);
          const res = await acceptInvitationAction({ token });
          setPending(false);
          if (!res.ok) setError(res.message);
          else router.push(`/organizations/${res.data.slug}`);
        }}
      >
        {pending ? "Joining…" : "Accept the invitation"}
      </Button>
    </div>
  );
}
