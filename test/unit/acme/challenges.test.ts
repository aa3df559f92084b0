import { describe, expect, it } from "vitest";
import { challengeBoard, challengeReply } from "@/lib/acme/challenges";

describe("the HTTP-01 board", () => {
  const token = "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA";
  it("answers a pending token with its key authorization, and 404 once taken or for a malformed token", () => {
    const board = challengeBoard();
    board.put(token, `${token}.thumbprint`);
    expect(challengeReply(board, token)).toEqual({ status: 200, body: `${token}.thumbprint` });
    expect(challengeReply(board, "../../etc/passwd").status).toBe(404);
    expect(challengeReply(board, "short").status).toBe(404);
    board.take(token);
    expect(challengeReply(board, token).status).toBe(404);
  });

  it("refuses a token from the CA that is not base64url", () => {
    expect(() => challengeBoard().put("not a token!", "x")).toThrow(/base64url/);
  });
});
