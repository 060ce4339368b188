/**
 * shopify.app.toml agrees with the code: the webhooks' API version is ADMIN_API_VERSION, every webhook
 * uri is served by a route file, the scopes are the ones the mission needs, and the app proxy points
 * at a route. And the configuration uses only values Shopify documents, for what `shopify app build`
 * does not check offline (test/extensions/shopify-cli-build.test.ts runs it): webhook topics from the pinned
 * schema's WebhookSubscriptionTopic enum, the app proxy prefix and subpath, metafield types and access,
 * Flow field types, extension types and their keys.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ADMIN_API_VERSION } from "../../app/shopify/api-version";
import { schemaPath } from "../../packages/shopify-standin/src/schema";
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
  for (const candidate of [
    `${base}.tsx`,
    `${base}.ts`,
    `${base}/route.tsx`,
    `${base}/route.ts`,
    `${base}._index.tsx`,
  ]) {
    if (existsSync(join(root, "app/routes", candidate))) return candidate;
  }
  return null;
}

describe("shopify.app.toml", () => {
  it("pins the webhooks to ADMIN_API_VERSION", () => {
    expect(webhooks.api_version).toBe(ADMIN_API_VERSION);
  });

  it("subscribes to the topics the app handles, each with a route file", () => {
    const topics = subscriptions.flatMap((s) => [
      ...((s.topics as string[]) ?? []),
      ...((s.compliance_topics as string[]) ?? []),
    ]);
    expect(new Set(topics)).toEqual(
      new Set([
        "app/uninstalled",
        "app/scopes_update",
        "orders/create",
        "orders/updated",
        "orders/cancelled",
        "orders/delete",
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
      for (const t of (s.topics as string[]) ?? [])
        expect(["customers/data_request", "customers/redact", "shop/redact"]).not.toContain(t);
    }
  });

  it("requires exactly the scopes the app needs, and asks for read_all_orders only as an optional scope", () => {
    const access = config.access_scopes as Table;
    const scopes = (access.scopes as string).split(",").sort();
    expect(scopes).toEqual(["read_customers", "read_orders", "read_products", "write_app_proxy", "write_customers"]);
    // read_all_orders is granted only on request (Shopify approves it per app): a version that requires a
    // scope the app was not granted fails to deploy. Optional scopes are asked for at runtime instead.
    expect(access.optional_scopes).toEqual(["read_all_orders"]);
    for (const scope of access.optional_scopes as string[]) expect(scopes).not.toContain(scope);
  });

  it("is embedded, with an app proxy served by a route, and no POS embedding", () => {
    expect(config.embedded).toBe(true);
    expect(config.name).toBe("Churnless");
    const proxy = config.app_proxy as Table;
    expect(proxy).toMatchObject({ subpath: "churnless", prefix: "apps" });
    // A path, resolved against application_url (the dev tunnel under `shopify app dev`): no host to edit.
    expect(proxy.url).toBe("/proxy");
    expect(
      readdirSync(join(root, "app/routes")).filter((f) => f.startsWith("proxy.")).length,
      "no app/routes/proxy.* route",
    ).toBeGreaterThan(0);
    expect((config.pos as Table).embedded).toBe(false);
    expect(((config.auth as Table).redirect_urls as string[]).length).toBeGreaterThan(0);
    expect((config.build as Table).automatically_update_urls_on_dev).toBe(true);
  });

  it("names a host only in application_url and the auth redirect urls, which `shopify app dev` rewrites", () => {
    const absolute: string[] = [];
    const walk = (value: unknown, path: string) => {
      if (typeof value === "string" && /^[a-z]+:\/\//i.test(value)) absolute.push(path);
      else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`));
      else if (value && typeof value === "object")
        for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
    };
    walk(config, "");
    for (const dir of readdirSync(join(root, "extensions")))
      walk(parseTomlSubset(readFileSync(join(root, "extensions", dir, "shopify.extension.toml"), "utf8")), dir);
    expect(absolute).toContain("application_url"); // the walk sees absolute urls where they are
    expect(absolute.filter((p) => p !== "application_url" && !/^auth\.redirect_urls\[\d+\]$/.test(p))).toEqual([]);
  });

  it("declares the app's customer metafield definitions exactly as the code writes them", () => {
    const declared = ((config.customer as Table).metafields as Table).app as Table;
    const asDeclared = Object.entries(declared).map(([key, d]) => {
      const def = d as Table;
      const access = def.access as Table;
      return {
        key,
        name: def.name,
        type: def.type,
        description: def.description,
        admin: access.admin,
        storefront: access.storefront ?? "none",
      };
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

// ---------------------------------------------------------------------------------------------------
// Shopify's documented values, for what the CLI does not check offline.

/** Enum values of the pinned Admin schema (app/shopify/admin-schema), by enum name. */
function schemaEnum(name: string): string[] {
  const json = JSON.parse(gunzipSync(readFileSync(schemaPath())).toString("utf8")) as {
    data?: { __schema: { types: Array<{ name: string; enumValues?: Array<{ name: string }> | null }> } };
    __schema?: { types: Array<{ name: string; enumValues?: Array<{ name: string }> | null }> };
  };
  const type = (json.data ?? json).__schema!.types.find((t) => t.name === name);
  if (!type?.enumValues) throw new Error(`no enum ${name} in the pinned schema`);
  return type.enumValues.map((v) => v.name);
}

