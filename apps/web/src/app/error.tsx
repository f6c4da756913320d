"use client";

export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  return (
    <main className="flex min-h-[50vh] items-center justify-center px-4">
      <div className="text-center">
        <h1 className="text-lg font-semibold">Something went wrong</h1>
        <p className="mt-2 text-sm text-slate-600">
          The error was logged. Try again; if it persists, check the server logs.
        </p>
        <button
          type="button"
          onClick={reset}
          className="mt-4 rounded-md border border-slate-300 px-3 py-2 text-sm"
        >
          Try again
        </button>
      </div>
    </main>
  );
}
