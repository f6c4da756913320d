import type { Metadata } from "next";
import Link from "next/link";
import { getSession } from "@/server/auth";
import { BrandHeading, Card } from "@/components/ui";
import { AcceptInvitation } from "./accept-invitation";

export const metadata: Metadata = { title: "Invitation" };

export default async function InvitationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const session = await getSession();
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-md">
        <BrandHeading />
        {session ? (
          <AcceptInvitation id={id} />
        ) : (
          <Card title="You have been invited to Switchyard">
            <p className="text-sm text-slate-700">
              Sign in, or create an account with the email address the invitation was sent to.
            </p>
            <div className="mt-4 flex gap-2">
              <Link
                className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white"
                href={`/sign-up?invite=${id}`}
              >
                Create account
              </Link>
              <Link
                className="rounded-md border border-slate-300 px-3 py-2 text-sm font-medium"
                href={`/sign-in?invite=${id}`}
              >
                Sign in
              </Link>
            </div>
          </Card>
        )}
      </div>
    </main>
  );
}
