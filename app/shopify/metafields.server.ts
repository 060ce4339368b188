/**
 * App-owned customer metafields (`$app` namespace): their definitions, the values a score gives, and
 * `metafieldsSet` in batches of 25 (Shopify's limit per call) for the values that changed only.
 *
 * recommended_products is a `list.product_reference` readable by the storefront (PUBLIC_READ), so the
 * theme app extension can show a customer's recommendations.
 *
 * The definitions are declared in shopify.app.toml (`[customer.metafields.app.*]`), so `shopify app
 * deploy` gives every shop the same ones (test/config/app-config.test.ts keeps that list equal to this one).
 * ensureMetafieldDefinitions is the fallback for a shop that has not received them yet (a dev store
 * before deploy, the local stand-in): it reads the app's definitions and creates only the missing ones.
 */
import { runBulkMutation, type AppMetafieldKey, type BulkOptions } from "./tag-writer.server";
import type { AdminGraphql, UserError } from "./types";

export const METAFIELDS_PER_CALL = 25;
export const MAX_RECOMMENDED_PRODUCTS = 20;

export interface AppMetafieldDefinition {
  key: AppMetafieldKey;
  name: string;
  type: string;
  description: string;
  storefront: "NONE" | "PUBLIC_READ";
}

export const APP_METAFIELD_DEFINITIONS: readonly AppMetafieldDefinition[] = [
  {
    key: "churn_probability",
    name: "Churn probability",
    type: "number_decimal",
    description: "Probability (0-1) that the customer will not order again within the churn horizon, from Churnless.",
    storefront: "NONE",
  },
  {
    key: "risk_band",
    name: "Churn risk band",
    type: "single_line_text_field",
    description: "low, medium or high churn risk, from Churnless.",
    storefront: "NONE",
  },
  {
    key: "segment",
    name: "Customer segment",
    type: "single_line_text_field",
    description: "The customer's RFM segment in Churnless (e.g. champions, at-risk).",
    storefront: "NONE",
  },
  {
    key: "predicted_clv",
    name: "Predicted 12-month value",
    type: "number_decimal",
    description: "Expected spend over the next 12 months in the shop's currency, from Churnless.",
    storefront: "NONE",
  },
  {
    key: "recommended_products",
    name: "Recommended products",
    type: "list.product_reference",
    description: "Products Churnless recommends to this customer, best first (shown by the theme app block).",
    storefront: "PUBLIC_READ",
  },
  {
    key: "due_products",
    name: "Due to reorder",
    type: "list.product_reference",
    description:
      "Products the customer is due to buy again (their supply is running out), soonest first, from Churnless.",
    storefront: "PUBLIC_READ",
  },
];

const DEFINITION_CREATE = `#graphql
  mutation metafieldDefinitionCreate($definition: MetafieldDefinitionInput!) {
    metafieldDefinitionCreate(definition: $definition) {
      createdDefinition { id key }
      userErrors { field message code }
    }
  }`;

const APP_DEFINITIONS = `#graphql
  query appCustomerMetafieldDefinitions {
    metafieldDefinitions(ownerType: CUSTOMER, namespace: "$app", first: 50) {
      nodes { key }
    }
  }`;

const METAFIELDS_SET = `#graphql
  mutation metafieldsSet($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields { key }
      userErrors { field message code }
    }
  }`;

/**
 * Creates the definitions the shop lacks (normally none: shopify.app.toml declares them); one created
 * meanwhile (code TAKEN) is fine. Returns the keys created now. Any other refusal throws, naming the
 * definition.
 */
export async function ensureMetafieldDefinitions(admin: AdminGraphql): Promise<string[]> {
  const existing = await admin.request<{ metafieldDefinitions: { nodes: Array<{ key: string }> } }>(APP_DEFINITIONS);
  const have = new Set(existing.metafieldDefinitions.nodes.map((d) => d.key));
  const created: string[] = [];
  for (const def of APP_METAFIELD_DEFINITIONS) {
    if (have.has(def.key)) continue;
    const data = await admin.request<{
      metafieldDefinitionCreate: { createdDefinition: { id: string; key: string } | null; userErrors: UserError[] };
    }>(DEFINITION_CREATE, {
      definition: {
        namespace: "$app",
        key: def.key,
        name: def.name,
        description: def.description,
        type: def.type,
        ownerType: "CUSTOMER",
        access: { admin: "MERCHANT_READ", storefront: def.storefront },
      },
    });
    const payload = data.metafieldDefinitionCreate;
    const errors = payload.userErrors.filter(
      (e) => e.code !== "TAKEN" && !/already (exists|in use|been taken)/i.test(e.message),
    );
    if (errors.length)
      throw new Error(`metafieldDefinitionCreate ${def.key} was refused: ${errors.map((e) => e.message).join("; ")}`);
    if (payload.createdDefinition) created.push(def.key);
  }
  return created;
}

