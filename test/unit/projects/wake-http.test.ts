// The wake answers (lib/projects/wake-http.ts): what a browser and an API
// client get while a project wakes, is paused, or does not exist. (The wake
// itself: test/db/projects/idle.test.ts.)
import { describe, expect, it } from "vitest";
import { wakeReply } from "@/lib/projects/wake-http";

describe("the wake answers", () => {
  it("answers browsers with a page that reloads itself and API clients with 503 and Retry-After", () => {
    const page = wakeReply("waking", false);
    expect(page.status).toBe(503);
    expect(page.headers["content-type"]).toContain("text/html");
    expect(page.body).toContain('http-equiv="refresh"');
    const api = wakeReply("waking", true);
    expect(api.headers["retry-after"]).toBe("3");
    expect(JSON.parse(api.body)).toMatchObject({ code: 503 });
    expect(wakeReply("paused", true).headers["retry-after"]).toBeUndefined();
    expect(wakeReply("not_found", false).status).toBe(404);
  });
});
