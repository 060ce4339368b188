import type { SerializeFrom } from "@remix-run/node";
import type { getDashboard } from "./data.server";

/** The dashboard's data as the page receives it (JSON). */
export type DashboardData = SerializeFrom<Awaited<ReturnType<typeof getDashboard>>>;
