import Link from "next/link";
import { getCurrentUser } from "@/lib/auth/session";
import { SiteHeader } from "@/components/site-header";

const SERVICES = ["Postgres 17", "Auth (GoTrue)", "REST (PostgREST)", "Realtime", "Storage", "Edge Functions", "Studio", "Supavisor pooler"];

export default async function LandingPage() {
  const user = await getCurrentUser();
  return (
    <>
      <SiteHeader user={user} />
      <main className="mx-auto max-w-6xl px-4">
        <section className="py-20 text-center">
          <p className="mb-4 inline-block rounded-full border border-brand-100 bg-brand-50 px-3 py-1 text-xs font-medium text-brand-700">
            Self-hosted Supabase cloud
          </p>
          <h1 className="mx-auto max-w-3xl text-4xl font-semibold tracking-tight sm:text-5xl">A complete Supabase stack per project, on your own hardware.</h1>
          <p className="mx-auto mt-5 max-w-2xl text-lg text-zinc-600">
            Click “New project” and get Postgres, Auth, REST, Realtime, Storage and Studio — isolated, with their own secrets, at their own subdomain.
          </p>
          <div className="mt-8 flex justify-center gap-3">
            <Link href={user ? "/dashboard" : "/signup"} className="rounded-md bg-zinc-900 px-5 py-2.5 text-sm font-medium text-white hover:bg-zinc-700">
              {user ? "Go to your projects" : "Start a project"}
            </Link>
            {!user && (
              <Link href="/login" className="rounded-md border border-zinc-300 bg-white px-5 py-2.5 text-sm font-medium hover:bg-zinc-50">
                Log in
              </Link>
            )}
          </div>
        </section>
        <section className="mb-20 grid grid-cols-2 gap-3 sm:grid-cols-4">
          {SERVICES.map((s) => (
            <div key={s} className="rounded-lg border border-zinc-200 bg-white px-4 py-3 text-sm text-zinc-700 shadow-sm">
              {s}
            </div>
          ))}
        </section>
      </main>
    </>
  );
}
