import type { LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { isDemoMode, login } from "../../shopify.server";
import styles from "./styles.module.css";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (isDemoMode()) throw redirect("/app");
  if (url.searchParams.get("shop")) throw redirect(`/app?${url.searchParams.toString()}`);
  return json({ showForm: Boolean(login) });
};

export default function Landing() {
  const { showForm } = useLoaderData<typeof loader>();
  return (
    <div className={styles.index}>
      <div className={styles.content}>
        <h1 className={styles.heading}>Churnless: keep the customers you already have</h1>
        <p className={styles.text}>
          See who is about to stop buying, what each customer is worth, and what to do about it, right in your Shopify
          admin.
        </p>
        {showForm && (
          <Form className={styles.form} method="post" action="/auth/login">
            <label className={styles.label}>
              <span>Shop domain</span>
              <input className={styles.input} type="text" name="shop" />
              <span>e.g: my-shop-domain.myshopify.com</span>
            </label>
            <button className={styles.button} type="submit">
              Log in
            </button>
          </Form>
        )}
        <ul className={styles.list}>
          <li>
            <strong>Churn risk for every customer</strong>. A purchase-and-dropout model scores each customer, with the
            reasons in plain words.
          </li>
          <li>
            <strong>Segments you can act on</strong>. RFM segments and clusters become customer tags and Shopify
            segments for your campaigns.
          </li>
          <li>
            <strong>Recommendations</strong>. What each customer is likely to buy next, on your storefront.
          </li>
        </ul>
      </div>
    </div>
  );
}
