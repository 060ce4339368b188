/** A sync error explained to the merchant with what to do next. */
import { describe, expect, it } from "vitest";
import { explainSyncError } from "../../../app/routes/app.sync/sync-view.server";

describe("sync errors in words", () => {
  it("explains sync errors with what to do", () => {
    expect(explainSyncError("THROTTLED after 6 attempts").title).toMatch(/slow down/);
    expect(explainSyncError("No offline session for x.myshopify.com").action).toMatch(/install it again/);
    expect(explainSyncError("Access denied for customers field").action).toMatch(/permissions/);
    expect(explainSyncError("bulk operation EXPIRED").title).toMatch(/expired/);
    expect(explainSyncError("something odd").title).toMatch(/unexpected/);
  });
});