/** shopify.dev "Privacy law compliance": the three mandatory compliance topics. */
const COMPLIANCE_TOPICS = ["customers/data_request", "customers/redact", "shop/redact"];

/**
 * shopify.dev "List of data types" (metafields): the types a definition may have; a reference type and any
 * type may also be a `list.` of itself where the docs allow it.
 */
const METAFIELD_TYPES = new Set([
  "boolean",
  "color",
  "date",
  "date_time",
  "dimension",
  "id",
  "json",
  "link",
  "money",
  "multi_line_text_field",
  "number_decimal",
  "number_integer",
  "rating",
  "rich_text_field",
  "single_line_text_field",
  "url",
  "volume",
  "weight",
  "collection_reference",
  "customer_reference",
  "file_reference",
  "metaobject_reference",
  "mixed_reference",
  "page_reference",
  "product_reference",
  "variant_reference",
  "company_reference",
]);
const LIST_ALLOWED = new Set([
  "color",
  "date",
  "date_time",
  "dimension",
  "link",
  "number_decimal",
  "number_integer",
  "rating",
  "single_line_text_field",
  "url",
  "volume",
  "weight",
  "collection_reference",
  "customer_reference",
  "file_reference",
  "metaobject_reference",
  "mixed_reference",
  "page_reference",
  "product_reference",
  "variant_reference",
  "company_reference",
]);

/**
 * shopify.dev "Flow trigger reference": the reference field types (no key: Flow names them) and the custom
 * field types a trigger may declare (the same lists as Shopify CLI's flow_trigger specification).
 */
const FLOW_REFERENCE_FIELD_TYPES = new Set([
  "customer_reference",
  "order_reference",
  "product_reference",
  "marketing_activity_reference",
  "abandonment_reference",
  "company_reference",
  "company_contact_reference",
]);
const FLOW_TRIGGER_FIELD_TYPES = new Set([
  "boolean",
  "email",
  "single_line_text_field",
  "url",
  "number_decimal",
  "schema_type_reference",
]);

/** Extension types the app may use and the keys each extension table may carry (Shopify's extension references). */
const EXTENSION_KEYS: Record<string, Set<string>> = {
  theme: new Set(["name", "type"]),
  flow_trigger: new Set(["name", "type", "handle", "description"]),
  flow_trigger_lifecycle_callback: new Set(["name", "type", "handle", "url"]),
};

interface Extension {
  folder: string;
  file: string;
  toml: Table;
  /** The extension's own table: `[[extensions]]`'s entry, or the file's top level (theme extensions). */
  table: Table;
  type: string;
}

const extensions: Extension[] = readdirSync(join(root, "extensions"), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => {
    const file = join("extensions", d.name, "shopify.extension.toml");
    const toml = parseTomlSubset(readFileSync(join(root, file), "utf8"));
    const list = toml.extensions as Table[] | undefined;
    const table = list ? list[0] : toml;
    return { folder: d.name, file, toml, table, type: String(table.type) };
  });

