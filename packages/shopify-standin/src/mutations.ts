import { createHash } from "node:crypto";
import { cancelBulkOperation, startBulkMutation, startBulkQuery } from "./bulk";
import type { ExecContext } from "./context";
import {
  customerView,
  metafieldDefinitionView,
  metafieldView,
  nodeById,
  requireScope,
  segmentView,
  webhookSubscriptionView,
  type Args,
} from "./resolvers";
import { isProtectedTopic, PROTECTED_TOPIC_MESSAGE, requireCustomerData } from "./protected";
import { gidNumber, gidType, type MetafieldRecord, type ShopState } from "./store";

/**
 * The Mutation root: the writes the app makes, with `userErrors` where Shopify gives them. Limits
 * enforced like Shopify: 250 tags per customer and 255 characters per tag (tagsAdd then changes
 * nothing), 25 metafields per metafieldsSet (atomic: one bad input and nothing is written), unique
 * segment names, unique metafield definitions per owner type/namespace/key, 50,000-byte Flow payloads.
 */

export interface UserErrorOut {
  field: (string | number)[] | null;
  message: string;
  code?: string | null;
  elementIndex?: number | null;
}

export const MAX_TAGS_PER_CUSTOMER = 250;
export const MAX_TAG_LENGTH = 255;
export const MAX_METAFIELDS_PER_SET = 25;
export const MAX_FLOW_PAYLOAD_BYTES = 50_000;

const OWNER_TYPES: Record<string, string> = {
  Customer: "CUSTOMER",
  Product: "PRODUCT",
  ProductVariant: "PRODUCTVARIANT",
  Order: "ORDER",
  Shop: "SHOP",
  AppInstallation: "API_PERMISSION",
};

const SUPPORTED_TYPES = new Set([
  "boolean",
  "color",
  "date",
  "date_time",
  "dimension",
  "json",
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
  "page_reference",
  "product_reference",
  "variant_reference",
  "id",
  "link",
]);

function isSupportedType(type: string): boolean {
  return SUPPORTED_TYPES.has(type.startsWith("list.") ? type.slice(5) : type);
}

/** Splits each entry on commas (Shopify accepts "a, b" as two tags), trims, drops empties. */
export function normalizeTags(tags: string[]): string[] {
  return tags
    .flatMap((t) => t.split(","))
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}

function customerFor(
  state: ShopState,
  id: string,
): { errors: UserErrorOut[]; customer?: import("./types").StandinCustomer } {
  if (gidType(id) !== "Customer") {
    return { errors: [{ field: ["id"], message: `The stand-in supports tags on Customer ids only, got ${id}` }] };
  }
  const customer = state.customersById.get(id);
  if (!customer) return { errors: [{ field: ["id"], message: "Customer does not exist" }] };
  return { errors: [], customer };
}

function tagsAdd(state: ShopState, args: Args): unknown {
  requireScope(state, "write_customers", "tagsAdd");
  requireCustomerData(state, "Customer");
  const { errors, customer } = customerFor(state, String(args.id));
  if (!customer) return { node: null, userErrors: errors };
  const wanted = normalizeTags(args.tags as string[]);
  const tooLong = wanted.filter((t) => t.length > MAX_TAG_LENGTH);
  if (tooLong.length > 0) {
    return {
      node: customerView(state, customer),
      userErrors: [
        {
          field: ["tags"],
          message: `Tags is invalid: a tag can be at most ${MAX_TAG_LENGTH} characters (got ${tooLong[0].length})`,
        },
      ],
    };
  }
  const next = [...customer.tags];
  const lower = new Set(next.map((t) => t.toLowerCase()));
  for (const t of wanted) {
    if (!lower.has(t.toLowerCase())) {
      next.push(t);
      lower.add(t.toLowerCase());
    }
  }
  if (next.length > MAX_TAGS_PER_CUSTOMER) {
    return {
      node: customerView(state, customer),
      userErrors: [
        {
          field: ["tags"],
          message: `Tags cannot exceed ${MAX_TAGS_PER_CUSTOMER} per customer (would be ${next.length})`,
        },
      ],
    };
  }
  if (next.length !== customer.tags.length) state.updateCustomerTags(customer, next);
  return { node: customerView(state, customer), userErrors: [] };
}

