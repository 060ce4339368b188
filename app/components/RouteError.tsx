import { isRouteErrorResponse, Link as RemixLink, useRouteError } from "@remix-run/react";
import { Banner, InlineStack, Layout, Page, Text } from "@shopify/polaris";

/**
 * What the merchant can do about an error, by its kind: a refused address (4xx) is fixed by going back to
 * the list; missing data by a sync; anything else by reloading, then contacting us.
 */
export function adviceFor(status: number, message: string): string {
  if (status >= 400 && status < 500)
    return "Something in the address was not accepted. Go back and choose again from the page, or open the page from the menu.";
  if (/no (orders|analysis|scores|data)|not synced|sync first/i.test(message))
    return "Churnless has no data for this yet: start a sync from the Sync page, then come back.";
  return "Reload the page. If it keeps happening, contact us with the time and this message.";
}

/** The error state of an admin page: what happened in plain words, inside the app's frame, with a way back. */
export function RouteError({ title }: { title: string }) {
  const error = useRouteError();
  // Shopify's authentication answers (401 with retry headers) belong to the app layout's boundary.
  if (isRouteErrorResponse(error) && error.status === 401) throw error;
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const message = isRouteErrorResponse(error)
    ? typeof error.data === "string"
      ? error.data
      : error.statusText || `HTTP ${error.status}`
    : error instanceof Error
      ? error.message
      : "Unknown error";
  return (
    <Page title={title} backAction={{ content: "Dashboard", url: "/app" }}>
      <Layout>
        <Layout.Section>
          <Banner
            tone={notFound ? "warning" : "critical"}
            title={notFound ? "This page does not exist" : "This page could not be shown"}
          >
            <Text as="p">{message}</Text>
            {!notFound && <Text as="p">{adviceFor(status, message)}</Text>}
            <InlineStack gap="300">
              <RemixLink to="/app">Back to the dashboard</RemixLink>
              <RemixLink to="/app/customers">Customers</RemixLink>
              <RemixLink to="/app/segments">Segments</RemixLink>
            </InlineStack>
          </Banner>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
