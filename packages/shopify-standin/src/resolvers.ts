import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import type { ExecContext } from "./context";
import { protectedValue, REDACTED_DISPLAY_NAME, requireCustomerData } from "./protected";
import { filterItems, paginate, type ConnectionArgs, type SearchSchema, type SortKeyOf } from "./search";
import {
  gidNumber,
  gidType,
  type BulkOperationRecord,
  type MetafieldDefinitionRecord,
  type MetafieldRecord,
  type SegmentRecord,
  type ShopState,
  type WebhookSubscriptionRecord,
} from "./store";
import type { StandinCustomer, StandinLineItem, StandinOrder, StandinProduct, StandinVariant } from "./types";

/**
 * Store objects seen through the Admin schema. graphql-js's default field resolver reads a property or
 * calls it with (args, context, info), so each view is a plain object whose nested objects and
 * connections are functions; only what the document asks for is computed. Abstract types resolve
 * through `__typename`.
 */
export type Args = Record<string, unknown>;
type View = Record<string, unknown>;

/** Inside a bulk query every connection returns all its items (no first/last needed). */
const CONNECTION_ALL = (ctx: ExecContext, _info: GraphQLResolveInfo): boolean => !!ctx.bulk;

/**
 * In a bulk query the root connection serves only the current slice of the collection; the filtered
 * list is computed once per operation (`compute`), not once per chunk.
 */
function rootSlice<T>(compute: () => T[], ctx: ExecContext, info: GraphQLResolveInfo): T[] {
  if (ctx.bulk?.rootSlice && info.path.prev === undefined) {
    if (!ctx.bulk.rootItems) ctx.bulk.rootItems = compute();
    const [from, to] = ctx.bulk.rootSlice;
    return (ctx.bulk.rootItems as T[]).slice(from, to);
  }
  return compute();
}

export function requireScope(state: ShopState, scope: string, what: string): void {
  const granted = state.scopes;
  const write = scope.replace(/^read_/, "write_");
  if (granted.includes(scope) || granted.includes(write)) return;
  throw new GraphQLError(`Access denied for ${what} field. Required access: \`${scope}\` access scope.`, {
    extensions: {
      code: "ACCESS_DENIED",
      documentation: "https://shopify.dev/api/usage/access-scopes",
      requiredAccess: `\`${scope}\` access scope.`,
    },
  });
}

function money(amount: string, currencyCode: string): View {
  return { __typename: "MoneyV2", amount, currencyCode };
}

function moneyBag(amount: string, currencyCode: string, presentment?: { currencyCode?: string; rate?: number }): View {
  const m = money(amount, currencyCode);
  if (!presentment?.currencyCode || presentment.rate === undefined)
    return { __typename: "MoneyBag", shopMoney: m, presentmentMoney: m };
  return {
    __typename: "MoneyBag",
    shopMoney: m,
    presentmentMoney: money(presentmentAmount(amount, presentment.rate), presentment.currencyCode),
  };
}

/** A shop amount in the order's presentment currency (one rate per order, rounded to cents). */
export function presentmentAmount(amount: string, rate: number): string {
  return (Math.round(Number(amount) * rate * 100) / 100).toFixed(2);
}

const byId = <T extends { id: string }>(item: T): [number, number] => [gidNumber(item.id), gidNumber(item.id)];

function dateKey<T extends { id: string }>(get: (item: T) => string): SortKeyOf<T> {
  return (item) => [Date.parse(get(item)) || 0, gidNumber(item.id)];
}

function sortedBy<T extends { id: string }>(state: ShopState, name: string, items: T[], keyOf: SortKeyOf<T>): T[] {
  return state.sorted(name, items, (a, b) => {
    const ka = keyOf(a);
    const kb = keyOf(b);
    return ka[0] < kb[0] ? -1 : ka[0] > kb[0] ? 1 : ka[1] - kb[1];
  });
}

// ---------------------------------------------------------------- orders

const ORDER_SEARCH: SearchSchema<StandinOrder> = {
  fields: {
    updated_at: { kind: "date", get: (o) => o.updatedAt },
    created_at: { kind: "date", get: (o) => o.createdAt },
    processed_at: { kind: "date", get: (o) => o.processedAt },
    id: { kind: "number", get: (o) => gidNumber(o.id) },
    customer_id: { kind: "number", get: (o) => (o.customerId ? gidNumber(o.customerId) : null) },
    financial_status: { kind: "string", get: (o) => o.displayFinancialStatus.toLowerCase() },
    test: { kind: "boolean", get: (o) => o.test },
    name: { kind: "string", get: (o) => o.name },
    status: { kind: "string", get: (o) => (o.cancelledAt ? "cancelled" : "open") },
  },
  text: (o) => o.name,
};