function tagsRemove(state: ShopState, args: Args): unknown {
  requireScope(state, "write_customers", "tagsRemove");
  requireCustomerData(state, "Customer");
  const { errors, customer } = customerFor(state, String(args.id));
  if (!customer) return { node: null, userErrors: errors };
  const remove = new Set(normalizeTags(args.tags as string[]).map((t) => t.toLowerCase()));
  const next = customer.tags.filter((t) => !remove.has(t.toLowerCase()));
  if (next.length !== customer.tags.length) state.updateCustomerTags(customer, next);
  return { node: customerView(state, customer), userErrors: [] };
}

function keyErrors(key: string, path: (string | number)[]): UserErrorOut[] {
  if (key.length < 2)
    return [{ field: [...path, "key"], message: "Key is too short (minimum is 2 characters)", code: "TOO_SHORT" }];
  if (key.length > 64)
    return [{ field: [...path, "key"], message: "Key is too long (maximum is 64 characters)", code: "TOO_LONG" }];
  if (!/^[A-Za-z0-9_-]+$/.test(key)) {
    return [
      { field: [...path, "key"], message: "Key contains one or more invalid characters.", code: "INVALID_CHARACTER" },
    ];
  }
  return [];
}

function namespaceErrors(ns: string, path: (string | number)[]): UserErrorOut[] {
  if (ns.length < 3)
    return [
      { field: [...path, "namespace"], message: "Namespace is too short (minimum is 3 characters)", code: "TOO_SHORT" },
    ];
  if (ns.length > 255)
    return [
      { field: [...path, "namespace"], message: "Namespace is too long (maximum is 255 characters)", code: "TOO_LONG" },
    ];
  if (!/^[A-Za-z0-9_-]+$/.test(ns)) {
    return [
      {
        field: [...path, "namespace"],
        message: "Namespace contains one or more invalid characters.",
        code: "INVALID_CHARACTER",
      },
    ];
  }
  return [];
}

function metafieldDefinitionCreate(state: ShopState, args: Args): unknown {
  const def = args.definition as {
    ownerType: string;
    namespace?: string | null;
    key: string;
    name: string;
    type: string;
    description?: string | null;
    access?: unknown;
  };
  const ns = state.resolveNamespace(def.namespace);
  const path = ["definition"];
  const errors: UserErrorOut[] = [...keyErrors(def.key, path), ...namespaceErrors(ns, path)];
  if (!def.name.trim()) errors.push({ field: [...path, "name"], message: "Name can't be blank", code: "BLANK" });
  if (!isSupportedType(def.type))
    errors.push({ field: [...path, "type"], message: `Type name ${def.type} is not a valid type`, code: "INCLUSION" });
  const taken = state.metafieldDefinitions.some(
    (d) => d.ownerType === def.ownerType && d.namespace === ns && d.key === def.key,
  );
  if (taken) {
    const owner = def.ownerType.charAt(0) + def.ownerType.slice(1).toLowerCase();
    errors.push({
      field: [...path, "key"],
      message: `Key is in use for ${owner} metafields on the '${ns}' namespace.`,
      code: "TAKEN",
    });
  }
  if (errors.length > 0) return { createdDefinition: null, userErrors: errors };
  const record = {
    id: `gid://shopify/MetafieldDefinition/${state.nextId()}`,
    ownerType: def.ownerType,
    namespace: ns,
    key: def.key,
    name: def.name,
    type: def.type,
    description: def.description ?? null,
    access: def.access ?? null,
    createdAt: state.nowIso(),
  };
  state.metafieldDefinitions.push(record);
  return { createdDefinition: metafieldDefinitionView(state, record), userErrors: [] };
}

