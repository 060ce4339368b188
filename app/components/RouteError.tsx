import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { Banner, Layout, Page, Text } from "@shopify/polaris";

/** The error state of an admin page: what happened in plain words, inside the app's frame. */
export function RouteError({ title }: { title: string }) {
  const error = useRouteError();
  // Shopify's authentication answers (401 with retry headers) belong to the app layout's boundary.
  if (isRouteErrorResponse(error) && error.status === 401) throw error;
  const message = isRouteErrorResponse(error)
    ? typeof error.data === "string"
      ? error.data
      : error.statusText || `HTTP ${error.status}`
    : error instanceof Error
      ? error.message
      : "Unknown error";
  return (
    <Page title={title}>
      <Layout>
        <Layout.Section>
          <Banner tone="critical" title="This page could not be shown">
            <Text as="p">{message}</Text>
            <Text as="p">Reload the page. If it keeps happening, start a sync from the Sync page or contact us.</Text>
          </Banner>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