function orderSortKey(sortKey: unknown): { name: string; key: SortKeyOf<StandinOrder> } {
  switch (sortKey) {
    case "CREATED_AT":
      return { name: "orders:createdAt", key: dateKey((o) => o.createdAt) };
    case "UPDATED_AT":
      return { name: "orders:updatedAt", key: dateKey((o) => o.updatedAt) };
    case "PROCESSED_AT":
      return { name: "orders:processedAt", key: dateKey((o) => o.processedAt) };
    default:
      return { name: "orders:id", key: byId };
  }
}

export function ordersConnection(
  state: ShopState,
  source: StandinOrder[] | null,
  args: Args,
  ctx: ExecContext,
  info: GraphQLResolveInfo,
): unknown {
  requireScope(state, "read_orders", "orders");
  requireCustomerData(state, "Order");
  const { name, key } = orderSortKey(args.sortKey);
  const compute = (): StandinOrder[] => {
    const base = source ?? sortedBy(state, name, state.data.orders, key);
    const visible = filterItems(base, args.query as string | null, ORDER_SEARCH).filter((o) => state.orderVisible(o));
    if (!source) return visible;
    return [...visible].sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      return ka[0] < kb[0] ? -1 : ka[0] > kb[0] ? 1 : ka[1] - kb[1];
    });
  };
  return paginate(
    rootSlice(compute, ctx, info),
    args as ConnectionArgs,
    key,
    (o) => orderView(state, o),
    CONNECTION_ALL(ctx, info),
  );
}

/**
 * Orders and line items are the hot path of bulk queries (a million orders in the demo), so they are
 * classes: fields are prototype getters and methods, not per-object closures.
 */
class OrderView {
  readonly __typename = "Order";
  constructor(
    private readonly state: ShopState,
    private readonly o: StandinOrder,
  ) {}
  private get cur(): string {
    return this.o.currencyCode || this.state.data.currencyCode;
  }
  get id(): string {
    return this.o.id;
  }
  get legacyResourceId(): string {
    return String(gidNumber(this.o.id));
  }
  get name(): string {
    return this.o.name;
  }
  get createdAt(): string {
    return this.o.createdAt;
  }
  get processedAt(): string {
    return this.o.processedAt;
  }
  get updatedAt(): string {
    return this.o.updatedAt;
  }
  get cancelledAt(): string | null {
    return this.o.cancelledAt;
  }
  get closed(): boolean {
    return false;
  }
  get test(): boolean {
    return this.o.test;
  }
  get displayFinancialStatus(): string {
    return this.o.displayFinancialStatus;
  }
  get currencyCode(): string {
    return this.cur;
  }
  get presentmentCurrencyCode(): string {
    return this.o.presentmentCurrencyCode ?? this.cur;
  }
  private get pm(): { currencyCode?: string; rate?: number } {
    return { currencyCode: this.o.presentmentCurrencyCode, rate: this.o.presentmentRate };
  }
  customer(): View | null {
    return this.o.customerId ? customerById(this.state, this.o.customerId) : null;
  }
  email(): string | null {
    return protectedValue(this.state, "Order", "email", () => null)();
  }
  phone(): string | null {
    return protectedValue(this.state, "Order", "phone", () => null)();
  }
  shippingAddress(): View | null {
    return protectedValue(this.state, "Order", "address", () => null)();
  }
  billingAddress(): View | null {
    return protectedValue(this.state, "Order", "address", () => null)();
  }
  currentTotalPriceSet(): View {
    return moneyBag(this.o.totalPrice, this.cur, this.pm);
  }
  totalPriceSet(): View {
    return moneyBag(this.o.totalPrice, this.cur, this.pm);
  }
  currentSubtotalPriceSet(): View {
    return moneyBag(this.o.totalPrice, this.cur, this.pm);
  }
  subtotalPriceSet(): View {
    return moneyBag(this.o.totalPrice, this.cur, this.pm);
  }
  totalRefundedSet(): View {
    return moneyBag(this.o.totalRefunded, this.cur, this.pm);
  }
  get currentSubtotalLineItemsQuantity(): number {
    return this.o.lineItems.reduce((s, li) => s + li.currentQuantity, 0);
  }
  get subtotalLineItemsQuantity(): number {
    return this.o.lineItems.reduce((s, li) => s + li.quantity, 0);
  }
  lineItems(args: Args, ctx: ExecContext, info: GraphQLResolveInfo): unknown {
    return paginate(
      this.o.lineItems,
      args as ConnectionArgs,
      byId,
      (li) => new LineItemView(this.state, li, this.cur, this.pm),
      CONNECTION_ALL(ctx, info),
    );
  }
  metafield(args: Args): View | null {
    return metafieldLookup(this.state, this.o.id, args);
  }
  metafields(args: Args, ctx: ExecContext, info: GraphQLResolveInfo): unknown {
    return metafieldsConnection(this.state, this.o.id, args, ctx, info);
  }
}

