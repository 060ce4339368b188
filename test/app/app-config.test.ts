/**
 * shopify.app.toml agrees with the code: the webhooks' API version is ADMIN_API_VERSION, every webhook
 * uri is served by a route file, the scopes are the ones the mission needs, and the app proxy points
 * at a route.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ADMIN_API_VERSION } from "../../app/shopify/api-version";
import { APP_METAFIELD_DEFINITIONS } from "../../app/shopify/metafields.server";

type Value = string | boolean | number | string[];
interface Table {
  [key: string]: Value | Table | Table[];
}

/** Parses the TOML subset shopify.app.toml uses: tables, arrays of tables, strings, booleans, string arrays. */
function parseTomlSubset(text: string): Table {
  const root: Table = {};
  let current: Table = root;
  const lines = text.split("\n");
  const descend = (path: string[], arrayOfTables: boolean) => {
    let t: Table = root;
    path.forEach((key, i) => {
      const last = i === path.length - 1;
      if (last && arrayOfTables) {
        const list = (t[key] ??= []) as Table[];
        const fresh: Table = {};
        list.push(fresh);
        t = fresh;
      } else {
        const next = t[key] ?? {};
        t[key] = next;
        t = Array.isArray(next) ? (next[next.length - 1] as Table) : (next as Table);
      }
    });
    return t;
  };
  const parseValue = (raw: string): Value => {
    const v = raw.trim();
    if (v.startsWith('"')) return JSON.parse(v) as string;
    if (v === "true" || v === "false") return v === "true";
    if (v.startsWith("[")) return JSON.parse(v.replace(/,\s*]$/, "]")) as string[];
    if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
    throw new Error(`unsupported TOML value: ${v}`);
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/^\s+/, "");
    if (!line || line.startsWith("#")) continue;
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^\[\[([\w.]+)\]\]\s*$/))) current = descend(m[1].split("."), true);
    else if ((m = line.match(/^\[([\w.]+)\]\s*$/))) current = descend(m[1].split("."), false);
    else if ((m = line.match(/^([\w-]+)\s*=\s*(.*)$/))) {
      let raw = m[2].replace(/\s+#.*$/, "");
      if (raw.trim().startsWith("[") && !raw.includes("]")) {
        while (!raw.includes("]")) raw += lines[++i].trim();
      }
      current[m[1]] = parseValue(raw);
    } else throw new Error(`unsupported TOML line ${i + 1}: ${line}`);
  }
  return root;
}

const root = process.cwd();
const config = parseTomlSubset(readFileSync(join(root, "shopify.app.toml"), "utf8"));
const webhooks = config.webhooks as Table;
const subscriptions = webhooks.subscriptions as Table[];

/** The flat-routes file that serves a URL path, e.g. /webhooks/app/uninstalled -> webhooks.app.uninstalled.tsx. */
function routeFileFor(path: string): string | null {
  const base = path.replace(/^\//, "").split("/").join(".");
  for (const candidate of [`${base}.tsx`, `${base}.ts`, `${base}/route.tsx`, `${base}/route.ts`, `${base}._index.tsx`]) {
    if (existsSync(join(root, "app/routes", candidate))) return candidate;
  }
  return null;
}

describe("shopify.app.toml", () => {
  it("pins the webhooks to ADMIN_API_VERSION", () => {
    expect(webhooks.api_version).toBe(ADMIN_API_VERSION);
  });

  it("subscribes to the topics the app handles, each with a route file", () => {
    const topics = subscriptions.flatMap((s) => [...((s.topics as string[]) ?? []), ...((s.compliance_topics as string[]) ?? [])]);
    expect(new Set(topics)).toEqual(
      new Set([
        "app/uninstalled",
        "app/scopes_update",
        "orders/create",
        "orders/updated",
        "orders/cancelled",
        "bulk_operations/finish",
        "customers/data_request",
        "customers/redact",
        "shop/redact",
      ]),
    );
    const missing = subscriptions.map((s) => s.uri as string).filter((uri) => routeFileFor(uri) === null);
    expect(missing, `webhook uris without a route in app/routes: ${missing.join(", ")}`).toEqual([]);
  });

  it("declares the compliance topics as compliance_topics (Shopify rejects them as plain topics)", () => {
    for (const s of subscriptions) {
      for (const t of (s.topics as string[]) ?? []) expect(["customers/data_request", "customers/redact", "shop/redact"]).not.toContain(t);
    }
  });

  it("asks for exactly the scopes the app needs", () => {
    const scopes = ((config.access_scopes as Table).scopes as string).split(",").sort();
    expect(scopes).toEqual(["read_all_orders", "read_customers", "read_orders", "read_products", "write_app_proxy", "write_customers"]);
  });

  it("is embedded, with an app proxy served by a route, and no POS embedding", () => {
    expect(config.embedded).toBe(true);
    expect(config.name).toBe("Churnless");
    const proxy = config.app_proxy as Table;
    expect(proxy).toMatchObject({ subpath: "churnless", prefix: "apps" });
    expect(new URL(proxy.url as string).pathname).toBe("/proxy");
    expect((config.pos as Table).embedded).toBe(false);
    expect(((config.auth as Table).redirect_urls as string[]).length).toBeGreaterThan(0);
    expect((config.build as Table).automatically_update_urls_on_dev).toBe(true);
  });

  it("declares the app's customer metafield definitions exactly as the code writes them", () => {
    const declared = ((config.customer as Table).metafields as Table).app as Table;
    const asDeclared = Object.entries(declared).map(([key, d]) => {
      const def = d as Table;
      const access = def.access as Table;
      return { key, name: def.name, type: def.type, description: def.description, admin: access.admin, storefront: access.storefront ?? "none" };
    });
    const inCode = APP_METAFIELD_DEFINITIONS.map((d) => ({
      key: d.key,
      name: d.name,
      type: d.type,
      description: d.description,
      admin: "merchant_read",
      storefront: d.storefront.toLowerCase(),
    }));
    expect(asDeclared).toEqual(inCode);
  });

  it("the parser reads what it claims to (a hand-checked sample)", () => {
    const t = parseTomlSubset('a = "x"\n[b]\nc = true\n  [[b.d]]\n  e = [ "1",\n "2" ]\n  [[b.d]]\n  e = []\n');
    expect(t).toEqual({ a: "x", b: { c: true, d: [{ e: ["1", "2"] }, { e: [] }] } });
  });
});
