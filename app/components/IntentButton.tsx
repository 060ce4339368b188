import { Form, useNavigation } from "@remix-run/react";
import { Button, type ButtonProps } from "@shopify/polaris";

/** True while a form whose field `name` is `value` is being submitted (for a button's spinner). */
export function useSubmitting(name: string, value: string): boolean {
  const nav = useNavigation();
  return nav.state !== "idle" && nav.formData?.get(name) === value;
}

export interface IntentButtonProps extends Pick<ButtonProps, "variant" | "tone" | "disabled"> {
  /** Sent as the form's `intent` field: the route's action tells its buttons apart by it. */
  intent: string;
  /** A question the merchant confirms before the form is sent. */
  confirm?: string;
  children: ButtonProps["children"];
}

/** A one-button POST form to the page's action; the button spins while its intent is submitted. */
export function IntentButton({ intent, confirm, children, ...button }: IntentButtonProps) {
  const busy = useSubmitting("intent", intent);
  return (
    <Form
      method="post"
      onSubmit={
        confirm
          ? (e) => {
              if (!window.confirm(confirm)) e.preventDefault();
            }
          : undefined
      }
    >
      <input type="hidden" name="intent" value={intent} />
      <Button submit loading={busy} {...button}>
        {children}
      </Button>
    </Form>
  );
}
