import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import {
  buildClientSchema,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type IntrospectionQuery,
} from "graphql";
import { ADMIN_API_VERSION, adminSchemaFileName } from "../../../app/shopify/api-version";

/**
 * The Admin GraphQL schema the stand-in serves, built from the pinned introspection file
 * (app/shopify/admin-schema/, adminSchemaFileName) once per process and per version.
 */
const cache = new Map<string, GraphQLSchema>();

export function schemaPath(version: string = ADMIN_API_VERSION): string {
  return fileURLToPath(new URL(`../../../app/shopify/admin-schema/${adminSchemaFileName(version)}`, import.meta.url));
}

export function readSchema(version: string = ADMIN_API_VERSION): GraphQLSchema {
  const cached = cache.get(version);
  if (cached) return cached;
  const json = JSON.parse(gunzipSync(readFileSync(schemaPath(version))).toString("utf8")) as {
    data?: IntrospectionQuery;
  } & Partial<IntrospectionQuery>;
  const introspection = (json.data ?? json) as IntrospectionQuery;
  const schema = buildClientSchema(introspection, { assumeValid: true });
  cache.set(version, schema);
  return schema;
}

/** A GraphQL error shaped like Shopify's: message, locations, optional path, extensions.code. */
export interface ShopifyGraphqlError {
  message: string;
  locations?: { line: number; column: number }[];
  path?: (string | number)[];
  extensions?: { code: string; [k: string]: unknown };
}

/**
 * Shopify (graphql-ruby) names its validation errors with codes such as `undefinedField`; graphql-js
 * messages differ, so the stand-in maps the common ones by message and falls back to a generic code.
 */
export function errorCodeFor(message: string): string {
  if (/^Syntax Error/.test(message)) return "parseError";
  if (/^Cannot query field/.test(message)) return "undefinedField";
  if (/^Unknown argument/.test(message)) return "argumentNotAccepted";
  if (/argument .* is required, but it was not provided/.test(message)) return "missingRequiredArguments";
  if (/^Unknown type/.test(message)) return "undefinedType";
  if (/^Variable "\$[^"]+" is never used/.test(message)) return "variableNotUsed";
  if (/^Variable "\$[^"]+" is not defined/.test(message)) return "undefinedVariable";
  if (/^Variable "\$[^"]+" of type .* used in position expecting/.test(message)) return "variableMismatch";
  if (/^Variable "\$[^"]+"/.test(message)) return "INVALID_VARIABLE";
  if (/must have a selection of subfields/.test(message)) return "selectionMismatch";
  if (/must not have a selection since type/.test(message)) return "selectionMismatch";
  if (/cannot represent|Expected value of type|Expected type/.test(message)) return "argumentLiteralsIncompatible";
  if (/^Unknown fragment/.test(message)) return "undefinedFragment";
  if (/^Fragment .* is never used/.test(message)) return "useAndDefineFragment";
  return "GRAPHQL_VALIDATION_FAILED";
}

export function toShopifyError(error: GraphQLError): ShopifyGraphqlError {
  const out: ShopifyGraphqlError = { message: error.message };
  if (error.locations) out.locations = error.locations.map((l) => ({ line: l.line, column: l.column }));
  if (error.path) out.path = [...error.path];
  const code = typeof error.extensions?.code === "string" ? error.extensions.code : errorCodeFor(error.message);
  out.extensions = { ...error.extensions, code };
  return out;
}

export type ValidationResult =
  | { ok: true; document: DocumentNode; errors: [] }
  | { ok: false; document?: DocumentNode; errors: ShopifyGraphqlError[] };

/**
 * Parses and validates a document against the pinned Admin schema (results cached per document
 * text). The sync and publish code's "every document validates" tests reuse this.
 */
const validated = new Map<string, ValidationResult>();
const MAX_CACHED = 500;

export function validateDocument(source: string, version: string = ADMIN_API_VERSION): ValidationResult {
  const cacheKey = `${version}\n${source}`;
  const hit = validated.get(cacheKey);
  if (hit) return hit;
  const result = validateUncached(source, version);
  if (validated.size >= MAX_CACHED) validated.delete(validated.keys().next().value as string);
  validated.set(cacheKey, result);
  return result;
}

function validateUncached(source: string, version: string): ValidationResult {
  let document: DocumentNode;
  try {
    document = parse(source);
  } catch (error) {
    if (error instanceof GraphQLError) return { ok: false, errors: [toShopifyError(error)] };
    throw error;
  }
  const errors = validate(readSchema(version), document);
  if (errors.length > 0) return { ok: false, document, errors: errors.map(toShopifyError) };
  return { ok: true, document, errors: [] };
}