export function orderView(state: ShopState, o: StandinOrder): View {
  requireCustomerData(state, "Order");
  return new OrderView(state, o) as unknown as View;
}

class LineItemView {
  readonly __typename = "LineItem";
  constructor(
    private readonly state: ShopState,
    private readonly li: StandinLineItem,
    private readonly cur: string,
    private readonly pm?: { currencyCode?: string; rate?: number },
  ) {}
  private get product_(): StandinProduct | undefined {
    return this.li.productId ? this.state.productsById.get(this.li.productId) : undefined;
  }
  private get variant_(): { variant: StandinVariant; product: StandinProduct } | undefined {
    return this.li.variantId ? this.state.variantsById.get(this.li.variantId) : undefined;
  }
  get id(): string {
    return this.li.id;
  }
  get quantity(): number {
    return this.li.quantity;
  }
  get currentQuantity(): number {
    return this.li.currentQuantity;
  }
  get refundableQuantity(): number {
    return this.li.currentQuantity;
  }
  get name(): string {
    return this.product_?.title ?? "Item";
  }
  get title(): string {
    return this.product_?.title ?? "Item";
  }
  get sku(): string | null {
    return this.variant_?.variant.sku ?? null;
  }
  get vendor(): string | null {
    return this.product_?.vendor ?? null;
  }
  product(): View | null {
    const p = this.product_;
    return p ? productView(this.state, p) : null;
  }
  variant(): View | null {
    const v = this.variant_;
    return v ? variantView(this.state, v.variant, v.product) : null;
  }
  originalUnitPriceSet(): View {
    return moneyBag(this.li.unitPrice, this.cur, this.pm);
  }
  discountedUnitPriceSet(): View {
    return moneyBag(this.li.unitPrice, this.cur, this.pm);
  }
  originalTotalSet(): View {
    return moneyBag((Number(this.li.unitPrice) * this.li.quantity).toFixed(2), this.cur, this.pm);
  }
}

// ---------------------------------------------------------------- customers

const CUSTOMER_SEARCH: SearchSchema<StandinCustomer> = {
  fields: {
    updated_at: { kind: "date", get: (c) => c.updatedAt },
    created_at: { kind: "date", get: (c) => c.createdAt },
    id: { kind: "number", get: (c) => gidNumber(c.id) },
    tag: { kind: "list", get: (c) => c.tags },
    email: { kind: "string", get: (c) => c.email },
    first_name: { kind: "string", get: (c) => c.firstName },
    last_name: { kind: "string", get: (c) => c.lastName },
  },
  text: (c) => `${c.firstName} ${c.lastName} ${c.email}`,
};

function customerSortKey(sortKey: unknown): { name: string; key: SortKeyOf<StandinCustomer> } {
  switch (sortKey) {
    case "CREATED_AT":
      return { name: "customers:createdAt", key: dateKey((c) => c.createdAt) };
    case "UPDATED_AT":
      return { name: "customers:updatedAt", key: dateKey((c) => c.updatedAt) };
    default:
      return { name: "customers:id", key: byId };
  }
}

function customerById(state: ShopState, id: string): View | null {
  const c = state.customersById.get(id);
  return c ? customerView(state, c) : null;
}

export function customerView(state: ShopState, c: StandinCustomer): View {
  requireCustomerData(state, "Customer");
  const cur = state.data.currencyCode;
  return {
    __typename: "Customer",
    id: c.id,
    legacyResourceId: String(gidNumber(c.id)),
    firstName: protectedValue(state, "Customer", "name", () => c.firstName),
    lastName: protectedValue(state, "Customer", "name", () => c.lastName),
    displayName: state.protectedDataLevel >= 2 ? `${c.firstName} ${c.lastName}`.trim() : REDACTED_DISPLAY_NAME,
    email: protectedValue(state, "Customer", "email", () => c.email),
    defaultEmailAddress: protectedValue(state, "Customer", "email", () => ({
      __typename: "CustomerEmailAddress",
      emailAddress: c.email,
    })),
    phone: protectedValue(state, "Customer", "phone", () => null),
    defaultPhoneNumber: protectedValue(state, "Customer", "phone", () => null),
    defaultAddress: protectedValue(state, "Customer", "address", () => null),
    tags: [...c.tags],
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    statistics: () => ({ __typename: "CustomerStatistics", rfmGroup: c.rfmGroup ?? null, predictedSpendTier: null }),
    numberOfOrders: () => String(state.ordersOf(c.id).length),
    amountSpent: () =>
      money(
        state
          .ordersOf(c.id)
          .filter((o) => !o.cancelledAt && !o.test)
          .reduce((s, o) => s + Number(o.totalPrice) - Number(o.totalRefunded), 0)
          .toFixed(2),
        cur,
      ),
    orders: (args: Args, ctx: ExecContext, info: GraphQLResolveInfo) =>
      ordersConnection(state, state.ordersOf(c.id), args, ctx, info),
    lastOrder: () => {
      const list = state.ordersOf(c.id);
      const last = list.reduce<StandinOrder | null>(
        (best, o) => (!best || o.createdAt > best.createdAt ? o : best),
        null,
      );
      return last ? orderView(state, last) : null;
    },
    metafield: (args: Args) => metafieldLookup(state, c.id, args),
    metafields: (args: Args, ctx: ExecContext, info: GraphQLResolveInfo) =>
      metafieldsConnection(state, c.id, args, ctx, info),
  };
}

