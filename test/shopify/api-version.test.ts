/**
 * The Admin API version: one constant (app/shopify/api-version.ts) that the library's `apiVersion`, the
 * webhooks' `api_version` in shopify.app.toml, the stand-in and the pinned schema file all follow, and a
 * warning that comes due 3 months before the version's documented support may end, so the next move is
 * planned rather than discovered when Shopify falls forward.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { ApiVersion } from "@shopify/shopify-api";
import { describe, expect, it } from "vitest";
import {
  ADMIN_API_VERSION,
  adminSchemaFileName,
  apiVersionMoveBy,
  apiVersionWindow,
} from "../../app/shopify/api-version";
import { needSharedData } from "../helpers/shared-data";
import { withShopifyAppEnv } from "../helpers/shopify-app";
import { startStandin } from "../../packages/shopify-standin/src/server";
import { schemaPath } from "../../packages/shopify-standin/src/schema";

const root = process.cwd();

describe("the Admin API version's support window (shopify.dev 'About Shopify API versioning')", () => {
  it("follows the documented schedule: released on the 1st of its month at 17:00 UTC, supported 12 months", () => {
    // The docs' own example table: 2023-01 released January 1, 2023, supported until January 1, 2024.
    expect(apiVersionWindow("2023-01")).toEqual({
      released: new Date("2023-01-01T17:00:00Z"),
      supportedUntil: new Date("2024-01-01T17:00:00Z"),
    });
    expect(apiVersionWindow("2023-10").supportedUntil).toEqual(new Date("2024-10-01T17:00:00Z"));
    expect(apiVersionMoveBy("2026-10")).toEqual(new Date("2027-07-01T17:00:00Z"));
    expect(apiVersionMoveBy("2026-07")).toEqual(new Date("2027-04-01T17:00:00Z"));
    // Only stable quarterly names have a window: not unstable, not a release candidate's month.
    for (const bad of ["unstable", "2026-11", "2026-7", "26-10"]) expect(() => apiVersionWindow(bad)).toThrow();
  });

  it(`${ADMIN_API_VERSION} is more than 3 months from the end of its support: move to the next version before ${apiVersionMoveBy(ADMIN_API_VERSION).toISOString().slice(0, 10)}`, () => {
    const due = apiVersionMoveBy(ADMIN_API_VERSION);
    const now = new Date();
    expect(
      now.getTime() < due.getTime(),
      `Admin API ${ADMIN_API_VERSION} may stop being supported on ${apiVersionWindow(ADMIN_API_VERSION).supportedUntil.toISOString().slice(0, 10)}; ` +
        `move to the next stable version now (docs/deploy.md, "API version")`,
    ).toBe(true);
    // The same check on a date past it fails: the test can fail.
    expect(new Date("2027-07-02T00:00:00Z").getTime() < apiVersionMoveBy("2026-10").getTime()).toBe(false);
    // The version is released (not a release candidate pinned by mistake).
    expect(apiVersionWindow(ADMIN_API_VERSION).released.getTime()).toBeLessThan(now.getTime());
  });
});

describe("one Admin API version everywhere", () => {
  withShopifyAppEnv({ secret: "api-version-test-secret" });

  it("the library's apiVersion is ADMIN_API_VERSION, a version @shopify/shopify-api knows", async () => {
    expect(Object.values(ApiVersion)).toContain(ADMIN_API_VERSION);
    // The app configures the library with it (app/shopify.server.ts), read once the environment is set.
    const { apiVersion } = await import("../../app/shopify.server");
    expect(apiVersion).toBe(ADMIN_API_VERSION);
  });

  it("the webhooks' api_version in shopify.app.toml is ADMIN_API_VERSION", () => {
    const toml = readFileSync(join(root, "shopify.app.toml"), "utf8");
    const webhooks = /^\[webhooks\]\s*\n(?:\s*#.*\n)*\s*api_version\s*=\s*"([^"]+)"/m.exec(toml);
    expect(webhooks?.[1]).toBe(ADMIN_API_VERSION);
  });

  it("the stand-in serves ADMIN_API_VERSION, from the pinned schema file, and refuses another version", async () => {
    expect(schemaPath()).toBe(join(root, "app/shopify/admin-schema", adminSchemaFileName()));
    expect(existsSync(schemaPath())).toBe(true);
    const standin = await startStandin({ shops: [] });
    try {
      expect(standin.apiVersion).toBe(ADMIN_API_VERSION);
      const other = await fetch(`${standin.url}/admin/api/2026-07/graphql.json`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ query: "{ shop { id } }" }),
      });
      expect(other.status).toBe(404);
    } finally {
      await standin.close();
    }
  });

  const shared = needSharedData("the pinned schema file is Shopify's schema of ADMIN_API_VERSION", [
    `../shopify/${adminSchemaFileName()}`,
  ]);
  it.skipIf(shared.skip)(shared.title, () => {
    const pinned = gunzipSync(readFileSync(schemaPath())).toString("utf8");
    const source = gunzipSync(readFileSync(shared.files[0])).toString("utf8");
    expect(pinned === source, `${schemaPath()} differs from ${shared.files[0]}`).toBe(true);
  });
});
