import type { Standin } from "./server";

/** A raw Admin GraphQL call against the stand-in, returning HTTP status and parsed body. */
export async function gql(
  standin: Standin,
  shop: string,
  query: string,
  variables?: Record<string, unknown>,
  token: string = standin.tokenFor(shop),
): Promise<{ status: number; body: GqlAnswer }> {
  const res = await fetch(standin.graphqlUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  let body: GqlAnswer;
  try {
    body = JSON.parse(text) as GqlAnswer;
  } catch {
    body = { raw: text };
  }
  return { status: res.status, body };
}

export interface GqlAnswer {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test answers are walked by path
  data?: any;
  errors?:
    | { message: string; locations?: { line: number; column: number }[]; extensions?: Record<string, unknown> }[]
    | string;
  extensions?: {
    cost: {
      requestedQueryCost: number;
      actualQueryCost: number | null;
      throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
    };
  };
  raw?: string;
}

/** The first GraphQL error of an answer (message and extensions.code). */
export function firstError(body: GqlAnswer): { message: string; code: unknown } {
  if (!Array.isArray(body.errors) || body.errors.length === 0) throw new Error(`no errors in ${JSON.stringify(body)}`);
  return { message: body.errors[0].message, code: body.errors[0].extensions?.code };
}

/** Polls bulkOperation(id) until it reaches a final status. */
export async function waitForBulk(
  standin: Standin,
  shop: string,
  id: string,
  timeoutMs = 10_000,
): Promise<Record<string, string | null>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await gql(
      standin,
      shop,
      `query($id: ID!) { bulkOperation(id: $id) { id status errorCode objectCount rootObjectCount fileSize url partialDataUrl completedAt } }`,
      { id },
    );
    const op = body.data?.bulkOperation as Record<string, string | null>;
    if (["COMPLETED", "FAILED", "CANCELED", "EXPIRED"].includes(String(op.status))) return op;
    if (Date.now() > deadline) throw new Error(`bulk operation ${id} still ${op.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
