import { useEffect, useState, type ReactNode } from "react";

/** True once the component has mounted in the browser (false during server rendering and hydration). */
export function useMounted(): boolean {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return mounted;
}

/** Renders its children only in the browser after mount; `fallback` on the server and before. */
export function ClientOnly({ children, fallback = null }: { children: () => ReactNode; fallback?: ReactNode }) {
  return useMounted() ? <>{children()}</> : <>{fallback}</>;
}