function valueError(state: ShopState, type: string, value: string): string | null {
  const base = type.startsWith("list.") ? type.slice(5) : type;
  const check = (v: unknown): string | null => {
    switch (base) {
      case "number_integer":
        return /^-?\d+$/.test(String(v)) ? null : "Value must be an integer.";
      case "number_decimal":
        return /^-?\d+(\.\d+)?$/.test(String(v)) ? null : "Value must be a decimal number.";
      case "boolean":
        return v === "true" || v === "false" || typeof v === "boolean" ? null : "Value must be true or false.";
      case "single_line_text_field":
        return /[\r\n]/.test(String(v)) ? "Value must be a single line of text." : null;
      case "date":
      case "date_time":
        return Number.isFinite(Date.parse(String(v))) ? null : "Value must be a valid date.";
      case "product_reference":
      case "variant_reference":
      case "customer_reference": {
        const want =
          base === "product_reference" ? "Product" : base === "variant_reference" ? "ProductVariant" : "Customer";
        if (typeof v !== "string" || gidType(v) !== want) return `Value must be a ${want} reference (GID).`;
        return nodeById(state, v) ? null : `Value references a ${want} that does not exist: ${v}`;
      }
      default:
        return null;
    }
  };
  if (base === "json" || type.startsWith("list.")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      return "Value is invalid JSON.";
    }
    if (type.startsWith("list.")) {
      if (!Array.isArray(parsed)) return "Value must be a JSON array.";
      for (const item of parsed) {
        const e = check(base === "number_integer" || base === "number_decimal" ? String(item) : item);
        if (e) return e;
      }
    }
    return null;
  }
  return check(value);
}

function metafieldsSet(state: ShopState, args: Args): unknown {
  const inputs = args.metafields as {
    ownerId: string;
    namespace?: string | null;
    key: string;
    type?: string | null;
    value: string;
    compareDigest?: string | null;
  }[];
  if (inputs.length > MAX_METAFIELDS_PER_SET) {
    return {
      metafields: [],
      userErrors: [
        {
          field: ["metafields"],
          message: `Exceeded the maximum metafields input limit of ${MAX_METAFIELDS_PER_SET}.`,
          code: "LESS_THAN_OR_EQUAL_TO",
          elementIndex: null,
        },
      ],
    };
  }
  const errors: UserErrorOut[] = [];
  const planned: { input: (typeof inputs)[number]; ns: string; ownerType: string; type: string }[] = [];
  inputs.forEach((input, i) => {
    const path = ["metafields", String(i)];
    const kind = gidType(input.ownerId);
    const ownerType = kind ? OWNER_TYPES[kind] : undefined;
    const ownerExists = kind === "Shop" || (ownerType !== undefined && nodeById(state, input.ownerId) !== null);
    if (!ownerType || !ownerExists) {
      errors.push({ field: [...path, "ownerId"], message: "Owner does not exist.", code: "INVALID", elementIndex: i });
      return;
    }
    const ns = state.resolveNamespace(input.namespace);
    const own = [...keyErrors(input.key, path), ...namespaceErrors(ns, path)].map((e) => ({ ...e, elementIndex: i }));
    if (own.length > 0) {
      errors.push(...own);
      return;
    }
    const def = state.metafieldDefinitions.find(
      (d) => d.ownerType === ownerType && d.namespace === ns && d.key === input.key,
    );
    const type = input.type ?? def?.type;
    if (!type) {
      errors.push({ field: [...path, "type"], message: "Type can't be blank.", code: "BLANK", elementIndex: i });
      return;
    }
    if (def && def.type !== type) {
      errors.push({
        field: [...path, "type"],
        message: `Type must be ${def.type} to match the definition.`,
        code: "INVALID_TYPE",
        elementIndex: i,
      });
      return;
    }
    if (!isSupportedType(type)) {
      errors.push({
        field: [...path, "type"],
        message: `Type '${type}' is not supported.`,
        code: "INVALID_TYPE",
        elementIndex: i,
      });
      return;
    }
    const invalid = valueError(state, type, input.value);
    if (invalid) {
      errors.push({ field: [...path, "value"], message: invalid, code: "INVALID_VALUE", elementIndex: i });
      return;
    }
    const existing = state.metafields.get(input.ownerId)?.get(`${ns}.${input.key}`);
    if (
      input.compareDigest &&
      existing &&
      createHash("sha256").update(existing.value).digest("hex") !== input.compareDigest
    ) {
      errors.push({
        field: [...path, "compareDigest"],
        message: "The resource has been updated since it was loaded.",
        code: "STALE_OBJECT",
        elementIndex: i,
      });
      return;
    }
    planned.push({ input, ns, ownerType, type });
  });
  if (errors.length > 0) return { metafields: [], userErrors: errors };
  const out: MetafieldRecord[] = [];
  for (const { input, ns, ownerType, type } of planned) {
    let map = state.metafields.get(input.ownerId);
    if (!map) {
      map = new Map();
      state.metafields.set(input.ownerId, map);
    }
    const mapKey = `${ns}.${input.key}`;
    const existing = map.get(mapKey);
    const now = state.nowIso();
    const record: MetafieldRecord = existing
      ? {
          ...existing,
          type,
          value: input.value,
          updatedAt: existing.value === input.value && existing.type === type ? existing.updatedAt : now,
        }
      : {
          id: `gid://shopify/Metafield/${state.nextId()}`,
          ownerId: input.ownerId,
          ownerType,
          namespace: ns,
          key: input.key,
          type,
          value: input.value,
          createdAt: now,
          updatedAt: now,
        };
    map.set(mapKey, record);
    out.push(record);
  }
  return { metafields: out.map((m) => metafieldView(state, m)), userErrors: [] };
}

