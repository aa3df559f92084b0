"use client";
// The project's Auth settings: where sign-ups and OAuth send people back to,
// and how confirmation mail is sent. Saving restarts only the auth service.
import { useEffect, useState, type FormEvent } from "react";
import { getAuthSettingsAction, saveAuthSettingsAction } from "@/app/project/[ref]/actions";
import type { AuthSettingsView } from "@/lib/projects/auth-settings";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";

export function AuthSettingsForm({ projectRef }: { projectRef: string }) {
  const [view, setView] = useState<AuthSettingsView | null>(null);
  const [smtpOn, setSmtpOn] = useState(false);
  // Keyed by the top-level field (lib/users/service.ts parseOrThrow): all SMTP problems under "smtp".
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [message, setMessage] = useState<{ tone: "info" | "error"; text: string } | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    void getAuthSettingsAction(projectRef).then((res) => {
      if (res.ok) {
        setView(res.data);
        setSmtpOn(res.data.settings.smtp !== null);
      } else setMessage({ tone: "error", text: res.message });
    });
  }, [projectRef]);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const text = (name: string) => String(f.get(name) ?? "");
    const input = {
      siteUrl: text("siteUrl"),
      redirectUrls: text("redirectUrls"),
      confirmEmail: f.get("confirmEmail") === "on",
      phoneSignup: f.get("phoneSignup") === "on",
      phoneAutoconfirm: f.get("phoneAutoconfirm") === "on",
      smtp: smtpOn
        ? {
            host: text("smtpHost"),
            port: text("smtpPort"),
            user: text("smtpUser"),
            password: text("smtpPassword"),
            senderEmail: text("smtpSenderEmail"),
            senderName: text("smtpSenderName"),
          }
        : null,
    };
    setSaving(true);
    setMessage(null);
    const res = await saveAuthSettingsAction(projectRef, input);
    setSaving(false);
    if (res.ok) {
      setView(res.data);
      setErrors({});
      setMessage({ tone: "info", text: res.data.applied ? "Saved. They apply when the project starts." : "Saved. Auth is restarting with the new settings." });
    } else {
      setErrors(res.fieldErrors ?? {});
      setMessage({ tone: "error", text: res.message });
    }
  }

  if (!view) return message ? <Alert>{message.text}</Alert> : <p className="text-sm text-zinc-500">Loading…</p>;
  const s = view.settings;
  const err = (k: string) => errors[k];
  return (
    <form onSubmit={onSubmit} className="space-y-4" data-testid="auth-settings" noValidate>
      {message && <Alert tone={message.tone === "info" ? "info" : undefined}>{message.text}</Alert>}
      <Field
        label="Site URL (your app)"
        name="siteUrl"
        defaultValue={s.siteUrl}
        errors={err("siteUrl")}
        hint="Where confirmation and sign-in links send people back to."
      />
      <div className="space-y-1.5">
        <label htmlFor="field-redirectUrls" className="block text-sm font-medium text-zinc-700">
          Additional redirect URLs
        </label>
        <textarea
          id="field-redirectUrls"
          name="redirectUrls"
          rows={3}
          defaultValue={s.redirectUrls.join("\n")}
          className="block w-full rounded-md border border-zinc-300 px-3 py-2 font-mono text-xs"
        />
        <p className="text-xs text-zinc-500">One per line; * and ** match parts of a URL.</p>
        {err("redirectUrls")?.map((e) => (
          <p key={e} className="text-xs text-red-600">
            {e}
          </p>
        ))}
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="smtpOn" checked={smtpOn} onChange={(e) => setSmtpOn(e.target.checked)} data-testid="smtp-on" />
        Send email through my SMTP server
      </label>
      {smtpOn && (
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label="SMTP host" name="smtpHost" defaultValue={s.smtp?.host ?? ""} />
          <Field label="SMTP port" name="smtpPort" type="number" defaultValue={s.smtp?.port ?? 587} />
          <Field label="SMTP user" name="smtpUser" defaultValue={s.smtp?.user ?? ""} />
          <Field
            label="SMTP password"
            name="smtpPassword"
            type="password"
            autoComplete="new-password"
            placeholder={view.smtpPasswordSet ? "(stored; leave empty to keep)" : ""}
          />
          <Field label="Sender email" name="smtpSenderEmail" type="email" defaultValue={s.smtp?.senderEmail ?? ""} />
          <Field label="Sender name" name="smtpSenderName" defaultValue={s.smtp?.senderName ?? ""} />
          {err("smtp")?.map((e) => (
            <p key={e} className="text-xs text-red-600 sm:col-span-2">
              {e}
            </p>
          ))}
        </div>
      )}
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="confirmEmail" defaultChecked={s.confirmEmail} data-testid="confirm-email" />
        Confirm email: new users must click the link we mail them (needs SMTP)
      </label>
      {err("confirmEmail")?.map((e) => (
        <p key={e} className="text-xs text-red-600">
          {e}
        </p>
      ))}
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="phoneSignup" defaultChecked={s.phoneSignup ?? false} data-testid="phone-signup" />
        Phone sign-up: people may sign up with a phone number
      </label>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="phoneAutoconfirm" defaultChecked={s.phoneAutoconfirm ?? false} data-testid="phone-autoconfirm" />
        Phone autoconfirm: no SMS code (no SMS provider is set up, so phone sign-up needs this; anyone can then register any number)
      </label>
      {err("phoneSignup")?.map((e) => (
        <p key={e} className="text-xs text-red-600">
          {e}
        </p>
      ))}
      <Button type="submit" variant="brand" disabled={saving} data-testid="auth-save">
        {saving ? "Saving…" : "Save Auth settings"}
      </Button>
    </form>
  );
}
