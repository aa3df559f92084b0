// HTTP-01 answers waiting to be fetched by the CA (RFC 8555 §8.3): token →
// key authorization. Kept on globalThis because the issuer runs in the
// startup module graph and the route that answers (app/api/acme/challenge)
// in a route bundle; both see the one process-wide board. Key authorizations
// are public by design (the CA fetches them over plain HTTP): not secrets.

// RFC 8555 §8.3: the token is base64url; at least 128 bits of entropy.
export const CHALLENGE_TOKEN = /^[A-Za-z0-9_-]{22,128}$/;

export interface ChallengeBoard {
  put(token: string, keyAuthorization: string): void;
  take(token: string): void;
  answer(token: string): string | null;
}

class MemoryBoard implements ChallengeBoard {
  private readonly answers = new Map<string, string>();
  put(token: string, keyAuthorization: string): void {
    if (!CHALLENGE_TOKEN.test(token)) throw new Error("the CA sent a challenge token that is not base64url");
    this.answers.set(token, keyAuthorization);
  }
  take(token: string): void {
    this.answers.delete(token);
  }
  answer(token: string): string | null {
    return CHALLENGE_TOKEN.test(token) ? (this.answers.get(token) ?? null) : null;
  }
}

const g = globalThis as unknown as { supafleetAcmeChallenges?: ChallengeBoard };

/** The process's board. */
export function challengeBoard(): ChallengeBoard {
  return (g.supafleetAcmeChallenges ??= new MemoryBoard());
}

/** The HTTP answer to GET /.well-known/acme-challenge/<token> (nginx passes it to /api/acme/challenge/<token>). */
export function challengeReply(board: ChallengeBoard, token: string): { status: 200 | 404; body: string } {
  const answer = board.answer(token);
  return answer === null ? { status: 404, body: "no such challenge\n" } : { status: 200, body: answer };
}
