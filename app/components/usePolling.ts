import { useEffect } from "react";
import { useRevalidator } from "@remix-run/react";

/** Reloads the route's data every `ms` while `active` (e.g. a sync is running). */
export function usePolling(active: boolean, ms = 2000) {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle" && document.visibilityState !== "hidden") revalidator.revalidate();
    }, ms);
    return () => clearInterval(timer);
  }, [active, ms, revalidator]);
}
