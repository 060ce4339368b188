import { createHash, createHmac } from "node:crypto";

/**
 * Shopify Flow as the app sees it (shopify.dev "Track Flow lifecycle events", "Flow trigger reference"):
 * - a merchant enables or disables a workflow that uses one of the app's triggers: Flow POSTs the trigger
 *   lifecycle callback to the app's callback url (JSON `flow_trigger_definition_id`, `has_enabled_flow`,
 *   `shop_id`, `shopify_domain`, `timestamp`; X-Shopify-Hmac-SHA256 = base64 HMAC-SHA256 of the body with
 *   the app's secret). Enabling needs a prompt 2xx: otherwise the workflow stays off.
 * - `flowTriggerReceive` for a trigger no enabled workflow uses is accepted (no userErrors) and starts
 *   nothing; with an enabled workflow it starts a run. Both are recorded here, so a test sees calls the
 *   app sent for nothing.
 */

export interface FlowReceipt {
  shop: string;
  handle: string;
  /** Whether an enabled workflow used the trigger (a run started). */
  workflowRan: boolean;
  at: string;
}

export interface LifecycleCallbackResult {
  status: number;
  body: string;
  /** The workflow's state after the callback. */
  enabled: boolean;
}

export class StandinFlow {
  private readonly workflows = new Map<string, Map<string, boolean>>();
  readonly receipts: FlowReceipt[] = [];
  readonly callbacks: Array<{ shop: string; handle: string; enabled: boolean; status: number; at: string }> = [];

  constructor(
    private readonly secret: string,
    private readonly defaultTarget: () => string | undefined,
  ) {}

  enabled(shop: string, handle: string): boolean {
    return this.workflows.get(shop)?.get(handle) ?? false;
  }

  /** Called by flowTriggerReceive once the call is accepted. */
  received(shop: string, handle: string, at: string): void {
    this.receipts.push({ shop, handle, workflowRan: this.enabled(shop, handle), at });
  }

  /** Receipts of a shop that started no workflow (the app fired a trigger nobody uses). */
  unused(shop: string): FlowReceipt[] {
    return this.receipts.filter((r) => r.shop === shop && !r.workflowRan);
  }

  /**
   * The merchant turns a workflow using `handle` on or off: the lifecycle callback goes to the app. Turning
   * it on only sticks when the app answers 2xx in time. `definitionId` is what Flow sends as
   * flow_trigger_definition_id (default: the handle; Shopify's reference example shows a trigger title).
   */
  async setWorkflow(
    shop: string,
    handle: string,
    enabled: boolean,
    opts: { target?: string; definitionId?: string; timestamp?: string; forged?: boolean } = {},
  ): Promise<LifecycleCallbackResult> {
    const target = opts.target ?? this.defaultTarget();
    if (!target) throw new Error("standin: no Flow lifecycle callback url (flowLifecycleUrl or webhookTarget)");
    const timestamp = opts.timestamp ?? new Date().toISOString();
    const body = JSON.stringify({
      flow_trigger_definition_id: opts.definitionId ?? handle,
      has_enabled_flow: enabled,
      shop_id: Number.parseInt(createHash("sha256").update(shop).digest("hex").slice(0, 8), 16),
      shopify_domain: shop,
      timestamp,
    });
    const hmac = createHmac("sha256", opts.forged ? `forged:${this.secret}` : this.secret)
      .update(body, "utf8")
      .digest("base64");
    let status = 0;
    let text = "";
    try {
      const res = await fetch(target, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Shopify-Hmac-SHA256": hmac },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      status = res.status;
      text = await res.text();
    } catch (error) {
      text = String(error);
    }
    const ok = status >= 200 && status < 300;
    // Enabling needs the app's 2xx; disabling happens in Flow whatever the app answers.
    const now = enabled ? ok : false;
    if (!enabled || ok) {
      let byHandle = this.workflows.get(shop);
      if (!byHandle) this.workflows.set(shop, (byHandle = new Map()));
      byHandle.set(handle, now);
    }
    this.callbacks.push({ shop, handle, enabled: this.enabled(shop, handle), status, at: timestamp });
    return { status, body: text, enabled: this.enabled(shop, handle) };
  }
}
