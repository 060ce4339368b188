/**
 * The one environment schema (app/env.server.ts): defaults, one clear message naming every wrong
 * variable, demo mode only with NODE_ENV development or test, the stand-in URL only in demo mode and
 * tests, and no other module of app/ reading the app's settings from process.env.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv, shopifyAppSettings } from "../app/env.server";

const parseError = (source: Record<string, string>): string => {
  try {
    parseEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return (error as Error).message;
  }
  throw new Error("expected an EnvError");
};

describe("environment schema", () => {
  it("has the documented defaults, and an empty value counts as unset", () => {
    const e = parseEnv({ REDIS_URL: "", PORT: "" });
    expect(e).toMatchObject({
      DATABASE_URL: "file:./prisma/dev.sqlite",
      PORT: 3000,
      REDIS_URL: undefined,
      WORKER_CONCURRENCY: 2,
      CHURNLESS_RETENTION_DAYS: 90,
      CHURNLESS_DEMO_SHOP: "demo-shop.myshopify.com",
      demo: false,
    });
  });

  it("names every wrong variable in one line, with the database password masked", () => {
    const message = parseError({
      DATABASE_URL: "mysql://app:s3cret@db.example.com/churnless",
      PORT: "eighty",
      REDIS_URL: "localhost:6379",
    });
    expect(message.split("\n")).toHaveLength(1);
    expect(message).toMatch(/DATABASE_URL must be a SQLite file URL .* or a PostgreSQL URL/);
    expect(message).toContain("mysql://***@db.example.com/churnless");
    expect(message).not.toContain("s3cret");
    expect(message).toMatch(/PORT must be a whole number/);
    expect(message).toMatch(/REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
  });

  it("accepts SQLite files and postgres:// and postgresql:// URLs only", () => {
    for (const url of [
      "file:./prisma/dev.sqlite",
      "file:/tmp/x.sqlite",
      "postgres://u@h/db",
      "postgresql://u:p@h:5432/db",
    ]) {
      expect(parseEnv({ DATABASE_URL: url }).DATABASE_URL).toBe(url);
    }
    for (const url of ["./prisma/dev.sqlite", "sqlite:./x", "mysql://h/db", "postgres:/h", "file:"]) {
      expect(parseError({ DATABASE_URL: url })).toMatch(/DATABASE_URL must be/);
    }
  });

  it("allows demo mode only with NODE_ENV development or test", () => {
    expect(parseEnv({ CHURNLESS_DEMO: "1", NODE_ENV: "development" }).demo).toBe(true);
    expect(parseEnv({ CHURNLESS_DEMO: "1", NODE_ENV: "test" }).demo).toBe(true);
    expect(parseError({ CHURNLESS_DEMO: "1", NODE_ENV: "production" })).toMatch(
      /Refusing demo mode.*NODE_ENV=production/,
    );
    expect(parseError({ CHURNLESS_DEMO: "1" })).toMatch(/Refusing demo mode.*NODE_ENV=\(unset\)/);
    expect(parseError({ CHURNLESS_DEMO: "1", NODE_ENV: "staging" })).toMatch(
      /NODE_ENV must be development, test or production/,
    );
  });

  it("refuses SHOPIFY_ADMIN_API_BASE_URL outside demo mode and tests", () => {
    const base = "http://127.0.0.1:4000";
    expect(parseError({ SHOPIFY_ADMIN_API_BASE_URL: base, NODE_ENV: "production" })).toMatch(
      /SHOPIFY_ADMIN_API_BASE_URL is only for the local stand-in/,
    );
    expect(parseError({ SHOPIFY_ADMIN_API_BASE_URL: base })).toMatch(/SHOPIFY_ADMIN_API_BASE_URL/);
    expect(parseError({ SHOPIFY_ADMIN_API_BASE_URL: base, NODE_ENV: "development" })).toMatch(
      /SHOPIFY_ADMIN_API_BASE_URL/,
    );
    expect(parseEnv({ SHOPIFY_ADMIN_API_BASE_URL: base, NODE_ENV: "test" }).SHOPIFY_ADMIN_API_BASE_URL).toBe(base);
    expect(
      parseEnv({ SHOPIFY_ADMIN_API_BASE_URL: base, NODE_ENV: "development", CHURNLESS_DEMO: "1" })
        .SHOPIFY_ADMIN_API_BASE_URL,
    ).toBe(base);
  });

  it("requires the Shopify app's credentials outside demo mode, naming each missing one", () => {
    expect(() => shopifyAppSettings(parseEnv({ SHOPIFY_API_KEY: "k" }))).toThrow(
      /SHOPIFY_API_SECRET is missing; SHOPIFY_APP_URL is missing/,
    );
    expect(() => shopifyAppSettings(parseEnv({ SHOPIFY_APP_URL: "churnless.example.com" }))).toThrow(
      /SHOPIFY_APP_URL must be an http\(s\) URL/,
    );
    const settings = shopifyAppSettings(
      parseEnv({
        SHOPIFY_API_KEY: "k",
        SHOPIFY_API_SECRET: "s",
        SHOPIFY_APP_URL: "https://a.example.com",
        SCOPES: "read_orders,read_products",
      }),
    );
    expect(settings).toEqual({
      apiKey: "k",
      apiSecretKey: "s",
      appUrl: "https://a.example.com",
      scopes: ["read_orders", "read_products"],
    });
    expect(shopifyAppSettings(parseEnv({ CHURNLESS_DEMO: "1", NODE_ENV: "test" })).apiKey).toBe("demo-api-key");
  });

  it("is the only module of app/ that reads the app's settings from process.env", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, entry.name);
        if (entry.isDirectory()) walk(p);
        else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) files.push(p);
      }
    };
    walk(join(process.cwd(), "app"));
    const offenders: string[] = [];
    for (const file of files) {
      if (file.endsWith("app/env.server.ts")) continue;
      readFileSync(file, "utf8")
        .split("\n")
        .forEach((line, i) => {
          // Allowed: handing the environment to a child process, and the runner's own markers.
          const reads = line.match(/process\.env(\.\w+|\[[^\]]+\])?/g) ?? [];
          for (const read of reads) {
            if (/process\.env\.(VITEST|npm_lifecycle_event)$/.test(read)) continue;
            if (read === "process.env" && /\.\.\.process\.env|=== process\.env|= process\.env\)/.test(line)) continue;
            offenders.push(`${file.replace(process.cwd() + "/", "")}:${i + 1}: ${line.trim()}`);
          }
        });
    }
    expect(offenders).toEqual([]);
  });
});
