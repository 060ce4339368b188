import { createHash } from "node:crypto";
import { createRandom, DEFAULT_FAULTS, type Faults } from "./faults";
import type {
  ProtectedDataLevel,
  StandinCustomer,
  StandinOrder,
  StandinProduct,
  StandinShopData,
  StandinVariant,
} from "./types";

/**
 * The live in-memory store of one fake shop: the generator's StandinShopData (customer tags and orders
 * change as mutations and test helpers act on it) plus what the app writes through the Admin API
 * (metafields, definitions, segments, Flow trigger calls, bulk operations, webhook subscriptions,
 * staged uploads) and the request log with cost.
 */

export interface MetafieldRecord {
  id: string;
  ownerId: string;
  ownerType: string;
  namespace: string;
  key: string;
  type: string;
  value: string;
  createdAt: string;
  updatedAt: string;
}

export interface MetafieldDefinitionRecord {
  id: string;
  ownerType: string;
  namespace: string;
  key: string;
  name: string;
  type: string;
  description: string | null;
  access: unknown;
  createdAt: string;
}

export interface SegmentRecord {
  id: string;
  name: string;
  query: string;
  creationDate: string;
  lastEditDate: string;
}

export interface FlowTriggerCall {
  handle: string | null;
  payload: unknown;
  at: string;
}

export type BulkStatus = "CREATED" | "RUNNING" | "CANCELING" | "CANCELED" | "COMPLETED" | "EXPIRED" | "FAILED";

export interface BulkOperationRecord {
  id: string;
  type: "QUERY" | "MUTATION";
  status: BulkStatus;
  query: string;
  createdAt: string;
  completedAt: string | null;
  errorCode: "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT" | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  url: string | null;
  partialDataUrl: string | null;
  /** Where the result JSONL lives on disk (served at `url` / `partialDataUrl`). */
  filePath: string | null;
  /** For bulk mutations: the staged upload key of the variables file. */
  stagedUploadPath?: string;
}

export interface WebhookSubscriptionRecord {
  id: string;
  topic: string; // enum form, e.g. ORDERS_CREATE
  uri: string;
  format: "JSON" | "XML";
  filter: string | null;
  includeFields: string[];
  createdAt: string;
  updatedAt: string;
}

export interface StagedUploadRecord {
  key: string;
  filename: string;
  mimeType: string;
  resource: string;
  content: Buffer | null;
  uploadedAt: string | null;
}

export interface WebhookDelivery {
  topic: string;
  target: string;
  webhookId: string;
  status: number;
  forged: boolean;
  at: string;
  error?: string;
}

export interface CallRecord {
  at: number;
  /** First root field name of the operation ("(invalid)" when it did not parse/validate). */
  operation: string;
  requestedCost: number;
  actualCost: number;
  throttled: boolean;
  status: number;
  /** Deprecated fields the document selected ("QueryRoot.currentBulkOperation"), as Shopify's header names them. */
  deprecated?: string[];
}

export const DEFAULT_SCOPES = [
  "read_orders",
  "read_all_orders",
  "read_customers",
  "write_customers",
  "read_products",
  "write_app_proxy",
];

/** The app's id in metafield namespaces: `$app` resolves to `app--<APP_ID>`, like Shopify. */
export const APP_ID = "7431911";

export function tokenForShop(shop: string): string {
  return `shpat_standin_${createHash("sha256").update(shop).digest("hex").slice(0, 32)}`;
}

export function gidNumber(gid: string): number {
  const m = /\/(\d+)(\?.*)?$/.exec(gid);
  return m ? Number(m[1]) : NaN;
}

export function gidType(gid: string): string | null {
  const m = /^gid:\/\/shopify\/([A-Za-z]+)\//.exec(gid);
  return m ? m[1] : null;
}

export class ShopState {
  readonly shop: string;
  readonly token: string;
  readonly data: StandinShopData;
  readonly appInstallationId: string;
  readonly customersById = new Map<string, StandinCustomer>();
  readonly ordersById = new Map<string, StandinOrder>();
  readonly productsById = new Map<string, StandinProduct>();
  readonly variantsById = new Map<string, { variant: StandinVariant; product: StandinProduct }>();
  /** Metafields per owner GID, keyed by `namespace.key`. */
  readonly metafields = new Map<string, Map<string, MetafieldRecord>>();
  readonly metafieldDefinitions: MetafieldDefinitionRecord[] = [];
  readonly segments: SegmentRecord[] = [];
  readonly flowTriggers: FlowTriggerCall[] = [];
  readonly bulkOperations: BulkOperationRecord[] = [];
  readonly webhookSubscriptions: WebhookSubscriptionRecord[] = [];
  readonly stagedUploads = new Map<string, StagedUploadRecord>();
  readonly webhookDeliveries: WebhookDelivery[] = [];
  readonly calls: CallRecord[] = [];
  faults: Faults = { ...DEFAULT_FAULTS };
  /** Protected customer data granted to the app on this shop (protected.ts; default Level 2). */
  protectedDataLevel: ProtectedDataLevel = 2;
  random: () => number = createRandom(DEFAULT_FAULTS.seed);
  /** Leaky bucket: points available at `bucketAt` (ms). */
  bucketAvailable: number;
  bucketAt: number;
  /** Bumped on every change to orders/customers/products, so sorted views can be cached. */
  version = 0;
  private ordersByCustomerCache: { version: number; map: Map<string, StandinOrder[]> } | null = null;
  private readonly sortCache = new Map<string, { version: number; items: unknown[] }>();
  private idCounter = 1000;

