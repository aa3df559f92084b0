// Body-less successes (pause, restore) on the wire. Supabase's OpenAPI
// document answers both with 200 and no content (supabase/cli
// packages/api/src/generated/openapi.json at 1d1e7191268e068fe9cb6aba524d1c619a9c727b:
// v1-pause-a-project and v1-restore-a-project, responses."200" has no content),
// and clients generated from it (openapi-fetch) parse JSON unless they get 204
// or Content-Length: 0. The route's Response goes out through Next's own code,
// as the production server (scripts/start.mjs → router-server) sends it: Next's
// compression unless next.config.ts turns it off, then sendResponse. The raw
// bytes are read from a socket.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { connect, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import nextConfig from "@/next.config";
import { successResponse } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";

const require = createRequire(import.meta.url);
type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
const compression = require("next/dist/compiled/compression") as () => Middleware;
const { sendResponse } = require("next/dist/server/send-response") as {
  sendResponse: (req: unknown, res: unknown, response: Response) => Promise<void>;
};
const { NodeNextRequest, NodeNextResponse } = require("next/dist/server/base-http/node") as {
  NodeNextRequest: new (req: IncomingMessage) => unknown;
  NodeNextResponse: new (res: ServerResponse) => unknown;
};

let answer: () => Response = () => successResponse(200, undefined);
// As next/dist/server/lib/router-server.js does for every request.
const compress = nextConfig.compress !== false ? compression() : undefined;
const server = createServer((req, res) => {
  compress?.(req, res, () => undefined);
  void sendResponse(new NodeNextRequest(req), new NodeNextResponse(res), answer());
});

beforeAll(() => new Promise<void>((r) => server.listen(0, "127.0.0.1", r)));
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** The raw response head (status line and headers) to one POST. */
function rawHead(acceptEncoding: string | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const { port } = server.address() as AddressInfo;
    const socket = connect(port, "127.0.0.1", () => {
      const ae = acceptEncoding ? `Accept-Encoding: ${acceptEncoding}\r\n` : "";
      socket.write(`POST /v1/projects/abcdefghijklmnopqrst/pause HTTP/1.1\r\nHost: x\r\n${ae}Content-Length: 0\r\nConnection: close\r\n\r\n`);
    });
    let data = "";
    socket.on("data", (d: Buffer) => (data += d.toString("latin1")));
    socket.on("end", () => resolve(data));
    socket.on("error", reject);
  });
}

describe("a body-less success on the wire", () => {
  it("is what Supabase's document says for pause and restore: 200 with no content", () => {
    for (const op of [operations.pauseProject, operations.restoreProject]) {
      expect(op.success.status).toBe(200);
      expect(op.success.schema).toBeUndefined();
    }
  });

  it.each([["gzip, deflate"], [undefined]])("carries Content-Length: 0 and no chunked body (Accept-Encoding: %s)", async (ae) => {
    answer = () => successResponse(200, undefined);
    const head = await rawHead(ae);
    expect(head).toMatch(/^HTTP\/1\.1 200 /);
    expect(head).toMatch(/\r\ncontent-length: 0\r\n/i);
    expect(head).not.toMatch(/transfer-encoding/i);
    expect(head).toMatch(/\r\ncache-control: no-store\r\n/i);
    expect(head.endsWith("\r\n\r\n")).toBe(true);
  });

  it("still sends JSON answers whole", async () => {
    answer = () => successResponse(200, { ref: "abcdefghijklmnopqrst" });
    const raw = await rawHead(undefined);
    expect(raw).toMatch(/\r\ncontent-type: application\/json/i);
    expect(raw).toContain('{"ref":"abcdefghijklmnopqrst"}');
  });
});
