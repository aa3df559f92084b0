"use client";
import { useState } from "react";
import { resendVerificationAction } from "@/app/(auth)/actions";
import { Button } from "@/components/ui/button";

export function ResendVerificationButton() {
  const [pending, setPending] = useState(false);
  const [note, setNote] = useState<string | null>(null);

  async function resend() {
    setPending(true);
    const res = await resendVerificationAction();
    setPending(false);
    if (!res.ok) return setNote(res.message);
    setNote(res.data.alreadyVerified ? "Your address is already confirmed." : "Sent. Open the newest mail: earlier links no longer work.");
  }

  return (
    <span className="inline-flex flex-wrap items-center gap-3">
      <Button type="button" variant="secondary" onClick={() => void resend()} disabled={pending}>
        {pending ? "Sending…" : "Send the link again"}
      </Button>
      {note && (
        <span className="text-sm" data-testid="resend-note">
          {note}
        </span>
      )}
    </span>
  );
}
