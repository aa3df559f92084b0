// Next.js calls register() once per server process before serving.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { runStartup } = await import("@/lib/startup");
  await runStartup();
}
