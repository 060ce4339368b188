import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, DataTable, EmptyState, Layout, Page, Text } from "@shopify/polaris";
import { useState } from "react";
import db from "../../db.server";
import {
  DATA_REQUEST_DAYS,
  downloadDataRequest,
  listDataRequests,
  type DataRequestRow,
} from "../../models/data-requests.server";
import { requireAdmin } from "../../shopify.server";
import { RouteError } from "../../components/RouteError";
import { useShopFormat } from "../../components/ShopContext";

/**
 * /app/data-requests: the customers/data_request webhooks Shopify sent (a customer asked the store for
 * their data), with their 30-day due date. `?download=<id>` answers the customer's data as a JSON file.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const id = new URL(request.url).searchParams.get("download");
  if (id) {
    const file = await downloadDataRequest(db, shop, id);
    if (!file)
      throw new Response("No such data request in this shop.", {
        status: 404,
        headers: { "Content-Type": "text/plain; charset=utf-8" },
      });
    const number = file.request.customerId.split("/").pop();
    return new Response(JSON.stringify(file, null, 2), {
      headers: {
        "Content-Type": "application/json; charset=utf-8",
        "Content-Disposition": `attachment; filename="churnless-data-request-customer-${number}-${file.generatedAt.slice(0, 10)}.json"`,
        "Cache-Control": "private, no-store",
      },
    });
  }
  return json({ requests: await listDataRequests(db, shop), days: DATA_REQUEST_DAYS });
};

function StatusBadge({ row }: { row: DataRequestRow }) {
  if (row.status === "downloaded") return <Badge tone="success">Downloaded</Badge>;
  if (row.status === "overdue") return <Badge tone="critical">{`Overdue by ${-row.daysLeft} days`}</Badge>;
  return <Badge tone={row.daysLeft <= 7 ? "warning" : "attention"}>{`Due in ${row.daysLeft} days`}</Badge>;
}

/** Downloads through fetch (not a plain link): inside Shopify's admin, App Bridge adds the session token to fetch. */
function DownloadButton({ row, onDone }: { row: DataRequestRow; onDone: (error: string | null) => void }) {
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    try {
      const res = await fetch(`/app/data-requests?download=${encodeURIComponent(row.id)}`);
      if (!res.ok) throw new Error(await res.text());
      const blob = await res.blob();
      const a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download =
        /filename="([^"]+)"/.exec(res.headers.get("Content-Disposition") ?? "")?.[1] ?? "churnless-data-request.json";
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
      onDone(null);
    } catch (error) {
      onDone(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button onClick={download} loading={busy} variant={row.status === "downloaded" ? "plain" : "primary"}>
      {row.status === "downloaded" ? "Download again" : "Download (JSON)"}
    </Button>
  );
}

export default function DataRequests() {
  // The deadline comes through the loader: the component must not read a .server module (client bundle).
  const { requests, days } = useLoaderData<{ requests: DataRequestRow[]; days: number }>();
  const f = useShopFormat();
  const revalidator = useRevalidator();
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const done = (error: string | null) => {
    setDownloadError(error);
    if (!error) revalidator.revalidate();
  };
  const waiting = requests.filter((r) => r.status !== "downloaded");
  const overdue = requests.filter((r) => r.status === "overdue");
  return (
    <Page title="Customer data requests" backAction={{ content: "Settings", url: "/app/settings" }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Text as="p" tone="subdued">
              {`When a customer asks your store for their data, Shopify tells Churnless. Download what Churnless holds about that customer and send it to them within ${days} days of the request. Churnless stores no names, emails or addresses: the file identifies the customer by their Shopify customer number.`}
            </Text>
            {downloadError && <Banner tone="critical" title={`The download failed: ${downloadError}`} />}
            {overdue.length > 0 ? (
              <Banner
                tone="critical"
                title={`${overdue.length} request${overdue.length === 1 ? " is" : "s are"} past the ${days}-day deadline`}
              >
                <p>Download the data and send it to the customer now.</p>
              </Banner>
            ) : waiting.length > 0 ? (
              <Banner tone="warning" title={`${waiting.length} request${waiting.length === 1 ? "" : "s"} to answer`}>
                <p>Download each customer's data and send it to them before its due date.</p>
              </Banner>
            ) : null}
            <Card>
              {requests.length === 0 ? (
                <EmptyState heading="No data requests" image="">
                  <p>Requests appear here when a customer asks your store for their data.</p>
                </EmptyState>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "text", "text", "text"]}
                  headings={["Customer", "Received", "Due", "Status", "Data"]}
                  rows={requests.map((r) => [
                    `Customer #${r.customerNumber}${r.orderIds.length ? ` (${r.orderIds.length} order${r.orderIds.length === 1 ? "" : "s"} named)` : ""}`,
                    f.date(r.receivedAt),
                    f.date(r.dueAt),
                    <StatusBadge key={`s-${r.id}`} row={r} />,
                    <DownloadButton key={`d-${r.id}`} row={r} onDone={done} />,
                  ])}
                />
              )}
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Customer data requests" />;
}