  constructor(
    data: StandinShopData,
    readonly bucketSize: number,
    readonly restoreRate: number,
    readonly now: () => number,
    index: number,
  ) {
    this.shop = data.shop;
    this.data = data;
    this.token = tokenForShop(data.shop);
    this.appInstallationId = `gid://shopify/AppInstallation/${1000 + index}`;
    this.bucketAvailable = bucketSize;
    this.bucketAt = now();
    for (const c of data.customers) this.customersById.set(c.id, c);
    for (const o of data.orders) this.ordersById.set(o.id, o);
    for (const p of data.products) {
      this.productsById.set(p.id, p);
      for (const v of p.variants) this.variantsById.set(v.id, { variant: v, product: p });
    }
  }

  get scopes(): string[] {
    return this.data.scopes ?? DEFAULT_SCOPES;
  }

  /**
   * The shop's granted scopes become `scopes` (the merchant granted or revoked optional ones). What the
   * app can see follows at once: orders older than 60 days appear or vanish with read_all_orders.
   */
  setScopes(scopes: string[]): { previous: string[]; current: string[] } {
    const previous = [...this.scopes];
    this.data.scopes = [...new Set(scopes)];
    this.version += 1;
    return { previous, current: [...this.data.scopes] };
  }

  nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  /** A new numeric id for things the stand-in creates (metafields, segments, bulk operations...). */
  nextId(): number {
    this.idCounter += 1;
    return this.idCounter;
  }

  setFaults(f: Partial<Faults>): void {
    this.faults = { ...this.faults, ...f };
    if (f.seed !== undefined) this.random = createRandom(f.seed);
  }

  /** Without read_all_orders Shopify only shows orders created in the last 60 days. */
  orderVisible(order: StandinOrder): boolean {
    if (this.scopes.includes("read_all_orders")) return true;
    return Date.parse(order.createdAt) >= this.now() - 60 * 86_400_000;
  }

  ordersOf(customerId: string): StandinOrder[] {
    if (!this.ordersByCustomerCache || this.ordersByCustomerCache.version !== this.version) {
      const map = new Map<string, StandinOrder[]>();
      for (const o of this.data.orders) {
        if (!o.customerId) continue;
        const list = map.get(o.customerId);
        if (list) list.push(o);
        else map.set(o.customerId, [o]);
      }
      this.ordersByCustomerCache = { version: this.version, map };
    }
    return (this.ordersByCustomerCache.map.get(customerId) ?? []).filter((o) => this.orderVisible(o));
  }

  /** Sorted copy of a collection, cached until the store changes. */
  sorted<T>(key: string, items: T[], compare: (a: T, b: T) => number): T[] {
    const hit = this.sortCache.get(key);
    if (hit && hit.version === this.version) return hit.items as T[];
    const sortedItems = [...items].sort(compare);
    this.sortCache.set(key, { version: this.version, items: sortedItems });
    return sortedItems;
  }

  touch(): void {
    this.version += 1;
  }

  /** A timestamp strictly after `previous` (so an update always moves updatedAt forward). */
  private laterThan(previous: string): string {
    const now = this.now();
    const prev = Date.parse(previous);
    return new Date(Number.isFinite(prev) && prev >= now ? prev + 1000 : now).toISOString();
  }

  /** Adds an order the way a checkout would (updatedAt defaults to now). */
  createOrder(order: Omit<StandinOrder, "updatedAt"> & { updatedAt?: string }): StandinOrder {
    if (this.ordersById.has(order.id)) throw new Error(`order ${order.id} already exists in ${this.shop}`);
    const stored: StandinOrder = { ...order, updatedAt: order.updatedAt ?? this.nowIso() };
    this.data.orders.push(stored);
    this.ordersById.set(stored.id, stored);
    this.touch();
    return stored;
  }

  /** Changes an order (refund, cancellation...) and moves its updatedAt forward, as Shopify does. */
  updateOrder(id: string, patch: Partial<Omit<StandinOrder, "id">>): StandinOrder {
    const order = this.ordersById.get(id);
    if (!order) throw new Error(`order ${id} not found in ${this.shop}`);
    Object.assign(order, patch);
    order.updatedAt = patch.updatedAt ?? this.laterThan(order.updatedAt);
    this.touch();
    return order;
  }

  /** Deletes an order, as a merchant can in Shopify admin (an orders/delete webhook would follow). */
  deleteOrder(id: string): void {
    if (!this.ordersById.delete(id)) throw new Error(`order ${id} not found in ${this.shop}`);
    const at = this.data.orders.findIndex((o) => o.id === id);
    this.data.orders.splice(at, 1);
    this.touch();
  }

  updateCustomerTags(customer: StandinCustomer, tags: string[]): void {
    customer.tags = tags;
    customer.updatedAt = this.laterThan(customer.updatedAt);
    this.touch();
  }

  metafieldsOf(ownerId: string): MetafieldRecord[] {
    return [...(this.metafields.get(ownerId)?.values() ?? [])];
  }

  /** The app-reserved namespace: `$app` -> `app--<id>`, `$app:foo` -> `app--<id>--foo`, omitted -> `app--<id>`. */
  resolveNamespace(namespace: string | null | undefined): string {
    if (namespace === null || namespace === undefined || namespace === "" || namespace === "$app")
      return `app--${APP_ID}`;
    if (namespace.startsWith("$app:")) return `app--${APP_ID}--${namespace.slice(5)}`;
    return namespace;
  }

  subscriptionFor(topicEnum: string): WebhookSubscriptionRecord | undefined {
    return this.webhookSubscriptions.find((s) => s.topic === topicEnum);
  }
}
