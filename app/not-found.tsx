import Link from "next/link";

export default function NotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-3 px-4 text-center">
      <h1 className="text-2xl font-semibold" data-testid="not-found">
        Not found
      </h1>
      <p className="text-sm text-zinc-500">There is nothing here, or it is not yours to see.</p>
      <Link href="/dashboard" className="text-sm font-medium underline">
        Back to your projects
      </Link>
    </main>
  );
}
