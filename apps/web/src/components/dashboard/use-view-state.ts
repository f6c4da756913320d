"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import { parseViewState, serializeViewState, viewStateRange, type ViewState } from "@switchyard/contracts";

/** The page's view state, read from and written to the URL, so a copied link opens exactly this view. */
export function useViewState() {
  const searchParams = useSearchParams();
  const pathname = usePathname();
  const router = useRouter();
  const view = useMemo(() => parseViewState(new URLSearchParams(searchParams.toString())), [searchParams]);
  const setView = useCallback(
    (patch: Partial<ViewState>) => {
      const query = serializeViewState({ ...view, ...patch }).toString();
      router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
    },
    [view, pathname, router],
  );
  const range = useMemo(() => viewStateRange(view), [view]);
  /** Links to other dashboard pages keep the range and refresh setting. */
  const carry = useMemo(() => {
    const query = serializeViewState({
      ...view,
      sort: "name",
      dir: "asc",
      q: "",
      route: undefined,
      version: undefined,
    });
    const text = query.toString();
    return text ? `?${text}` : "";
  }, [view]);
  return { view, setView, range, carry, refetchInterval: view.refresh ? 10_000 : (false as const) };
}