export interface MetafieldScore {
  churnProbability: number;
  riskBand: string;
  rfmSegment: string;
  clv12m: number;
  /** The score's recommended products, as read from CustomerScore.recommendedJson by its model. */
  recommended: readonly string[];
}

/** The product GIDs of a recommendation list, distinct, at most `limit` (anything that is not one is left out). */
export function recommendedProductIds(recommended: readonly string[], limit = MAX_RECOMMENDED_PRODUCTS): string[] {
  const ids: string[] = [];
  for (const id of recommended) {
    if (/^gid:\/\/shopify\/Product\/\d+$/.test(id) && !ids.includes(id)) ids.push(id);
    if (ids.length >= limit) break;
  }
  return ids;
}

/**
 * The metafield values a score gives, as Shopify stores them (strings). Numbers are rounded (4 decimals
 * for the probability, 2 for the value) so floating-point noise never causes a write.
 */
export function metafieldValues(
  score: MetafieldScore,
  options: { recsEnabled?: boolean; recsCount?: number; dueProducts?: readonly string[] } = {},
): Record<AppMetafieldKey, string> {
  const recs =
    options.recsEnabled === false
      ? []
      : recommendedProductIds(
          score.recommended,
          Math.min(options.recsCount ?? MAX_RECOMMENDED_PRODUCTS, MAX_RECOMMENDED_PRODUCTS),
        );
  return {
    churn_probability: Math.min(1, Math.max(0, score.churnProbability)).toFixed(4),
    risk_band: score.riskBand,
    segment: score.rfmSegment,
    predicted_clv: Math.max(0, score.clv12m).toFixed(2),
    recommended_products: JSON.stringify(recs),
    // Due to reorder: product GIDs, soonest first; "[]" when none.
    due_products: JSON.stringify((options.dueProducts ?? []).slice(0, MAX_RECOMMENDED_PRODUCTS)),
  };
}

/** Whether Shopify's stored value equals ours (numbers compared as numbers, lists as parsed JSON). */
export function sameValue(key: AppMetafieldKey, current: string | undefined, next: string): boolean {
  if (current === undefined) return false;
  if (current === next) return true;
  const def = APP_METAFIELD_DEFINITIONS.find((d) => d.key === key);
  if (def?.type === "number_decimal") return Number(current) === Number(next);
  if (def?.type.startsWith("list.")) {
    try {
      return JSON.stringify(JSON.parse(current)) === JSON.stringify(JSON.parse(next));
    } catch {
      return false;
    }
  }
  return false;
}

export interface MetafieldWrite {
  ownerId: string;
  key: AppMetafieldKey;
  value: string;
}

/** The writes needed to bring a customer's metafields from `current` to `next` (changed values only). */
export function metafieldChanges(
  ownerId: string,
  current: Partial<Record<AppMetafieldKey, string>>,
  next: Record<AppMetafieldKey, string>,
): MetafieldWrite[] {
  const writes: MetafieldWrite[] = [];
  for (const def of APP_METAFIELD_DEFINITIONS) {
    const value = next[def.key];
    // An empty list is not written when nothing is stored (Shopify refuses empty list values on create).
    if (def.type.startsWith("list.") && value === "[]" && current[def.key] === undefined) continue;
    if (!sameValue(def.key, current[def.key], value)) writes.push({ ownerId, key: def.key, value });
  }
  return writes;
}

export interface MetafieldsSetReport {
  calls: number;
  written: number;
  errors: Array<{ ownerId?: string; key?: string; message: string }>;
}

function toInputs(batch: readonly MetafieldWrite[]) {
  const typeOf = new Map(APP_METAFIELD_DEFINITIONS.map((d) => [d.key, d.type]));
  return batch.map((w) => ({
    ownerId: w.ownerId,
    namespace: "$app",
    key: w.key,
    type: typeOf.get(w.key),
    value: w.value,
  }));
}

function collectErrors(out: MetafieldsSetReport, batch: readonly MetafieldWrite[], errors: readonly UserError[]): void {
  for (const e of errors) {
    // field is ["metafields", "<index>", "<field>"] for per-input errors.
    const index = e.field && e.field[0] === "metafields" ? Number(e.field[1]) : NaN;
    const w = Number.isInteger(index) ? batch[index] : undefined;
    out.errors.push({ ownerId: w?.ownerId, key: w?.key, message: e.message });
  }
}

/**
 * Large shops: the same batches of 25, as the lines of one bulk mutation of metafieldsSet. Lines the
 * operation gave no answer for are sent the small way.
 */
