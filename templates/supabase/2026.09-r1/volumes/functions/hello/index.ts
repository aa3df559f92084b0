// Follow this setup guide to integrate the Deno language server with your editor:
// https://deno.land/manual/getting_started/setup_your_environment
Deno.serve(async () => {
  return new Response(`"Hello from Edge Functions!"`, { headers: { "Content-Type": "application/json" } });
});
