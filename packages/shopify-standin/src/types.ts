/**
 * The data a fake shop in the local Shopify stand-in holds. The demo-shop generator and the real-data
 * importers produce it; the stand-in serves it through the Admin GraphQL API. Money is a decimal string,
 * as Shopify sends it; dates are ISO-8601 strings; ids are GIDs.
 */
export interface StandinVariant {
  id: string; // gid://shopify/ProductVariant/N
  price: string;
  inventoryQuantity: number;
  sku?: string;
}

export interface StandinProduct {
  id: string; // gid://shopify/Product/N
  handle: string;
  title: string;
  productType: string;
  vendor: string;
  status: "ACTIVE" | "ARCHIVED" | "DRAFT";
  createdAt: string;
  updatedAt: string;
  imageUrl?: string | null;
  variants: StandinVariant[];
}

export interface StandinCustomer {
  id: string; // gid://shopify/Customer/N
  /** Fake, generated names and emails: the stand-in plays Shopify, which has them; the app never stores them. */
  firstName: string;
  lastName: string;
  email: string;
  tags: string[];
  createdAt: string;
  updatedAt: string;
  /** Shopify's own RFM group (CustomerStatistics.rfmGroup), when the generator sets one. */
  rfmGroup?: string | null;
}

export interface StandinLineItem {
  id: string; // gid://shopify/LineItem/N
  productId: string | null;
  variantId: string | null;
  quantity: number;
  currentQuantity: number;
  unitPrice: string; // originalUnitPriceSet.shopMoney.amount
}

export interface StandinOrder {
  id: string; // gid://shopify/Order/N
  name: string; // "#1001"
  customerId: string | null;
  createdAt: string;
  processedAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  test: boolean;
  displayFinancialStatus: "PAID" | "PARTIALLY_REFUNDED" | "REFUNDED" | "PENDING" | "VOIDED";
  currencyCode: string;
  /**
   * The customer's currency when it is not the shop's (multi-currency checkout). Presentment amounts are the
   * shop amounts times `presentmentRate`, rounded to cents, as Shopify converts an order at one rate.
   */
  presentmentCurrencyCode?: string;
  presentmentRate?: number;
  totalPrice: string; // currentTotalPriceSet.shopMoney.amount
  totalRefunded: string; // totalRefundedSet.shopMoney.amount
  lineItems: StandinLineItem[];
}

export interface StandinShopData {
  shop: string; // e.g. "demo-shop.myshopify.com"
  currencyCode: string;
  /** The shop's IANA time zone (Shop.ianaTimezone; default "UTC"). */
  ianaTimezone?: string;
  /** Scopes granted to the app; without read_all_orders only the last 60 days of orders are visible. */
  scopes?: string[];
  products: StandinProduct[];
  customers: StandinCustomer[];
  orders: StandinOrder[];
}

/** How much protected customer data the app was granted (protected.ts applies it): 0 none, 1 without names and contacts, 2 all. */
export type ProtectedDataLevel = 0 | 1 | 2;