export async function setMetafieldsBulk(
  admin: AdminGraphql,
  writes: readonly MetafieldWrite[],
  options: BulkOptions = {},
  report?: MetafieldsSetReport,
): Promise<MetafieldsSetReport & { bulkOperationId: string }> {
  const out = report ?? { calls: 0, written: 0, errors: [] };
  const batches: MetafieldWrite[][] = [];
  for (let i = 0; i < writes.length; i += METAFIELDS_PER_CALL) batches.push(writes.slice(i, i + METAFIELDS_PER_CALL));
  const result = await runBulkMutation(
    admin,
    METAFIELDS_SET,
    "metafieldsSet",
    batches.map((b) => ({ metafields: toInputs(b) })),
    { ...options, name: "churnless-metafields" },
  );
  out.calls++;
  for (const [line, r] of result.results) {
    if (r.error) out.errors.push({ message: `bulk line ${line}: ${r.error}` });
    else if (r.userErrors.length) collectErrors(out, batches[line], r.userErrors);
    else out.written += batches[line].length;
  }
  if (result.missing.length)
    await setMetafields(
      admin,
      result.missing.flatMap((i) => batches[i]),
      out,
    );
  return { ...out, bulkOperationId: result.bulkOperationId };
}

/**
 * Sends the writes the small way, or as one bulk mutation when they need more calls than
 * `bulkThreshold` (as deleteMetafields does). Returns the bulk operation's id, if one ran.
 */
export async function writeMetafields(
  admin: AdminGraphql,
  writes: readonly MetafieldWrite[],
  options: { bulkThreshold: number; bulk?: BulkOptions },
  report: MetafieldsSetReport,
): Promise<string | null> {
  if (Math.ceil(writes.length / METAFIELDS_PER_CALL) > options.bulkThreshold)
    return (await setMetafieldsBulk(admin, writes, options.bulk, report)).bulkOperationId;
  await setMetafields(admin, writes, report);
  return null;
}

/** Sends the writes with metafieldsSet, 25 per call. userErrors are collected, not thrown. */
export async function setMetafields(
  admin: AdminGraphql,
  writes: readonly MetafieldWrite[],
  report?: MetafieldsSetReport,
): Promise<MetafieldsSetReport> {
  const out = report ?? { calls: 0, written: 0, errors: [] };
  for (let i = 0; i < writes.length; i += METAFIELDS_PER_CALL) {
    const batch = writes.slice(i, i + METAFIELDS_PER_CALL);
    const data = await admin.request<{
      metafieldsSet: { metafields: Array<{ key: string }> | null; userErrors: UserError[] };
    }>(METAFIELDS_SET, {
      metafields: toInputs(batch),
    });
    out.calls++;
    const payload = data.metafieldsSet;
    if (payload.userErrors.length) collectErrors(out, batch, payload.userErrors);
    else out.written += batch.length;
  }
  return out;
}

const METAFIELDS_DELETE = `#graphql
  mutation metafieldsDelete($metafields: [MetafieldIdentifierInput!]!) {
    metafieldsDelete(metafields: $metafields) {
      deletedMetafields { key }
      userErrors { field message }
    }
  }`;

/**
 * Deletes app metafields (undo), 25 per metafieldsDelete call, or as one bulk mutation when there are more
 * calls than `bulkThreshold`. Reported in the same shape as writes (`written` = deleted).
 */
export async function deleteMetafields(
  admin: AdminGraphql,
  targets: ReadonlyArray<{ ownerId: string; key: AppMetafieldKey }>,
  options: { bulkThreshold: number; bulk?: BulkOptions },
): Promise<MetafieldsSetReport> {
  const out: MetafieldsSetReport = { calls: 0, written: 0, errors: [] };
  const batches: Array<Array<{ ownerId: string; namespace: string; key: string }>> = [];
  for (let i = 0; i < targets.length; i += METAFIELDS_PER_CALL) {
    batches.push(
      targets.slice(i, i + METAFIELDS_PER_CALL).map((t) => ({ ownerId: t.ownerId, namespace: "$app", key: t.key })),
    );
  }
  let small = batches.map((_, i) => i);
  if (batches.length > options.bulkThreshold) {
    const result = await runBulkMutation(
      admin,
      METAFIELDS_DELETE,
      "metafieldsDelete",
      batches.map((b) => ({ metafields: b })),
      { ...options.bulk, name: "churnless-metafields-delete" },
    );
    out.calls++;
    for (const [line, r] of result.results) {
      if (r.error || r.userErrors.length)
        out.errors.push({
          message: `metafieldsDelete line ${line}: ${r.error ?? r.userErrors.map((e) => e.message).join("; ")}`,
        });
      else out.written += batches[line].length;
    }
    small = result.missing;
  }
  for (const i of small) {
    const data = await admin.request<{ metafieldsDelete: { userErrors: UserError[] } }>(METAFIELDS_DELETE, {
      metafields: batches[i],
    });
    out.calls++;
    const errs = data.metafieldsDelete.userErrors;
    if (errs.length) out.errors.push({ message: `metafieldsDelete: ${errs.map((e) => e.message).join("; ")}` });
    else out.written += batches[i].length;
  }
  return out;
}
