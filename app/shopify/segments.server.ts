/**
 * Shopify customer segments kept in step with the app's segments: one per RFM segment, cluster and risk
 * band, defined by a query on the app's tag (segment query language: `customer_tags CONTAINS '<tag>'`).
 * Created when missing, renamed when the merchant renames the app segment, deleted when the app segment
 * disappears (inactive), its tag kind is switched off, or on undo. The Shopify id lives in
 * Segment.shopifySegmentId, and every id the app creates is also recorded in AppShopifySegment: only
 * segments whose ids the app recorded are ever deleted, never one the merchant made, whatever its name or
 * query. This file only talks to the Admin API; app/jobs/publish/segments.server.ts reads the rows and
 * app/models/shopify-segments.server.ts records the ids.
 */
import { appTag, type TagKind, type TagSettings } from "./tags";
import type { AdminGraphql, UserError } from "./types";

/** Every Shopify segment the app creates is named `Churnless <kind>: <name>`. */
export const SEGMENT_NAME_PREFIX = "Churnless";

/** The tag kinds that have app segments (other kinds, e.g. a holdout tag, have no Shopify segment). */
type SegmentTagKind = Extract<TagKind, "segment" | "cluster" | "risk">;

const KIND_LABEL: Record<SegmentTagKind, string> = { segment: "segment", cluster: "cluster", risk: "risk" };

/** App Segment.kind -> the tag kind its customers carry. */
export function tagKindOf(segmentKind: string): SegmentTagKind | null {
  switch (segmentKind) {
    case "rfm":
      return "segment";
    case "cluster":
      return "cluster";
    case "risk":
      return "risk";
    default:
      return null;
  }
}

function kindEnabled(kind: SegmentTagKind, settings: TagSettings): boolean {
  return kind === "segment" ? settings.tagSegments : kind === "cluster" ? settings.tagClusters : settings.tagRisk;
}

export function shopifySegmentName(kind: SegmentTagKind, name: string): string {
  return `${SEGMENT_NAME_PREFIX} ${KIND_LABEL[kind]}: ${name}`.slice(0, 255);
}

/** The segment query for customers carrying `tag` (our tags never contain quotes). */
export function segmentQuery(tag: string): string {
  return `customer_tags CONTAINS '${tag.replace(/'/g, "")}'`;
}

/**
 * A segment with a control group on leaves held-out customers out of the Shopify segment the
 * merchant's campaigns use: `... AND customer_tags NOT CONTAINS '<prefix>:holdout'`.
 */
export function withoutHoldout(query: string, prefix: string): string {
  return `${query} AND customer_tags NOT CONTAINS '${appTag(prefix, "holdout")}'`;
}

const SEGMENTS_PAGE = `#graphql
  query appSegments($after: String) {
    segments(first: 250, after: $after) {
      nodes { id name query }
      pageInfo { hasNextPage endCursor }
    }
  }`;

const SEGMENT_CREATE = `#graphql
  mutation segmentCreate($name: String!, $query: String!) {
    segmentCreate(name: $name, query: $query) { segment { id name query } userErrors { field message } }
  }`;

const SEGMENT_UPDATE = `#graphql
  mutation segmentUpdate($id: ID!, $name: String, $query: String) {
    segmentUpdate(id: $id, name: $name, query: $query) { segment { id name query } userErrors { field message } }
  }`;

const SEGMENT_DELETE = `#graphql
  mutation segmentDelete($id: ID!) {
    segmentDelete(id: $id) { deletedSegmentId userErrors { field message } }
  }`;

interface ShopifySegment {
  id: string;
  name: string;
  query: string;
}

export interface SegmentSyncReport {
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  errors: string[];
}

