import { useState } from "react";

/**
 * The list's CSV export for the filters in the address (the page is dropped): fetched (not a plain link,
 * so App Bridge adds the session token inside Shopify's admin) and handed to the browser as a download.
 */
export function useCsvExport(params: URLSearchParams) {
  const exportUrl = (() => {
    const p = new URLSearchParams(params);
    p.delete("page");
    return `/app/customers/export?${p.toString()}`;
  })();
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  const download = async () => {
    // fetch (not a plain link): inside Shopify's admin, App Bridge adds the session token to fetch.
    setExporting(true);
    setExportError(null);
    try {
      const res = await fetch(exportUrl);
      if (!res.ok) throw new Error(await res.text());
      const blob = await res.blob();
      const a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download =
        /filename="([^"]+)"/.exec(res.headers.get("Content-Disposition") ?? "")?.[1] ?? "churnless-customers.csv";
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    } catch (error) {
      setExportError(error instanceof Error ? error.message : String(error));
    } finally {
      setExporting(false);
    }
  };
  return { exporting, exportError, download };
}
