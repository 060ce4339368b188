import {
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
} from "@remix-run/react";
import type { ReactNode } from "react";

function Document({ children, title = "Churnless" }: { children: ReactNode; title?: string }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <title>{title}</title>
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return (
    <Document>
      <Outlet />
    </Document>
  );
}

/** An address outside every route (e.g. /nope), or an error above the app's layout: a way back into the app. */
export function ErrorBoundary() {
  const error = useRouteError();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  return (
    <Document title={notFound ? "Page not found · Churnless" : "Error · Churnless"}>
      <main style={{ fontFamily: "system-ui, sans-serif", maxWidth: 560, margin: "48px auto", padding: "0 16px" }}>
        <h1 style={{ fontSize: 20 }}>{notFound ? "This page does not exist" : "This page could not be shown"}</h1>
        <p>
          {notFound
            ? "There is no Churnless page at this address."
            : "Reload the page. If it keeps happening, contact us with the time of this error."}
        </p>
        <p>
          <Link to="/app">Back to the Churnless dashboard</Link>
        </p>
      </main>
    </Document>
  );
}
