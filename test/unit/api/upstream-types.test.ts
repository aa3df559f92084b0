// Supafleet's answers checked against supabase-management-js, whose types and
// enums are generated (orval) from Supabase's published OpenAPI spec: the
// type assertions run in `tsc --noEmit`, the enum checks at test time.
import {
  ApiKeyResponseType,
  V1CreateProjectBodyRegion,
  V1GetServicesHealthServicesItem,
  V1ProjectResponseStatus,
  V1ProjectWithDatabaseResponseStatus,
  V1ServiceHealthResponseStatus,
  type ApiKeyResponse,
  type AuthConfigResponse,
  type OrganizationResponseV1,
  type V1CreateProjectBody,
  type V1ProjectRefResponse,
  type V1ProjectResponse,
  type V1ProjectWithDatabaseResponse,
  type V1RunQueryBody,
  type V1ServiceHealthResponse,
  type UpdateAuthConfigBody,
} from "supabase-management-js";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import type { V1ApiKey } from "@/lib/api/api-keys";
import type { V1AuthConfig } from "@/lib/api/auth-config";
import type { V1ServiceHealth } from "@/lib/api/health";
import { createProjectBodySchema, HEALTH_SERVICES, PROJECT_STATUSES, SERVICE_HEALTH_STATUSES, type runQueryBodySchema } from "@/lib/api/schemas";
import { AUTH_CONFIG_FIELDS, updateAuthConfigBodySchema } from "@/lib/api/auth-config-schemas";
import type { V1Organization, V1Project, V1ProjectRef, V1ProjectWithDatabase } from "@/lib/api/views";

describe("responses have the upstream shapes", () => {
  it("type-checks each response against the generated type", () => {
    expectTypeOf<V1Project>().toExtend<V1ProjectResponse>();
    expectTypeOf<V1ProjectWithDatabase>().toExtend<V1ProjectWithDatabaseResponse>();
    expectTypeOf<V1ProjectRef>().toExtend<V1ProjectRefResponse>();
    expectTypeOf<V1ServiceHealth>().toExtend<V1ServiceHealthResponse>();
    expectTypeOf<V1ApiKey>().toExtend<ApiKeyResponse>();
    expectTypeOf<V1Organization>().toExtend<OrganizationResponseV1>();
    // and what the run-query body accepts is what clients may send
    expectTypeOf<z.output<typeof runQueryBodySchema>>().toExtend<V1RunQueryBody>();
    // auth config: a subset of upstream's fields, each with upstream's type
    expectTypeOf<keyof V1AuthConfig>().toExtend<keyof AuthConfigResponse>();
    expectTypeOf<V1AuthConfig>().toExtend<Pick<AuthConfigResponse, keyof V1AuthConfig>>();
    expectTypeOf<keyof z.input<typeof updateAuthConfigBodySchema>>().toExtend<keyof UpdateAuthConfigBody>();
    expectTypeOf<z.output<typeof updateAuthConfigBodySchema>>().toExtend<UpdateAuthConfigBody>();
  });

  it("uses only upstream's status and service words", () => {
    expect(Object.values(V1ProjectResponseStatus)).toEqual(expect.arrayContaining([...PROJECT_STATUSES]));
    expect(Object.values(V1ProjectWithDatabaseResponseStatus)).toEqual(expect.arrayContaining([...PROJECT_STATUSES]));
    expect(Object.values(V1ServiceHealthResponseStatus).sort()).toEqual([...SERVICE_HEALTH_STATUSES].sort());
    expect(Object.values(V1GetServicesHealthServicesItem).sort()).toEqual([...HEALTH_SERVICES].sort());
    expect(Object.values(ApiKeyResponseType).sort()).toEqual(["legacy", "publishable", "secret"]);
  });
});

describe("requests clients build from the generated types", () => {
  it("accepts an auth config update typed with upstream's body, in the supported fields", () => {
    const update: UpdateAuthConfigBody = {
      site_url: "https://app.example.com",
      uri_allow_list: "https://app.example.com/**",
      mailer_autoconfirm: true,
      smtp_port: "587",
      smtp_pass: null,
    };
    expect(updateAuthConfigBodySchema.safeParse(update).success).toBe(true);
    expect([...AUTH_CONFIG_FIELDS].sort()).toEqual(Object.keys(updateAuthConfigBodySchema.shape).sort());
  });

  it("accepts a create body with every upstream region code", () => {
    for (const region of Object.values(V1CreateProjectBodyRegion)) {
      const body: V1CreateProjectBody = { db_pass: "pw", name: "Typed app", organization_slug: "org-1", region };
      expect(createProjectBodySchema.safeParse(body).success).toBe(true);
      const selected: V1CreateProjectBody = {
        db_pass: "pw",
        name: "Typed app",
        organization_slug: "org-1",
        region_selection: { type: "specific", code: region },
      };
      expect(createProjectBodySchema.safeParse(selected).success).toBe(true);
    }
  });
});