// ---------------------------------------------------------------- products

const PRODUCT_SEARCH: SearchSchema<StandinProduct> = {
  fields: {
    updated_at: { kind: "date", get: (p) => p.updatedAt },
    created_at: { kind: "date", get: (p) => p.createdAt },
    id: { kind: "number", get: (p) => gidNumber(p.id) },
    handle: { kind: "string", get: (p) => p.handle },
    title: { kind: "string", get: (p) => p.title },
    product_type: { kind: "string", get: (p) => p.productType },
    vendor: { kind: "string", get: (p) => p.vendor },
    status: { kind: "string", get: (p) => p.status.toLowerCase() },
  },
  text: (p) => `${p.title} ${p.handle} ${p.productType} ${p.vendor}`,
};

function productSortKey(sortKey: unknown): { name: string; key: SortKeyOf<StandinProduct> } {
  switch (sortKey) {
    case "CREATED_AT":
      return { name: "products:createdAt", key: dateKey((p) => p.createdAt) };
    case "UPDATED_AT":
      return { name: "products:updatedAt", key: dateKey((p) => p.updatedAt) };
    case "TITLE":
      return { name: "products:title", key: (p) => [p.title.toLowerCase(), gidNumber(p.id)] };
    default:
      return { name: "products:id", key: byId };
  }
}

export function productView(state: ShopState, p: StandinProduct): View {
  const image = p.imageUrl
    ? {
        __typename: "Image",
        id: null,
        url: p.imageUrl,
        src: p.imageUrl,
        originalSrc: p.imageUrl,
        transformedSrc: p.imageUrl,
        altText: p.title,
        width: null,
        height: null,
      }
    : null;
  return {
    __typename: "Product",
    id: p.id,
    legacyResourceId: String(gidNumber(p.id)),
    handle: p.handle,
    title: p.title,
    productType: p.productType,
    vendor: p.vendor,
    status: p.status,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    tags: [],
    totalInventory: p.variants.reduce((s, v) => s + v.inventoryQuantity, 0),
    hasOnlyDefaultVariant: p.variants.length <= 1,
    onlineStoreUrl: null,
    featuredImage: image,
    variants: (args: Args, ctx: ExecContext, info: GraphQLResolveInfo) =>
      paginate(p.variants, args as ConnectionArgs, byId, (v) => variantView(state, v, p), CONNECTION_ALL(ctx, info)),
    metafield: (args: Args) => metafieldLookup(state, p.id, args),
    metafields: (args: Args, ctx: ExecContext, info: GraphQLResolveInfo) =>
      metafieldsConnection(state, p.id, args, ctx, info),
  };
}

function variantView(state: ShopState, v: StandinVariant, p: StandinProduct): View {
  return {
    __typename: "ProductVariant",
    id: v.id,
    legacyResourceId: String(gidNumber(v.id)),
    title: "Default Title",
    displayName: `${p.title} - Default Title`,
    price: v.price,
    inventoryQuantity: v.inventoryQuantity,
    sku: v.sku ?? null,
    availableForSale: p.status === "ACTIVE" && v.inventoryQuantity > 0,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    product: () => productView(state, p),
  };
}

// ---------------------------------------------------------------- metafields

function jsonValueOf(m: MetafieldRecord): unknown {
  if (m.type.startsWith("list.") || m.type === "json") {
    try {
      return JSON.parse(m.value);
    } catch {
      return m.value;
    }
  }
  if (m.type === "number_integer" || m.type === "number_decimal")
    return m.type === "number_integer" ? Number(m.value) : m.value;
  if (m.type === "boolean") return m.value === "true";
  return m.value;
}

