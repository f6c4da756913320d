import type { ReactNode } from "react";
import { BrandHeading } from "@/components/ui";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <BrandHeading />
        {children}
      </div>
    </main>
  );
}
