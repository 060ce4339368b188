import { isRouteErrorResponse, Link as RemixLink, useRouteError } from "@remix-run/react";
import { Banner, InlineStack, Layout, Page, Text } from "@shopify/polaris";

/** The error state of an admin page: what happened in plain words, inside the app's frame, with a way back. */
export function RouteError({ title }: { title: string }) {
  const error = useRouteError();
  // Shopify's authentication answers (401 with retry headers) belong to the app layout's boundary.
  if (isRouteErrorResponse(error) && error.status === 401) throw error;
  const notFound = isRouteErrorResponse(error) && error.status === 404;
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
            {!notFound && (
              <Text as="p">Reload the page. If it keeps happening, start a sync from the Sync page or contact us.</Text>
            )}
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