export function metafieldView(state: ShopState, m: MetafieldRecord): View {
  return {
    __typename: "Metafield",
    id: m.id,
    legacyResourceId: String(gidNumber(m.id)),
    namespace: m.namespace,
    key: m.key,
    type: m.type,
    value: m.value,
    jsonValue: jsonValueOf(m),
    description: null,
    ownerType: m.ownerType,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    sizeInBytes: Buffer.byteLength(m.value),
    compareDigest: createHash("sha256").update(m.value).digest("hex"),
    owner: () => nodeById(state, m.ownerId),
    definition: () => {
      const d = state.metafieldDefinitions.find(
        (x) => x.ownerType === m.ownerType && x.namespace === m.namespace && x.key === m.key,
      );
      return d ? metafieldDefinitionView(state, d) : null;
    },
    reference: () => (m.type.endsWith("_reference") && !m.type.startsWith("list.") ? nodeById(state, m.value) : null),
    references: (args: Args, ctx: ExecContext, info: GraphQLResolveInfo) => {
      if (!m.type.startsWith("list.") || !m.type.endsWith("_reference")) return null;
      const ids = (jsonValueOf(m) as unknown[]).filter((x): x is string => typeof x === "string");
      const refs = ids.map((id, i) => ({ id, i })).filter((r) => nodeById(state, r.id) !== null);
      return paginate(
        refs,
        args as ConnectionArgs,
        (r) => [r.i, r.i],
        (r) => nodeById(state, r.id),
        CONNECTION_ALL(ctx, info),
      );
    },
  };
}

function metafieldLookup(state: ShopState, ownerId: string, args: Args): View | null {
  const ns = state.resolveNamespace(args.namespace as string | null);
  const m = state.metafields.get(ownerId)?.get(`${ns}.${String(args.key)}`);
  return m ? metafieldView(state, m) : null;
}

function metafieldsConnection(
  state: ShopState,
  ownerId: string,
  args: Args,
  ctx: ExecContext,
  info: GraphQLResolveInfo,
): unknown {
  let list = state.metafieldsOf(ownerId);
  if (args.namespace) {
    const ns = state.resolveNamespace(args.namespace as string);
    list = list.filter((m) => m.namespace === ns);
  }
  if (Array.isArray(args.keys)) {
    const keys = new Set(
      (args.keys as string[]).map((k) => {
        const dot = k.lastIndexOf(".");
        return `${state.resolveNamespace(k.slice(0, dot))}.${k.slice(dot + 1)}`;
      }),
    );
    list = list.filter((m) => keys.has(`${m.namespace}.${m.key}`));
  }
  return paginate(list, args as ConnectionArgs, byId, (m) => metafieldView(state, m), CONNECTION_ALL(ctx, info));
}

export function metafieldDefinitionView(state: ShopState, d: MetafieldDefinitionRecord): View {
  return {
    __typename: "MetafieldDefinition",
    id: d.id,
    name: d.name,
    namespace: d.namespace,
    key: d.key,
    ownerType: d.ownerType,
    description: d.description,
    type: {
      __typename: "MetafieldDefinitionType",
      name: d.type,
      category: d.type.includes("reference") ? "REFERENCE" : "TEXT",
    },
    validations: [],
    pinnedPosition: null,
    useAsCollectionCondition: false,
    validationStatus: "ALL_VALID",
    metafieldsCount: () => {
      let n = 0;
      for (const map of state.metafields.values())
        for (const m of map.values())
          if (m.ownerType === d.ownerType && m.namespace === d.namespace && m.key === d.key) n += 1;
      return n;
    },
  };
}

// ---------------------------------------------------------------- other objects

export function bulkOperationView(b: BulkOperationRecord): View {
  return {
    __typename: "BulkOperation",
    id: b.id,
    type: b.type,
    status: b.status,
    query: b.query,
    createdAt: b.createdAt,
    completedAt: b.completedAt,
    errorCode: b.errorCode,
    objectCount: String(b.objectCount),
    rootObjectCount: String(b.rootObjectCount),
    fileSize: b.fileSize === null ? null : String(b.fileSize),
    url: b.url,
    partialDataUrl: b.partialDataUrl,
  };
}

const BULK_OPERATION_SEARCH: SearchSchema<BulkOperationRecord> = {
  fields: {
    status: { kind: "string", get: (b) => b.status.toLowerCase() },
    operation_type: { kind: "string", get: (b) => b.type.toLowerCase() },
    id: { kind: "number", get: (b) => gidNumber(b.id) },
    created_at: { kind: "date", get: (b) => b.createdAt },
  },
  text: (b) => b.query,
};

export function segmentView(s: SegmentRecord): View {
  return { __typename: "Segment", ...s };
}

