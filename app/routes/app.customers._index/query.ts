/**
 * The customer list's URL parameters (filters, sort, page, search) as one zod schema. A value the list
 * cannot use is dropped, with a message for its field, and the page is shown with the rest: a hostile or
 * mistyped address never replaces the page with an error.
 */
import { z } from "zod";
import {
  DEFAULT_SORT,
  MAX_SEARCH_LENGTH,
  RISK_BANDS,
  SORT_KEYS,
  type CustomerQuery,
} from "../app/customer-list.server";

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

const amount = (what: string) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ invalid_type_error: `${what} must be a number` })
      .finite(`${what} must be a number`)
      .optional(),
  );

export const CustomerQuerySchema = z
  .object({
    page: z.preprocess(
      blankToUndefined,
      z.coerce
        .number({ invalid_type_error: "The page must be a whole number from 1" })
        .int("The page must be a whole number from 1")
        .min(1, "The page must be a whole number from 1")
        .default(1),
    ),
    sort: z.preprocess(
      blankToUndefined,
      z
        .enum(SORT_KEYS, { errorMap: () => ({ message: `Sort by one of: ${SORT_KEYS.join(", ")}` }) })
        .default(DEFAULT_SORT),
    ),
    direction: z.preprocess(
      blankToUndefined,
      z.enum(["asc", "desc"], { errorMap: () => ({ message: "The sort direction is asc or desc" }) }).default("desc"),
    ),
    risk: z.preprocess(
      blankToUndefined,
      z.enum(RISK_BANDS, { errorMap: () => ({ message: "The risk band is low, medium or high" }) }).optional(),
    ),
    segment: z.preprocess(
      blankToUndefined,
      z
        .string()
        .max(200, "That segment does not exist")
        .regex(/^(rfm|cluster):[\w.-]+$/, "That segment does not exist")
        .optional(),
    ),
    clvMin: amount("The lowest predicted value"),
    clvMax: amount("The highest predicted value"),
    q: z.preprocess(
      (v) => (typeof v === "string" ? v.trim() || undefined : v),
      z
        .string()
        .max(MAX_SEARCH_LENGTH, `Search for at most ${MAX_SEARCH_LENGTH} characters: a name, an email or a number`)
        .optional(),
    ),
  })
  .refine((q) => q.clvMin === undefined || q.clvMax === undefined || q.clvMin <= q.clvMax, {
    message: "The lowest predicted value is above the highest",
    path: ["clvMax"],
  });

export const CUSTOMER_QUERY_FIELDS = ["page", "sort", "direction", "risk", "segment", "clvMin", "clvMax", "q"] as const;
export type CustomerQueryField = (typeof CUSTOMER_QUERY_FIELDS)[number];

export interface CustomerQueryReading {
  query: CustomerQuery;
  /** A message per field whose value was dropped (the list is shown without it). */
  errors: Partial<Record<CustomerQueryField, string>>;
}

/** The list's query from the URL: what is valid is kept, each invalid field dropped with its message. */
export function readCustomerQuery(params: URLSearchParams): CustomerQueryReading {
  const raw: Record<string, string> = {};
  for (const field of CUSTOMER_QUERY_FIELDS) {
    const v = params.get(field);
    if (v !== null) raw[field] = v;
  }
  const errors: CustomerQueryReading["errors"] = {};
  for (let attempt = 0; attempt <= CUSTOMER_QUERY_FIELDS.length; attempt++) {
    const parsed = CustomerQuerySchema.safeParse(raw);
    if (parsed.success) {
      const { q, ...rest } = parsed.data;
      return { query: { ...rest, ...(q ? { q } : {}) }, errors };
    }
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? "q") as CustomerQueryField;
      errors[field] ??= issue.message;
      delete raw[field];
    }
  }
  return { query: { page: 1, sort: DEFAULT_SORT, direction: "desc" }, errors };
}
