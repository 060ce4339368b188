import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useLocation, useNavigation, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { env } from "../../env.server";
import db from "../../db.server";
import { requireAdmin } from "../../shopify.server";
import { loadShopLocale } from "./shop-locale.server";
import { PageSkeleton } from "../../components/PageSkeleton";
import { ShopLocaleProvider } from "../../components/ShopContext";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, demo, admin } = await requireAdmin(request);
  const locale = await loadShopLocale(db, shop, admin);
  return json({ apiKey: env().SHOPIFY_API_KEY ?? "", demo, shop, locale });
};

const NAV = [
  { to: "/app", label: "Dashboard", rel: "home" },
  { to: "/app/segments", label: "Segments" },
  { to: "/app/customers", label: "Customers" },
  { to: "/app/results", label: "Results" },
  { to: "/app/uplift", label: "Control groups" },
  { to: "/app/sync", label: "Sync" },
  { to: "/app/settings", label: "Settings" },
  { to: "/app/data-requests", label: "Data requests" },
];

/** Outside Shopify's admin (demo mode) there is no App Bridge navigation: show our own. */
function DemoNav({ shop }: { shop: string }) {
  const { pathname } = useLocation();
  const current = (to: string) =>
    to === "/app" ? pathname === "/app" || pathname === "/app/" : pathname.startsWith(to);
  return (
    <nav
      aria-label="Churnless"
      style={{
        display: "flex",
        flexWrap: "wrap",
        gap: 4,
        alignItems: "center",
        padding: "8px 12px",
        background: "#1a1a1a",
        color: "#fff",
        fontSize: 14,
      }}
    >
      <strong style={{ marginRight: 12 }}>Churnless</strong>
      {NAV.map((item) => (
        <Link
          key={item.to}
          to={item.to}
          aria-current={current(item.to) ? "page" : undefined}
          style={{
            color: "#fff",
            padding: "4px 8px",
            borderRadius: 6,
            textDecoration: "none",
            background: current(item.to) ? "#4a4a4a" : "transparent",
          }}
        >
          {item.label}
        </Link>
      ))}
      <span style={{ marginLeft: "auto", opacity: 0.75, fontSize: 12 }}>Demo: {shop}</span>
    </nav>
  );
}

export default function App() {
  const { apiKey, demo, shop, locale } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const { pathname } = useLocation();
  // Moving to another page: its skeleton until its data arrives (same-page reloads keep the page).
  const switching = navigation.state === "loading" && navigation.location.pathname !== pathname;
  return (
    <AppProvider isEmbeddedApp={!demo} apiKey={apiKey}>
      {demo ? (
        <DemoNav shop={shop} />
      ) : (
        <NavMenu>
          {NAV.map((item) => (
            <Link key={item.to} to={item.to} rel={item.rel}>
              {item.label}
            </Link>
          ))}
        </NavMenu>
      )}
      <ShopLocaleProvider value={locale}>{switching ? <PageSkeleton /> : <Outlet />}</ShopLocaleProvider>
    </AppProvider>
  );
}

// Shopify needs Remix to catch some thrown responses, so that their headers are included in the response.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