export function webhookSubscriptionView(state: ShopState, w: WebhookSubscriptionRecord, apiVersion: string): View {
  return {
    __typename: "WebhookSubscription",
    id: w.id,
    legacyResourceId: String(gidNumber(w.id)),
    topic: w.topic,
    uri: w.uri,
    callbackUrl: w.uri,
    format: w.format,
    filter: w.filter,
    includeFields: w.includeFields,
    metafieldNamespaces: [],
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
    apiVersion: { __typename: "ApiVersion", handle: apiVersion, displayName: apiVersion, supported: true },
    endpoint: { __typename: "WebhookHttpEndpoint", callbackUrl: w.uri },
  };
}

function appInstallationView(state: ShopState): View {
  return {
    __typename: "AppInstallation",
    id: state.appInstallationId,
    accessScopes: state.scopes.map((handle) => ({
      __typename: "AccessScope",
      handle,
      description: handle.replace(/_/g, " "),
    })),
    launchUrl: `https://${state.shop}/admin/apps/churnless`,
    uninstallUrl: null,
    app: {
      __typename: "App",
      id: "gid://shopify/App/7431911",
      title: "Churnless",
      handle: "churnless",
      apiKey: "standin-api-key",
    },
    metafield: (args: Args) => metafieldLookup(state, state.appInstallationId, args),
    metafields: (args: Args, ctx: ExecContext, info: GraphQLResolveInfo) =>
      metafieldsConnection(state, state.appInstallationId, args, ctx, info),
  };
}

/**
 * The app's declared scopes, as Shopify reports them on `App` (requestedAccessScopes, optionalAccessScopes):
 * those of shopify.app.toml's [access_scopes], which `shopify app deploy` would send.
 */
