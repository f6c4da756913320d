"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { useState, type ReactNode } from "react";
import superjson from "superjson";
import type { AppRouter } from "@switchyard/api";

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

/** Every organization page lives under /o/<slug>; the API is told which organization the page is about. */
function organizationHeader(): Record<string, string> {
  const slug = window.location.pathname.match(/^\/o\/([^/]+)/)?.[1];
  return slug ? { "x-switchyard-org": decodeURIComponent(slug) } : {};
}

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        // A 4xx will answer the same way again; only retry what may be passing (network, 5xx).
        retry: (failures, error) =>
          failures < 2 && !(error instanceof TRPCClientError && (error.data?.httpStatus ?? 500) < 500),
      },
    },
  });
}

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: "/api/trpc", transformer: superjson, headers: organizationHeader })],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
