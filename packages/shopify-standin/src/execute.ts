import { execute, getOperationAST, type DocumentNode, type ExecutionResult } from "graphql";
import type { ExecContext } from "./context";
import { mutationRoot } from "./mutations";
import { queryRoot } from "./resolvers";
import { readSchema } from "./schema";

/** Runs a validated document over the shop's store (query or mutation root picked by the operation). */
export async function executeDocument(
  ctx: ExecContext,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName?: string | null,
): Promise<ExecutionResult> {
  const operation = getOperationAST(document, operationName ?? undefined);
  const rootValue = operation?.operation === "mutation" ? mutationRoot(ctx) : queryRoot(ctx);
  return await execute({
    schema: readSchema(ctx.runtime.apiVersion),
    document,
    rootValue,
    contextValue: ctx,
    variableValues: variables,
    operationName: operationName ?? undefined,
  });
}