async function listSegments(admin: AdminGraphql): Promise<Map<string, ShopifySegment>> {
  const out = new Map<string, ShopifySegment>();
  let after: string | null = null;
  for (;;) {
    const data: {
      segments: { nodes: ShopifySegment[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    } = await admin.request(SEGMENTS_PAGE, { after });
    for (const s of data.segments.nodes) out.set(s.id, s);
    if (!data.segments.pageInfo.hasNextPage || !data.segments.pageInfo.endCursor) return out;
    after = data.segments.pageInfo.endCursor;
  }
}

/** An app segment as the reconciliation needs it (a Segment row). */
export interface AppSegmentRow {
  id: string;
  kind: string;
  key: string;
  name: string;
  customName: string | null;
  active: boolean;
  shopifySegmentId: string | null;
}

/**
 * Where the reconciliation records what it changed, as it goes (so a crash half-way leaves every created
 * segment's id recorded): implemented on the database by app/models/shopify-segments.server.ts.
 */
export interface SegmentStore {
  /** An id the app created was deleted in Shopify: forget it. */
  forgetCreated(shopifySegmentId: string): Promise<void>;
  /** Shopify created this segment for the app: record its id. */
  recordCreated(shopifySegmentId: string): Promise<void>;
  /** Points the app segment at its Shopify segment (or at none). */
  linkRow(rowId: string, shopifySegmentId: string | null): Promise<void>;
  /** Recorded ids Shopify no longer has. */
  forgetGone(shopifySegmentIds: string[]): Promise<void>;
}

/**
 * Brings the shop's Shopify segments in line with the app's Segment rows. With `removeAll`, deletes every
 * Shopify segment the app made. Also deletes orphans: segments the app created (their ids are recorded)
 * that no app segment points at any more (e.g. a row deleted by a re-analysis).
 */
export async function reconcileSegments(
  admin: AdminGraphql,
  rows: readonly AppSegmentRow[],
  /** The ids the app recorded when it created them (AppShopifySegment). */
  recordedIds: Iterable<string>,
  settings: TagSettings,
  store: SegmentStore,
  options: { removeAll?: boolean; holdoutSegments?: ReadonlySet<string> } = {},
): Promise<SegmentSyncReport> {
  const report: SegmentSyncReport = { created: 0, updated: 0, deleted: 0, unchanged: 0, errors: [] };
  const existing = await listSegments(admin);
  const referenced = new Set<string>();
  // Rows from before AppShopifySegment count as recorded too.
  const recorded = new Set(recordedIds);
  for (const row of rows) if (row.shopifySegmentId) recorded.add(row.shopifySegmentId);

  const remove = async (id: string): Promise<boolean> => {
    if (!recorded.has(id)) throw new Error(`segmentDelete ${id}: not a segment the app created; refusing to delete it`);
    const data = await admin.request<{ segmentDelete: { deletedSegmentId: string | null; userErrors: UserError[] } }>(
      SEGMENT_DELETE,
      { id },
    );
    const errs = data.segmentDelete.userErrors;
    if (errs.length && !/not (be )?found|does not exist/i.test(errs.map((e) => e.message).join(" "))) {
      report.errors.push(`segmentDelete ${id}: ${errs.map((e) => e.message).join("; ")}`);
      return false;
    }
    report.deleted++;
    existing.delete(id);
    recorded.delete(id);
    await store.forgetCreated(id);
    return true;
  };

  for (const row of rows) {
    const kind = tagKindOf(row.kind);
    if (!kind) continue;
    const wanted = !options.removeAll && row.active && kindEnabled(kind, settings);
    const current = row.shopifySegmentId ? existing.get(row.shopifySegmentId) : undefined;
    if (!wanted) {
      if (row.shopifySegmentId) {
        if (current && !(await remove(current.id))) {
          referenced.add(current.id);
          continue;
        }
        await store.linkRow(row.id, null);
      }
      continue;
    }
    const name = shopifySegmentName(kind, row.customName?.trim() || row.name);
    let query = segmentQuery(appTag(settings.tagPrefix, kind, row.key));
    if (options.holdoutSegments?.has(`${row.kind}:${row.key}`)) query = withoutHoldout(query, settings.tagPrefix);
    if (current) {
      referenced.add(current.id);
      if (current.name === name && current.query === query) {
        report.unchanged++;
        continue;
      }
      const data = await admin.request<{ segmentUpdate: { segment: ShopifySegment | null; userErrors: UserError[] } }>(
        SEGMENT_UPDATE,
        { id: current.id, name, query },
      );
      if (data.segmentUpdate.userErrors.length)
        report.errors.push(
          `segmentUpdate "${name}": ${data.segmentUpdate.userErrors.map((e) => e.message).join("; ")}`,
        );
      else report.updated++;
      continue;
    }
    // Missing (never created, or deleted in Shopify): create it.
    let created: ShopifySegment | null = null;
    for (const candidate of [name, `${name} (${row.key})`]) {
      const data = await admin.request<{ segmentCreate: { segment: ShopifySegment | null; userErrors: UserError[] } }>(
        SEGMENT_CREATE,
        { name: candidate, query },
      );
      const errs = data.segmentCreate.userErrors;
      if (!errs.length && data.segmentCreate.segment) {
        created = data.segmentCreate.segment;
        break;
      }
      const message = errs.map((e) => e.message).join("; ");
      if (!/taken|already exists|unique/i.test(message)) {
        report.errors.push(`segmentCreate "${candidate}": ${message || "no segment returned"}`);
        break;
      }
    }
    if (created) {
      await store.recordCreated(created.id);
      recorded.add(created.id);
      referenced.add(created.id);
      existing.set(created.id, created);
      report.created++;
      await store.linkRow(row.id, created.id);
    }
  }

  // Orphans: segments the app created (recorded ids) that no row points at any more.
  for (const seg of [...existing.values()]) {
    if (!referenced.has(seg.id) && recorded.has(seg.id)) await remove(seg.id);
  }
  // Recorded ids Shopify no longer has (deleted there) are forgotten.
  const gone = [...recorded].filter((id) => !existing.has(id) && !referenced.has(id));
  if (gone.length) await store.forgetGone(gone);
  return report;
}
