import { PassThrough } from "node:stream";
import { renderToPipeableStream } from "react-dom/server";
import { RemixServer } from "@remix-run/react";
import { createReadableStreamFromReadable, type EntryContext } from "@remix-run/node";
import { isbot } from "isbot";
import { addDocumentResponseHeaders } from "./shopify.server";
import { checkAtStart } from "./startup.server";
import { restoreSchedulesOnce } from "./jobs/runtime/schedules.server";

// npm start: the configuration (above, on import) and the database are checked as the server starts;
// a problem is one line on stderr and exit status 1 (app/startup.server.ts).
// Then the daily prune of old storefront events, webhook ids and finished tag changes (docs/deploying.md, "Data the app keeps").
void checkAtStart("web")
  .then(async () => {
    const [{ default: db }, { startRetentionSchedule }] = await Promise.all([
      import("./db.server"),
      import("./models/rec-events.server"),
    ]);
    startRetentionSchedule(db);
  })
  .catch((error: unknown) => console.error((error as Error).message));
// In-process refresh timers die with the process: every installed shop's schedule is set again at start.
if (!process.env.VITEST) void restoreSchedulesOnce();

export const streamTimeout = 5000;

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  addDocumentResponseHeaders(request, responseHeaders);
  const userAgent = request.headers.get("user-agent");
  const callbackName = isbot(userAgent ?? "") ? "onAllReady" : "onShellReady";

  return new Promise((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} />, {
      [callbackName]: () => {
        const body = new PassThrough();
        const stream = createReadableStreamFromReadable(body);
        responseHeaders.set("Content-Type", "text/html");
        resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
        pipe(body);
      },
      onShellError(error) {
        reject(error);
      },
      onError(error) {
        responseStatusCode = 500;
        console.error(error);
      },
    });
    // Abort the render after the stream timeout so a hung loader cannot keep the response open.
    setTimeout(abort, streamTimeout + 1000);
  });
}
