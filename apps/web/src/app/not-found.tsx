import Link from "next/link";

export default function NotFound() {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="text-center">
        <p className="text-sm font-semibold text-indigo-700">404</p>
        <h1 className="mt-1 text-xl font-semibold">Not found</h1>
        <p className="mt-2 text-sm text-slate-600">
          This page does not exist, or you do not have access to it.
        </p>
        <Link href="/" className="mt-4 inline-block text-sm font-medium text-indigo-700 hover:underline">
          Go to your organizations
        </Link>
      </div>
    </main>
  );
}
