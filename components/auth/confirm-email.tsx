"use client";
// A button, not a confirmation on page load: mail scanners open links, and a
// GET that spent the token would confirm on their behalf (and use it up).
import { useState } from "react";
import Link from "next/link";
import { confirmEmailAction } from "@/app/(auth)/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

export function ConfirmEmail({ token }: { token: string }) {
  const [pending, setPending] = useState(false);
  const [result, setResult] = useState<{ ok: true; email: string } | { ok: false; message: string } | null>(null);

  async function confirm() {
    setPending(true);
    const res = await confirmEmailAction(token);
    setPending(false);
    setResult(res.ok ? { ok: true, email: res.data.email } : { ok: false, message: res.message });
  }

  if (result?.ok) {
    return (
      <div className="space-y-4">
        <Alert tone="success">Confirmed: {result.email}. You can create projects now.</Alert>
        <Link href="/dashboard" className="block text-center text-sm font-medium text-zinc-900 underline">
          Go to your projects
        </Link>
      </div>
    );
  }
  return (
    <div className="space-y-4">
      {result && <Alert>{result.message}</Alert>}
      <Button type="button" variant="brand" className="w-full" disabled={pending || !token} onClick={() => void confirm()}>
        {pending ? "Confirming…" : "Confirm my email address"}
      </Button>
    </div>
  );
}
