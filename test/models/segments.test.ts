/** The Segment table: a cluster's rename, per shop, on SQLite and PostgreSQL, as the segments pages read it. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, databaseKinds, type TestDb } from "../helpers/db";
import { renameCluster } from "../../app/models/segments.server";
import { listSegments } from "../../app/routes/app/segment-list.server";
import { getSegment } from "../../app/routes/app.segments.$key/data.server";
import { OTHER, seedAdminShops, SHOP } from "../helpers/app-fixtures";

const kinds = await databaseKinds();

describe.each(kinds)("segments on %s", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedAdminShops(t.db);
  });
  afterAll(async () => t?.cleanup());

  it("renames a cluster for this shop only, and an empty name restores the generated one", async () => {
    await renameCluster(t.db, SHOP, "one-timers", "  Tried us once ");
    expect((await listSegments(t.db, SHOP, "cluster")).find((s) => s.key === "one-timers")?.name).toBe("Tried us once");
    expect((await listSegments(t.db, OTHER)).find((s) => s.key === "one-timers")?.name).toBe("One-timers");
    await renameCluster(t.db, SHOP, "one-timers", "");
    expect((await listSegments(t.db, SHOP, "cluster")).find((s) => s.key === "one-timers")?.name).toBe("One-timers");
    await expect(renameCluster(t.db, SHOP, "nope", "x")).rejects.toThrow(/No cluster "nope"/);
    expect((await getSegment(t.db, SHOP, "rfm:at_risk"))?.size).toBe(2);
    expect(await getSegment(t.db, SHOP, "rfm:nope")).toBeNull();
    expect(await getSegment(t.db, SHOP, "bad filter")).toBeNull();
    await expect(renameCluster(t.db, SHOP, "one-timers", "x".repeat(61))).rejects.toThrow(/at most 60/);
  });
});