describe("configuration values Shopify documents (not checked by the CLI offline)", () => {
  it("subscribes only to topics of the pinned schema's WebhookSubscriptionTopic enum, and to the documented compliance topics", () => {
    const known = new Set(schemaEnum("WebhookSubscriptionTopic"));
    expect(known.has("ORDERS_CREATE")).toBe(true);
    for (const s of subscriptions) {
      for (const t of (s.topics as string[]) ?? [])
        expect(
          known.has(t.replace(/[/.]/g, "_").toUpperCase()),
          `${t} is not a webhook topic of ${ADMIN_API_VERSION}`,
        ).toBe(true);
      for (const t of (s.compliance_topics as string[]) ?? []) expect(COMPLIANCE_TOPICS, t).toContain(t);
      expect(s.uri as string).toMatch(/^(\/|https:\/\/)/);
    }
    // A topic of another name is caught (the check can fail).
    expect(known.has("ORDERS_CREATED")).toBe(false);
  });

  it("uses an app proxy prefix and subpath Shopify accepts", () => {
    const proxy = config.app_proxy as Table;
    expect(["apps", "a", "community", "tools"]).toContain(proxy.prefix);
    expect(proxy.subpath as string).toMatch(/^[A-Za-z0-9_-]{1,30}$/);
    expect(["admin", "services", "password", "login"]).not.toContain(proxy.subpath);
    expect(proxy.url as string).toMatch(/^(\/(?!\/)|https:\/\/)/);
  });

  it("declares metafields with documented types, access values of the pinned schema and no unknown keys", () => {
    const admin = schemaEnum("MetafieldAdminAccessInput").map((v) => v.toLowerCase());
    const storefront = schemaEnum("MetafieldStorefrontAccessInput").map((v) => v.toLowerCase());
    const customerAccount = schemaEnum("MetafieldCustomerAccountAccessInput").map((v) => v.toLowerCase());
    const declared = ((config.customer as Table).metafields as Table).app as Table;
    expect(Object.keys(declared).length).toBeGreaterThan(0);
    for (const [key, d] of Object.entries(declared)) {
      const def = d as Table;
      const type = String(def.type);
      const base = type.startsWith("list.") ? type.slice(5) : type;
      expect(
        METAFIELD_TYPES.has(base) && (!type.startsWith("list.") || LIST_ALLOWED.has(base)),
        `${key}: type ${type}`,
      ).toBe(true);
      expect(
        Object.keys(def).filter(
          (k) => !["type", "name", "description", "access", "validations", "capabilities"].includes(k),
        ),
        key,
      ).toEqual([]);
      expect(key).toMatch(/^[a-z0-9_-]{2,64}$/);
      const access = (def.access ?? {}) as Table;
      expect(
        Object.keys(access).filter((k) => !["admin", "storefront", "customer_account"].includes(k)),
        key,
      ).toEqual([]);
      if (access.admin !== undefined) expect(admin, key).toContain(access.admin);
      if (access.storefront !== undefined) expect(storefront, key).toContain(access.storefront);
      if (access.customer_account !== undefined) expect(customerAccount, key).toContain(access.customer_account);
    }
  });

  it("has one toml per extension folder, of a known type, with only that type's keys and a unique handle", () => {
    expect(extensions.length).toBeGreaterThanOrEqual(3);
    const handles = new Set<string>();
    for (const e of extensions) {
      const allowed = EXTENSION_KEYS[e.type];
      expect(allowed, `${e.file}: unknown extension type "${e.type}"`).toBeDefined();
      expect(
        Object.keys(e.table).filter((k) => !allowed.has(k)),
        `${e.file}: unknown keys`,
      ).toEqual([]);
      if (e.table.extensions === undefined && e.toml.extensions !== undefined) {
        expect((e.toml.extensions as Table[]).length, `${e.file}: one extension per folder`).toBe(1);
      }
      expect(
        Object.keys(e.toml).filter((k) => !["extensions", "settings", "name", "type"].includes(k)),
        `${e.file}: unknown top-level tables`,
      ).toEqual([]);
      expect(String(e.table.name ?? "").trim().length, `${e.file}: name`).toBeGreaterThan(0);
      if (e.type !== "theme") {
        const handle = String(e.table.handle);
        expect(handle, e.file).toMatch(/^[a-z0-9][a-z0-9-]{0,49}$/);
        // shopify.dev "Flow trigger reference": a trigger's handle cannot exceed 30 characters.
        if (e.type === "flow_trigger")
          expect(handle.length, `${e.file}: handle over 30 characters`).toBeLessThanOrEqual(30);
        expect(handles.has(handle), `${e.file}: handle ${handle} used twice`).toBe(false);
        handles.add(handle);
      }
      if (e.type === "flow_trigger_lifecycle_callback") {
        // A path resolved against application_url (not protocol-relative, which Flow refuses), served by a route.
        expect(String(e.table.url), e.file).toMatch(/^\/(?!\/)\S*$/);
        expect(routeFileFor(String(e.table.url)), `${e.file}: no route for ${String(e.table.url)}`).not.toBeNull();
      }
    }
  });

  it("gives Flow trigger fields documented types: reference fields without a key, custom fields with a key and a description", () => {
    const triggers = extensions.filter((e) => e.type === "flow_trigger");
    expect(triggers.length).toBeGreaterThan(0);
    for (const e of triggers) {
      const settings = (e.toml.settings ?? {}) as Table;
      expect(
        Object.keys(settings).filter((k) => k !== "fields"),
        e.file,
      ).toEqual([]);
      const fields = (settings.fields ?? []) as Table[];
      expect(fields.length, `${e.file}: no fields`).toBeGreaterThan(0);
      const keys = new Set<string>();
      for (const f of fields) {
        const type = String(f.type);
        expect(
          Object.keys(f).filter((k) => !["type", "key", "description"].includes(k)),
          `${e.file}: unknown field keys`,
        ).toEqual([]);
        if (FLOW_REFERENCE_FIELD_TYPES.has(type)) {
          expect(f.key, `${e.file}: ${type} takes no key`).toBeUndefined();
        } else {
          expect(
            FLOW_TRIGGER_FIELD_TYPES.has(type),
            `${e.file}: field type ${type} is not a Flow trigger field type`,
          ).toBe(true);
          expect(String(f.key ?? ""), `${e.file}: ${type} needs a key`).toMatch(/^[a-z0-9 _-]+$/i);
          expect(String(f.description ?? "").length, `${e.file}: ${String(f.key)} needs a description`).toBeGreaterThan(
            0,
          );
        }
        const k = String(f.key ?? type);
        expect(keys.has(k), `${e.file}: field ${k} twice`).toBe(false);
        keys.add(k);
      }
    }
    // A type Flow does not have (e.g. number_integer for a trigger) is caught.
    expect(FLOW_TRIGGER_FIELD_TYPES.has("number_integer")).toBe(false);
  });
});
