// Telling Postgres majors apart by image tag, as upstream's upgrade script does.
import { describe, expect, it } from "vitest";
import { LATEST_STACK_VERSION, postgresMajor, postgresMajorChange } from "@/lib/stack/template";

describe("postgresMajor", () => {
  it("reads the major from version tags, with or without a registry, and nothing else", () => {
    expect(postgresMajor("supabase/postgres:15.8.1.085")).toBe(15);
    expect(postgresMajor("supabase/postgres:17.6.1.136")).toBe(17);
    expect(postgresMajor("registry.local:5000/supabase/postgres:17.6.1.136")).toBe(17);
    expect(postgresMajor("supafleet-standin/postgres:15")).toBe(15);
    expect(postgresMajor("postgres:16-alpine")).toBe(16);
    expect(postgresMajor("postgres:latest")).toBeNull();
    expect(postgresMajor("postgres")).toBeNull();
    expect(postgresMajor("registry.local:5000/postgres")).toBeNull();
    expect(postgresMajor("postgres@sha256:0123abcd")).toBeNull();
  });
});

describe("postgresMajorChange", () => {
  it("sees the templates' own 15 → 17 move, and not one Postgres for both versions", () => {
    expect(postgresMajorChange("2026.02-r1", LATEST_STACK_VERSION, {})).toEqual({ from: 15, to: 17 });
    expect(postgresMajorChange("2026.02-r1", LATEST_STACK_VERSION, { db: "supafleet-standin/postgres:15" })).toBeNull();
    expect(
      postgresMajorChange("2026.02-r1", LATEST_STACK_VERSION, { db: "supafleet-standin/postgres:15", [`db@${LATEST_STACK_VERSION}`]: "local/pg:17" }),
    ).toEqual({ from: 15, to: 17 });
    // an image whose tag says nothing is not guessed at
    expect(postgresMajorChange("2026.02-r1", LATEST_STACK_VERSION, { [`db@${LATEST_STACK_VERSION}`]: "local/pg:latest" })).toBeNull();
  });
});
