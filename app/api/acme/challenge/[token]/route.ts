// The CA's HTTP-01 fetch (RFC 8555 §8.3): nginx passes
// /.well-known/acme-challenge/<token> on every host here (lib/proxy/render-tls.ts).
// Public on purpose, as the RFC requires: it only reads the board of pending
// key authorizations (lib/acme/challenges.ts), which are public by design;
// an unknown or malformed token is a 404.
import { challengeBoard, challengeReply } from "@/lib/acme/challenges";

export async function GET(_req: Request, ctx: { params: Promise<{ token: string }> }): Promise<Response> {
  const { token } = await ctx.params;
  const reply = challengeReply(challengeBoard(), token);
  return new Response(reply.body, { status: reply.status, headers: { "content-type": "text/plain", "cache-control": "no-store" } });
}
