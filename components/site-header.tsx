import Link from "next/link";
import type { SessionUser } from "@/lib/auth/actor";
import { SignOutButton } from "@/components/auth/sign-out-button";

export function SiteHeader({ user }: { user: SessionUser | null }) {
  return (
    <header className="border-b border-zinc-200 bg-white">
      <div className="mx-auto flex h-14 max-w-6xl items-center justify-between px-4">
        <Link href={user ? "/dashboard" : "/"} className="flex items-center gap-2 font-semibold tracking-tight">
          <span className="inline-block h-6 w-6 rounded-md bg-gradient-to-br from-brand-500 to-brand-700" aria-hidden />
          Supafleet
        </Link>
        <nav className="flex items-center gap-4 text-sm">
          {user ? (
            <>
              <Link href="/dashboard" className="text-zinc-600 hover:text-zinc-900">
                Projects
              </Link>
              <Link href="/organizations" className="text-zinc-600 hover:text-zinc-900">
                Organizations
              </Link>
              <Link href="/account/tokens" className="text-zinc-600 hover:text-zinc-900">
                Access tokens
              </Link>
              <Link href="/account/security" className="text-zinc-600 hover:text-zinc-900">
                Security
              </Link>
              <Link href="/docs/api" className="text-zinc-600 hover:text-zinc-900">
                API
              </Link>
              {user.role === "ADMIN" && (
                <Link href="/admin" className="text-zinc-600 hover:text-zinc-900">
                  Admin
                </Link>
              )}
              <span className="hidden text-zinc-500 sm:inline" data-testid="current-user">
                {user.email}
              </span>
              <SignOutButton />
            </>
          ) : (
            <>
              <Link href="/login" className="text-zinc-600 hover:text-zinc-900">
                Log in
              </Link>
              <Link href="/signup" className="rounded-md bg-zinc-900 px-3 py-1.5 font-medium text-white hover:bg-zinc-700">
                Sign up
              </Link>
            </>
          )}
        </nav>
      </div>
    </header>
  );
}
