/**
 * Loader-side helpers shared by the admin routes (app/routes/app.*): what several loaders read or check
 * the same way, so each route keeps to its own data.
 */
import { InvalidQueryError, parseCustomerQuery, type CustomerQuery } from "./customer-list.server";

/**
 * Runs `read` and turns an InvalidQueryError (a bad filter, sort, page or id in the URL) into a thrown
 * 400 response whose body is the error's message in plain text; other errors pass through.
 */
export async function badRequestOnInvalidQuery<T>(read: () => T | Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof InvalidQueryError)
      throw new Response(error.message, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    throw error;
  }
}

/** The customer-table query (filters, sort, page) of the request's URL; a 400 response when it is invalid. */
export function customerQueryFrom(request: Request): Promise<CustomerQuery> {
  return badRequestOnInvalidQuery(() => parseCustomerQuery(new URL(request.url).searchParams));
}