let declaredScopes: { required: string[]; optional: string[] } | null = null;
function appDeclaredScopes(): { required: string[]; optional: string[] } {
  if (declaredScopes) return declaredScopes;
  const toml = readFileSync(fileURLToPath(new URL("../../../shopify.app.toml", import.meta.url)), "utf8");
  const section = /^\[access_scopes\]([\s\S]*?)^\[/m.exec(toml)?.[1] ?? "";
  const list = (raw: string | undefined) =>
    (raw ?? "")
      .split(/[,\s"[\]]+/)
      .map((x) => x.trim())
      .filter(Boolean);
  declaredScopes = {
    required: list(/^\s*scopes\s*=\s*"([^"]*)"/m.exec(section)?.[1]),
    optional: list(/^\s*optional_scopes\s*=\s*\[([^\]]*)\]/m.exec(section)?.[1]),
  };
  return declaredScopes;
}

/** `app` (the current app): its declared scopes and its installation on the shop (the library's scopes API reads these). */
function appView(state: ShopState): View {
  const scope = (handle: string) => ({ __typename: "AccessScope", handle, description: handle.replace(/_/g, " ") });
  const { required, optional } = appDeclaredScopes();
  return {
    __typename: "App",
    id: "gid://shopify/App/7431911",
    title: "Churnless",
    handle: "churnless",
    apiKey: "standin-api-key",
    requestedAccessScopes: required.map(scope),
    optionalAccessScopes: optional.map(scope),
    installation: appInstallationView(state),
  };
}

function shopView(state: ShopState): View {
  const handle = state.shop.replace(/\.myshopify\.com$/, "");
  const name = handle
    .split(/[-_]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(" ");
  return {
    __typename: "Shop",
    id: `gid://shopify/Shop/${gidNumber(state.appInstallationId)}`,
    name,
    myshopifyDomain: state.shop,
    email: `owner@${state.shop}`,
    contactEmail: `owner@${state.shop}`,
    currencyCode: state.data.currencyCode,
    ianaTimezone: state.data.ianaTimezone ?? "UTC",
    timezoneAbbreviation:
      new Intl.DateTimeFormat("en-US", { timeZone: state.data.ianaTimezone ?? "UTC", timeZoneName: "short" })
        .formatToParts(new Date())
        .find((p) => p.type === "timeZoneName")?.value ?? "UTC",
    url: `https://${state.shop}`,
    primaryDomain: {
      __typename: "Domain",
      id: `gid://shopify/Domain/${gidNumber(state.appInstallationId)}`,
      host: state.shop,
      url: `https://${state.shop}`,
    },
    metafield: (args: Args) => metafieldLookup(state, `gid://shopify/Shop/${gidNumber(state.appInstallationId)}`, args),
    metafieldDefinitions: (args: Args, c: ExecContext, info: GraphQLResolveInfo) =>
      metafieldDefinitionsConnection(state, args, c, info),
    orders: (args: Args, c: ExecContext, info: GraphQLResolveInfo) => ordersConnection(state, null, args, c, info),
    customers: (args: Args, c: ExecContext, info: GraphQLResolveInfo) => customersConnection(state, args, c, info),
    products: (args: Args, c: ExecContext, info: GraphQLResolveInfo) => productsConnection(state, args, c, info),
    customerTags: (args: Args) => customerTagsConnection(state, Number(args.first)),
  };
}

/** Shop.customerTags(first): the distinct tags on the shop's customers (case-insensitive, first spelling seen). */
function customerTagsConnection(state: ShopState, first: number) {
  const seen = new Map<string, string>();
  for (const c of state.data.customers)
    for (const t of c.tags) if (!seen.has(t.trim().toLowerCase())) seen.set(t.trim().toLowerCase(), t.trim());
  const all = [...seen.values()];
  const nodes = all.slice(0, Math.max(0, first));
  return {
    nodes,
    edges: nodes.map((node, i) => ({ cursor: String(i), node })),
    pageInfo: {
      hasNextPage: all.length > nodes.length,
      hasPreviousPage: false,
      startCursor: nodes.length ? "0" : null,
      endCursor: nodes.length ? String(nodes.length - 1) : null,
    },
  };
}

function customersConnection(state: ShopState, args: Args, ctx: ExecContext, info: GraphQLResolveInfo): unknown {
  requireScope(state, "read_customers", "customers");
  requireCustomerData(state, "Customer");
  const { name, key } = customerSortKey(args.sortKey);
  const compute = (): StandinCustomer[] =>
    filterItems(sortedBy(state, name, state.data.customers, key), args.query as string | null, CUSTOMER_SEARCH);
  return paginate(
    rootSlice(compute, ctx, info),
    args as ConnectionArgs,
    key,
    (c) => customerView(state, c),
    CONNECTION_ALL(ctx, info),
  );
}

function productsConnection(state: ShopState, args: Args, ctx: ExecContext, info: GraphQLResolveInfo): unknown {
  requireScope(state, "read_products", "products");
  const { name, key } = productSortKey(args.sortKey);
  const compute = (): StandinProduct[] =>
    filterItems(sortedBy(state, name, state.data.products, key), args.query as string | null, PRODUCT_SEARCH);
  return paginate(
    rootSlice(compute, ctx, info),
    args as ConnectionArgs,
    key,
    (p) => productView(state, p),
    CONNECTION_ALL(ctx, info),
  );
}

function metafieldDefinitionsConnection(
  state: ShopState,
  args: Args,
  ctx: ExecContext,
  info: GraphQLResolveInfo,
): unknown {
  let list = state.metafieldDefinitions;
  if (args.ownerType) list = list.filter((d) => d.ownerType === args.ownerType);
  if (args.namespace) {
    const ns = state.resolveNamespace(args.namespace as string);
    list = list.filter((d) => d.namespace === ns);
  }
  if (args.key) list = list.filter((d) => d.key === args.key);
  return paginate(
    list,
    args as ConnectionArgs,
    byId,
    (d) => metafieldDefinitionView(state, d),
    CONNECTION_ALL(ctx, info),
  );
}

/** Any object the stand-in knows, by GID (what `node`/`nodes` and references return). */
export function nodeById(state: ShopState, id: string, apiVersion = ""): View | null {
  switch (gidType(id)) {
    case "Customer":
      return customerById(state, id);
    case "Order": {
      const o = state.ordersById.get(id);
      return o && state.orderVisible(o) ? orderView(state, o) : null;
    }
    case "Product": {
      const p = state.productsById.get(id);
      return p ? productView(state, p) : null;
    }
    case "ProductVariant": {
      const v = state.variantsById.get(id);
      return v ? variantView(state, v.variant, v.product) : null;
    }
    case "Segment": {
      const s = state.segments.find((x) => x.id === id);
      return s ? segmentView(s) : null;
    }
    case "BulkOperation": {
      const b = state.bulkOperations.find((x) => x.id === id);
      return b ? bulkOperationView(b) : null;
    }
    case "Metafield": {
      for (const map of state.metafields.values())
        for (const m of map.values()) if (m.id === id) return metafieldView(state, m);
      return null;
    }
    case "MetafieldDefinition": {
      const d = state.metafieldDefinitions.find((x) => x.id === id);
      return d ? metafieldDefinitionView(state, d) : null;
    }
    case "WebhookSubscription": {
      const w = state.webhookSubscriptions.find((x) => x.id === id);
      return w ? webhookSubscriptionView(state, w, apiVersion) : null;
    }
    case "AppInstallation":
      return id === state.appInstallationId ? appInstallationView(state) : null;
    default:
      return null;
  }
}

/** The Query root: one function per root field the app uses. */
export function queryRoot(ctx: ExecContext): View {
  const { state, runtime } = ctx;
  return {
    shop: () => shopView(state),
    orders: (args: Args, c: ExecContext, info: GraphQLResolveInfo) => ordersConnection(state, null, args, c, info),
    customers: (args: Args, c: ExecContext, info: GraphQLResolveInfo) => customersConnection(state, args, c, info),
    products: (args: Args, c: ExecContext, info: GraphQLResolveInfo) => productsConnection(state, args, c, info),
    order: (args: Args) => {
      requireScope(state, "read_orders", "order");
      return nodeById(state, String(args.id));
    },
    customer: (args: Args) => {
      requireScope(state, "read_customers", "customer");
      return gidType(String(args.id)) === "Customer" ? nodeById(state, String(args.id)) : null;
    },
    product: (args: Args) => (gidType(String(args.id)) === "Product" ? nodeById(state, String(args.id)) : null),
    productVariant: (args: Args) =>
      gidType(String(args.id)) === "ProductVariant" ? nodeById(state, String(args.id)) : null,
    node: (args: Args) => nodeById(state, String(args.id), runtime.apiVersion),
    nodes: (args: Args) => {
      const ids = args.ids as string[];
      if (ids.length > 250) {
        throw new GraphQLError("The maximum number of ids is 250.", { extensions: { code: "BAD_REQUEST" } });
      }
      return ids.map((id) => nodeById(state, id, runtime.apiVersion));
    },
    currentAppInstallation: () => appInstallationView(state),
    app: (args: Args) => (args.id === undefined || args.id === null ? appView(state) : null),
    bulkOperation: (args: Args) => {
      const b = state.bulkOperations.find((x) => x.id === args.id);
      return b ? bulkOperationView(b) : null;
    },
    currentBulkOperation: (args: Args) => {
      const type = (args.type as string | undefined) ?? "QUERY";
      const list = state.bulkOperations.filter((b) => b.type === type);
      const last = list[list.length - 1];
      return last ? bulkOperationView(last) : null;
    },
    bulkOperations: (args: Args, c: ExecContext, info: GraphQLResolveInfo) => {
      // Newest first by default (the schema's description); `query` filters by status, operation_type, id, created_at.
      const at = (b: BulkOperationRecord): number =>
        Date.parse(args.sortKey === "COMPLETED_AT" ? (b.completedAt ?? "") : b.createdAt) || 0;
      const key: SortKeyOf<BulkOperationRecord> = (b) => [-at(b), -gidNumber(b.id)];
      const list = [...filterItems(state.bulkOperations, args.query as string | null, BULK_OPERATION_SEARCH)].sort(
        (a, b) => {
          const ka = key(a);
          const kb = key(b);
          return (ka[0] as number) - (kb[0] as number) || ka[1] - kb[1];
        },
      );
      return paginate(list, args as ConnectionArgs, key, bulkOperationView, CONNECTION_ALL(c, info));
    },
    segments: (args: Args, c: ExecContext, info: GraphQLResolveInfo) => {
      const list = filterItems(state.segments, args.query as string | null, {
        fields: { name: { kind: "string", get: (s) => s.name }, id: { kind: "number", get: (s) => gidNumber(s.id) } },
        text: (s) => s.name,
      });
      return paginate(list, args as ConnectionArgs, byId, segmentView, CONNECTION_ALL(c, info));
    },
    segment: (args: Args) => {
      const s = state.segments.find((x) => x.id === args.id);
      return s ? segmentView(s) : null;
    },
    metafieldDefinitions: (args: Args, c: ExecContext, info: GraphQLResolveInfo) =>
      metafieldDefinitionsConnection(state, args, c, info),
    metafieldDefinition: (args: Args) => {
      if (args.id) {
        const d = state.metafieldDefinitions.find((x) => x.id === args.id);
        return d ? metafieldDefinitionView(state, d) : null;
      }
      const ident = args.identifier as { ownerType: string; namespace?: string; key: string } | undefined;
      if (!ident) return null;
      const ns = state.resolveNamespace(ident.namespace);
      const d = state.metafieldDefinitions.find(
        (x) => x.ownerType === ident.ownerType && x.namespace === ns && x.key === ident.key,
      );
      return d ? metafieldDefinitionView(state, d) : null;
    },
    webhookSubscriptions: (args: Args, c: ExecContext, info: GraphQLResolveInfo) => {
      let list = state.webhookSubscriptions;
      if (Array.isArray(args.topics)) list = list.filter((w) => (args.topics as string[]).includes(w.topic));
      return paginate(
        list,
        args as ConnectionArgs,
        byId,
        (w) => webhookSubscriptionView(state, w, runtime.apiVersion),
        CONNECTION_ALL(c, info),
      );
    },
  };
}
