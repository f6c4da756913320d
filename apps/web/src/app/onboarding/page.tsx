import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { BrandHeading } from "@/components/ui";
import { getSession } from "@/server/auth";
import { CreateOrganizationForm } from "./create-organization-form";

export const metadata: Metadata = { title: "Create an organization" };

export default async function OnboardingPage() {
  if (!(await getSession())) redirect("/sign-in?next=/onboarding");
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-md">
        <BrandHeading />
        <CreateOrganizationForm />
      </div>
    </main>
  );
}
