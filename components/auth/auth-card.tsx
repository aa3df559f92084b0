import Link from "next/link";
import type { ReactNode } from "react";
import { Card } from "@/components/ui/card";

export function AuthCard({ title, subtitle, children, footer }: { title: string; subtitle: string; children: ReactNode; footer: ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center bg-gradient-to-b from-white to-zinc-100 px-4">
      <div className="w-full max-w-sm">
        <Link href="/" className="mb-8 flex items-center justify-center gap-2 text-lg font-semibold">
          <span className="inline-block h-7 w-7 rounded-md bg-gradient-to-br from-brand-500 to-brand-700" aria-hidden />
          Supafleet
        </Link>
        <Card>
          <h1 className="text-xl font-semibold tracking-tight">{title}</h1>
          <p className="mb-6 mt-1 text-sm text-zinc-500">{subtitle}</p>
          {children}
        </Card>
        <p className="mt-4 text-center text-sm text-zinc-500">{footer}</p>
      </div>
    </main>
  );
}
