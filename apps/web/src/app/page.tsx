import { redirect } from "next/navigation";
import { getDb } from "@switchyard/db";
import { getSession } from "@/server/auth";

/** Home: the first organization of the signed-in user, or the way to get one. */
export default async function HomePage() {
  const session = await getSession();
  if (!session) redirect("/sign-in");
  const first = await getDb().member.findFirst({
    where: { userId: session.user.id },
    orderBy: { createdAt: "asc" },
    select: { organization: { select: { slug: true } } },
  });
  redirect(first ? `/o/${first.organization.slug}` : "/onboarding");
}
