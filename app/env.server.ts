/**
 * The app's environment, in one place (docs/deploying.md, "Configuration"). Every setting the app reads from the
 * environment is declared here with its type, default and rules, and read through `env()`; no other
 * module reads `process.env` for the app's settings. A missing or wrong variable is an EnvError whose
 * message names every problem on one line; `npm start` and `npm run worker` print it and exit at start
 * (app/startup.server.ts).
 *
 * Rules beyond types:
 * - demo mode (CHURNLESS_DEMO=1, no Shopify authentication) is an allow-list: only with NODE_ENV
 *   development or test;
 * - SHOPIFY_ADMIN_API_BASE_URL (the local Shopify stand-in) is refused outside demo mode and tests: a
 *   production server would otherwise send every shop's access token to that host;
 * - empty values count as unset (`REDIS_URL=` turns Redis off).
 */
import { z } from "zod";

export const DEFAULT_SQLITE_URL = "file:./prisma/dev.sqlite";
export const DEFAULT_DEMO_SHOP = "demo-shop.myshopify.com";

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optionalString = () => z.preprocess(blankToUndefined, z.string().trim().optional());
const intVar = (min: number, max: number, fallback: number) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ invalid_type_error: "must be a whole number" })
      .int("must be a whole number")
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`)
      .default(fallback),
  );

/** user:password in a URL replaced by ***, for messages and logs. */
export function maskUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//***@");
}

const databaseUrl = z.preprocess(
  blankToUndefined,
  z
    .string()
    .default(DEFAULT_SQLITE_URL)
    .superRefine((url, ctx) => {
      if (/^file:.+/.test(url) || /^postgres(ql)?:\/\/[^/]+/.test(url)) return;
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `must be a SQLite file URL (file:./prisma/dev.sqlite) or a PostgreSQL URL (postgresql://user:password@host:5432/db), not "${maskUrl(url)}"`,
      });
    }),
);

const httpUrl = (what: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .refine((v) => /^https?:\/\/[^/\s]+/.test(v) && URL.canParse(v), `must be an http(s) URL (${what})`)
      .optional(),
  );

const schema = z
  .object({
    NODE_ENV: z.preprocess(
      blankToUndefined,
      z.enum(["development", "test", "production"], { message: "must be development, test or production" }).optional(),
    ),
    PORT: intVar(1, 65_535, 3000),
    HOST: optionalString(),
    DATABASE_URL: databaseUrl,
    REDIS_URL: z.preprocess(
      blankToUndefined,
      z
        .string()
        .refine((v) => /^rediss?:\/\/[^/\s]*/.test(v) && URL.canParse(v), "must be a redis:// or rediss:// URL")
        .optional(),
    ),
    /** How long connecting to Redis may take before the app or worker gives up (ms). */
    REDIS_CONNECT_TIMEOUT_MS: intVar(100, 120_000, 5_000),
    WORKER_CONCURRENCY: intVar(1, 64, 2),
    SHOPIFY_API_KEY: optionalString(),
    SHOPIFY_API_SECRET: optionalString(),
    SHOPIFY_APP_URL: httpUrl("the app's public URL, e.g. https://churnless.example.com"),
    SCOPES: optionalString(),
    SHOPIFY_ADMIN_API_BASE_URL: httpUrl("the local Shopify stand-in"),
    CHURNLESS_DEMO: optionalString(),
    CHURNLESS_DEMO_SHOP: z.preprocess(
      blankToUndefined,
      z
        .string()
        .regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, "must be a shop domain like demo-shop.myshopify.com")
        .default(DEFAULT_DEMO_SHOP),
    ),
    CHURNLESS_RECS_CACHE_SHOPS: intVar(1, 100_000, 32),
    /** Days RecEvent, WebhookEvent and TagChange rows are kept (docs/deploying.md, "Data the app keeps"). */
    CHURNLESS_RETENTION_DAYS: intVar(1, 3650, 90),
  })
  .transform((e) => ({ ...e, demo: e.CHURNLESS_DEMO === "1" }))
  .superRefine((e, ctx) => {
    const devOrTest = e.NODE_ENV === "development" || e.NODE_ENV === "test";
    if (e.demo && !devOrTest) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["CHURNLESS_DEMO"],
        message: `Refusing demo mode: CHURNLESS_DEMO=1 serves the admin without Shopify authentication and runs only with NODE_ENV=development or test, not NODE_ENV=${e.NODE_ENV ?? "(unset)"}. Unset CHURNLESS_DEMO`,
      });
    }
    if (e.SHOPIFY_ADMIN_API_BASE_URL && !(e.demo && devOrTest) && e.NODE_ENV !== "test") {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["SHOPIFY_ADMIN_API_BASE_URL"],
        message:
          "is only for the local stand-in in demo mode and tests (it would send every shop's access token to that host). Unset it",
      });
    }
  });

export type Env = z.output<typeof schema>;

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration (see docs/deploying.md, "Configuration"): ${problems.join("; ")}`);
    this.name = "EnvError";
  }
}

/** Parses an environment; throws EnvError naming every missing or wrong variable. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  throw new EnvError(result.error.issues.map((i) => `${i.path.join(".") || "environment"} ${i.message}`));
}

const KEYS = Object.keys(schema.innerType().innerType().shape);
let cached: { key: string; env: Env } | undefined;

/**
 * The process's settings. Parsed again only when one of the app's variables changed (tests and
 * scripts set them after import), so calling it per request costs a string join.
 */
export function env(): Env {
  const key = KEYS.map((k) => process.env[k] ?? "\u0000").join("\u0001");
  if (cached?.key !== key) cached = { key, env: parseEnv(process.env) };
  return cached.env;
}

export interface ShopifyAppSettings {
  apiKey: string;
  apiSecretKey: string;
  appUrl: string;
  scopes: string[] | undefined;
}

/** The Shopify app's credentials: required outside demo mode (demo mode has stand-in defaults). */
export function shopifyAppSettings(e: Env = env()): ShopifyAppSettings {
  const missing = (["SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "SHOPIFY_APP_URL"] as const).filter((k) => !e[k]);
  if (missing.length && !e.demo) throw new EnvError(missing.map((k) => `${k} is missing`));
  return {
    apiKey: e.SHOPIFY_API_KEY ?? "demo-api-key",
    apiSecretKey: e.SHOPIFY_API_SECRET ?? "demo-api-secret",
    appUrl: e.SHOPIFY_APP_URL ?? `http://localhost:${e.PORT}`,
    scopes: e.SCOPES?.split(","),
  };
}

/** True for a loopback address (what the demo server must bind to). */
export function isLoopbackHost(host: string | undefined): boolean {
  return host === "127.0.0.1" || host === "::1" || host === "localhost";
}
