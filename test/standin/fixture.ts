import type { StandinShopData } from "./types";

/**
 * A tiny hand-made shop for the stand-in's own tests: 2 products, 3 customers, 4 orders (one guest
 * order, one order 200 days old, one cancelled). Dates are relative to `now` so the 60-day window is
 * checkable.
 */
export function tinyShop(shop = "tiny-shop.myshopify.com", now = Date.now()): StandinShopData {
  const day = 86_400_000;
  const at = (daysAgo: number): string => new Date(now - daysAgo * day).toISOString();
  return {
    shop,
    currencyCode: "EUR",
    products: [
      {
        id: "gid://shopify/Product/101",
        handle: "coffee-beans",
        title: "Coffee beans",
        productType: "Coffee",
        vendor: "Roastery",
        status: "ACTIVE",
        createdAt: at(400),
        updatedAt: at(30),
        imageUrl: "https://cdn.example.test/coffee.jpg",
        variants: [
          { id: "gid://shopify/ProductVariant/1011", price: "12.50", inventoryQuantity: 40, sku: "BEANS-1" },
          { id: "gid://shopify/ProductVariant/1012", price: "22.00", inventoryQuantity: 5, sku: "BEANS-2" },
        ],
      },
      {
        id: "gid://shopify/Product/102",
        handle: "grinder",
        title: "Grinder",
        productType: "Equipment",
        vendor: "Millworks",
        status: "ACTIVE",
        createdAt: at(400),
        updatedAt: at(10),
        imageUrl: null,
        variants: [{ id: "gid://shopify/ProductVariant/1021", price: "89.00", inventoryQuantity: 3 }],
      },
    ],
    customers: [
      { id: "gid://shopify/Customer/201", firstName: "Ada", lastName: "Fake", email: "ada@example.test", tags: ["vip"], createdAt: at(300), updatedAt: at(5), rfmGroup: "CHAMPIONS" },
      { id: "gid://shopify/Customer/202", firstName: "Ben", lastName: "Fake", email: "ben@example.test", tags: [], createdAt: at(250), updatedAt: at(100), rfmGroup: null },
      { id: "gid://shopify/Customer/203", firstName: "Cy", lastName: "Fake", email: "cy@example.test", tags: ["wholesale"], createdAt: at(20), updatedAt: at(20) },
    ],
    orders: [
      {
        id: "gid://shopify/Order/301",
        name: "#1001",
        customerId: "gid://shopify/Customer/201",
        createdAt: at(200),
        processedAt: at(200),
        updatedAt: at(199),
        cancelledAt: null,
        test: false,
        displayFinancialStatus: "PAID",
        currencyCode: "EUR",
        totalPrice: "114.00",
        totalRefunded: "0.00",
        lineItems: [
          { id: "gid://shopify/LineItem/401", productId: "gid://shopify/Product/101", variantId: "gid://shopify/ProductVariant/1011", quantity: 2, currentQuantity: 2, unitPrice: "12.50" },
          { id: "gid://shopify/LineItem/402", productId: "gid://shopify/Product/102", variantId: "gid://shopify/ProductVariant/1021", quantity: 1, currentQuantity: 1, unitPrice: "89.00" },
        ],
      },
      {
        id: "gid://shopify/Order/302",
        name: "#1002",
        customerId: "gid://shopify/Customer/201",
        createdAt: at(30),
        processedAt: at(30),
        updatedAt: at(3),
        cancelledAt: null,
        test: false,
        displayFinancialStatus: "PARTIALLY_REFUNDED",
        currencyCode: "EUR",
        totalPrice: "22.00",
        totalRefunded: "11.00",
        lineItems: [
          { id: "gid://shopify/LineItem/403", productId: "gid://shopify/Product/101", variantId: "gid://shopify/ProductVariant/1012", quantity: 2, currentQuantity: 1, unitPrice: "11.00" },
        ],
      },
      {
        id: "gid://shopify/Order/303",
        name: "#1003",
        customerId: null,
        createdAt: at(12),
        processedAt: at(12),
        updatedAt: at(12),
        cancelledAt: null,
        test: false,
        displayFinancialStatus: "PAID",
        currencyCode: "EUR",
        totalPrice: "12.50",
        totalRefunded: "0.00",
        lineItems: [
          { id: "gid://shopify/LineItem/404", productId: "gid://shopify/Product/101", variantId: "gid://shopify/ProductVariant/1011", quantity: 1, currentQuantity: 1, unitPrice: "12.50" },
        ],
      },
      {
        id: "gid://shopify/Order/304",
        name: "#1004",
        customerId: "gid://shopify/Customer/203",
        createdAt: at(8),
        processedAt: at(8),
        updatedAt: at(7),
        cancelledAt: at(7),
        test: false,
        displayFinancialStatus: "VOIDED",
        currencyCode: "EUR",
        totalPrice: "89.00",
        totalRefunded: "0.00",
        lineItems: [
          { id: "gid://shopify/LineItem/405", productId: "gid://shopify/Product/102", variantId: "gid://shopify/ProductVariant/1021", quantity: 1, currentQuantity: 0, unitPrice: "89.00" },
        ],
      },
    ],
  };
}