function metafieldsDelete(state: ShopState, args: Args): unknown {
  const inputs = args.metafields as { ownerId: string; namespace: string; key: string }[];
  const deleted = inputs.map((input) => {
    const ns = state.resolveNamespace(input.namespace);
    const map = state.metafields.get(input.ownerId);
    if (!map?.delete(`${ns}.${input.key}`)) return null;
    return { __typename: "MetafieldIdentifier", ownerId: input.ownerId, namespace: ns, key: input.key };
  });
  return { deletedMetafields: deleted, userErrors: [] };
}

/** A light check of ShopifyQL segment queries: non-blank, balanced quotes and parentheses. */
function segmentQueryError(query: string): string | null {
  if (!query.trim()) return "Query can't be blank";
  if ((query.match(/'/g)?.length ?? 0) % 2 !== 0) return "Query Line 1: unterminated string literal";
  let depth = 0;
  for (const ch of query) {
    if (ch === "(") depth += 1;
    if (ch === ")") depth -= 1;
    if (depth < 0) break;
  }
  if (depth !== 0) return "Query Line 1: unbalanced parentheses";
  if (!/^\s*\(?\s*[a-z_]+(\.[a-z_]+)?\s*(\(|=|!=|>|<|>=|<=|CONTAINS|NOT|IS|BETWEEN|MATCHES)/i.test(query)) {
    return `Query Line 1: '${query.trim().split(/\s+/)[0]}' is not a valid segment condition`;
  }
  return null;
}

function segmentCreate(state: ShopState, args: Args): unknown {
  const name = String(args.name).trim();
  const query = String(args.query);
  const errors: UserErrorOut[] = [];
  if (!name) errors.push({ field: ["name"], message: "Name can't be blank" });
  else if (name.length > 255) errors.push({ field: ["name"], message: "Name is too long (maximum is 255 characters)" });
  else if (state.segments.some((s) => s.name.toLowerCase() === name.toLowerCase()))
    errors.push({ field: ["name"], message: "Name has already been taken" });
  const qErr = segmentQueryError(query);
  if (qErr) errors.push({ field: ["query"], message: qErr });
  if (errors.length > 0) return { segment: null, userErrors: errors };
  const now = state.nowIso();
  const segment = { id: `gid://shopify/Segment/${state.nextId()}`, name, query, creationDate: now, lastEditDate: now };
  state.segments.push(segment);
  return { segment: segmentView(segment), userErrors: [] };
}

function segmentUpdate(state: ShopState, args: Args): unknown {
  const segment = state.segments.find((s) => s.id === args.id);
  if (!segment) return { segment: null, userErrors: [{ field: ["id"], message: "Segment does not exist" }] };
  const errors: UserErrorOut[] = [];
  const name = args.name === null || args.name === undefined ? null : String(args.name).trim();
  if (name !== null) {
    if (!name) errors.push({ field: ["name"], message: "Name can't be blank" });
    else if (state.segments.some((s) => s.id !== segment.id && s.name.toLowerCase() === name.toLowerCase()))
      errors.push({ field: ["name"], message: "Name has already been taken" });
  }
  const query = args.query === null || args.query === undefined ? null : String(args.query);
  if (query !== null) {
    const qErr = segmentQueryError(query);
    if (qErr) errors.push({ field: ["query"], message: qErr });
  }
  if (errors.length > 0) return { segment: null, userErrors: errors };
  if (name !== null) segment.name = name;
  if (query !== null) segment.query = query;
  segment.lastEditDate = state.nowIso();
  return { segment: segmentView(segment), userErrors: [] };
}

function segmentDelete(state: ShopState, args: Args): unknown {
  const i = state.segments.findIndex((s) => s.id === args.id);
  if (i < 0) return { deletedSegmentId: null, userErrors: [{ field: ["id"], message: "Segment does not exist" }] };
  state.segments.splice(i, 1);
  return { deletedSegmentId: String(args.id), userErrors: [] };
}

function flowTriggerReceive(ctx: ExecContext, args: Args): unknown {
  const { state, runtime } = ctx;
  let handle = (args.handle as string | null | undefined) ?? null;
  let payload: unknown = args.payload ?? null;
  if (args.body) {
    try {
      const body = JSON.parse(String(args.body)) as {
        trigger_id?: string;
        trigger_title?: string;
        properties?: unknown;
      };
      handle = handle ?? body.trigger_id ?? body.trigger_title ?? null;
      payload = payload ?? body.properties ?? null;
    } catch {
      return { userErrors: [{ field: ["body"], message: "Body is invalid JSON" }] };
    }
  }
  if (!handle) return { userErrors: [{ field: ["handle"], message: "Handle can't be blank" }] };
  if (runtime.flowTriggerHandles && !runtime.flowTriggerHandles.has(handle)) {
    return {
      userErrors: [
        { field: ["handle"], message: `Invalid handle '${handle}': no Flow trigger extension with this handle` },
      ],
    };
  }
  const size = Buffer.byteLength(JSON.stringify(payload ?? {}));
  if (size > MAX_FLOW_PAYLOAD_BYTES) {
    return {
      userErrors: [
        {
          field: ["payload"],
          message: `Errors validating schema:\n  Properties size exceeds the limit of ${MAX_FLOW_PAYLOAD_BYTES} bytes.\n`,
        },
      ],
    };
  }
  state.flowTriggers.push({ handle, payload, at: state.nowIso() });
  runtime.onFlowTriggerReceived?.(state, handle);
  return { userErrors: [] };
}

function webhookSubscriptionCreate(ctx: ExecContext, args: Args): unknown {
  const { state, runtime } = ctx;
  const input = args.webhookSubscription as {
    callbackUrl?: string | null;
    uri?: string | null;
    format?: "JSON" | "XML" | null;
    filter?: string | null;
    includeFields?: string[] | null;
  };
  const uri = input.uri ?? input.callbackUrl ?? "";
  const topic = String(args.topic);
  if (!uri)
    return {
      webhookSubscription: null,
      userErrors: [{ field: ["webhookSubscription", "callbackUrl"], message: "Address can't be blank" }],
    };
  if (!/^(https?:\/\/|pubsub:\/\/|arn:aws:events:)/.test(uri)) {
    return {
      webhookSubscription: null,
      userErrors: [{ field: ["webhookSubscription", "callbackUrl"], message: "Address is invalid" }],
    };
  }
  if (isProtectedTopic(topic) && state.protectedDataLevel < 1) {
    return {
      webhookSubscription: null,
      userErrors: [{ field: ["webhookSubscription"], message: PROTECTED_TOPIC_MESSAGE }],
    };
  }
  if (state.webhookSubscriptions.some((w) => w.topic === topic && w.uri === uri)) {
    return {
      webhookSubscription: null,
      userErrors: [
        { field: ["webhookSubscription", "callbackUrl"], message: "Address for this topic has already been taken" },
      ],
    };
  }
  const now = state.nowIso();
  const record = {
    id: `gid://shopify/WebhookSubscription/${state.nextId()}`,
    topic,
    uri,
    format: input.format ?? "JSON",
    filter: input.filter ?? null,
    includeFields: input.includeFields ?? [],
    createdAt: now,
    updatedAt: now,
  };
  state.webhookSubscriptions.push(record);
  return { webhookSubscription: webhookSubscriptionView(state, record, runtime.apiVersion), userErrors: [] };
}

function webhookSubscriptionDelete(state: ShopState, args: Args): unknown {
  const i = state.webhookSubscriptions.findIndex((w) => w.id === args.id);
  if (i < 0)
    return {
      deletedWebhookSubscriptionId: null,
      userErrors: [{ field: ["id"], message: "Webhook subscription does not exist" }],
    };
  state.webhookSubscriptions.splice(i, 1);
  return { deletedWebhookSubscriptionId: String(args.id), userErrors: [] };
}

function stagedUploadsCreate(ctx: ExecContext, args: Args): unknown {
  const { state, runtime } = ctx;
  const inputs = args.input as {
    filename: string;
    mimeType: string;
    resource: string;
    httpMethod?: "POST" | "PUT" | null;
  }[];
  const errors: UserErrorOut[] = [];
  const targets = inputs.map((input, i) => {
    if (input.resource !== "BULK_MUTATION_VARIABLES") {
      errors.push({
        field: ["input", String(i), "resource"],
        message: `The stand-in only stages BULK_MUTATION_VARIABLES uploads, not ${input.resource}`,
      });
      return null;
    }
    const shopNumber = gidNumber(state.appInstallationId);
    const uuid = createHash("sha256").update(`${state.shop}:${state.nextId()}`).digest("hex").slice(0, 32);
    const key = `tmp/${shopNumber}/bulk/${uuid}/${input.filename.replace(/[^A-Za-z0-9_.-]/g, "_")}`;
    state.stagedUploads.set(key, {
      key,
      filename: input.filename,
      mimeType: input.mimeType,
      resource: input.resource,
      content: null,
      uploadedAt: null,
    });
    const base = `${runtime.baseUrl()}/staged-uploads`;
    if (input.httpMethod === "PUT") {
      return {
        __typename: "StagedMediaUploadTarget",
        url: `${base}/${key}`,
        resourceUrl: `${base}/${key}`,
        parameters: [
          { name: "content_type", value: input.mimeType },
          { name: "acl", value: "private" },
        ],
      };
    }
    return {
      __typename: "StagedMediaUploadTarget",
      url: base,
      resourceUrl: null,
      parameters: [
        { name: "Content-Type", value: input.mimeType },
        { name: "success_action_status", value: "201" },
        { name: "acl", value: "private" },
        { name: "key", value: key },
        { name: "x-goog-algorithm", value: "GOOG4-RSA-SHA256" },
        {
          name: "x-goog-credential",
          value: `standin@churnless.local/${state.nowIso().slice(0, 10).replace(/-/g, "")}/auto/storage/goog4_request`,
        },
        { name: "x-goog-date", value: state.nowIso().replace(/[-:]/g, "").replace(/\.\d+/, "") },
        { name: "x-goog-signature", value: createHash("sha256").update(key).digest("hex") },
        {
          name: "policy",
          value: Buffer.from(
            JSON.stringify({
              conditions: [{ key }, { bucket: "standin" }, ["content-length-range", 1, runtime.maxStagedUploadBytes]],
            }),
          ).toString("base64"),
        },
      ],
    };
  });
  return { stagedTargets: targets.filter((t) => t !== null), userErrors: errors };
}

export function mutationRoot(ctx: ExecContext): Record<string, unknown> {
  const { state } = ctx;
  return {
    tagsAdd: (args: Args) => tagsAdd(state, args),
    tagsRemove: (args: Args) => tagsRemove(state, args),
    metafieldDefinitionCreate: (args: Args) => metafieldDefinitionCreate(state, args),
    metafieldsSet: (args: Args) => metafieldsSet(state, args),
    metafieldsDelete: (args: Args) => metafieldsDelete(state, args),
    segmentCreate: (args: Args) => segmentCreate(state, args),
    segmentUpdate: (args: Args) => segmentUpdate(state, args),
    segmentDelete: (args: Args) => segmentDelete(state, args),
    flowTriggerReceive: (args: Args) => flowTriggerReceive(ctx, args),
    webhookSubscriptionCreate: (args: Args) => webhookSubscriptionCreate(ctx, args),
    webhookSubscriptionDelete: (args: Args) => webhookSubscriptionDelete(state, args),
    stagedUploadsCreate: (args: Args) => stagedUploadsCreate(ctx, args),
    bulkOperationRunQuery: (args: Args) => startBulkQuery(ctx, String(args.query), Boolean(args.groupObjects)),
    bulkOperationRunMutation: (args: Args) =>
      startBulkMutation(ctx, String(args.mutation), String(args.stagedUploadPath)),
    bulkOperationCancel: (args: Args) => cancelBulkOperation(ctx, String(args.id)),
  };
}
