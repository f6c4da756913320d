"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { authClient } from "@switchyard/auth/client";
import { signInInput } from "@switchyard/contracts";
import { Alert, Button, Card, Field } from "@/components/ui";
import { useZodForm } from "@/components/use-zod-form";
import { safeNextPath } from "@/lib/safe-next-path";

export function SignInForm() {
  const router = useRouter();
  const params = useSearchParams();
  const invite = params.get("invite");
  const next = invite ? `/invite/${invite}` : safeNextPath(params.get("next"));
  const form = useZodForm(signInInput, { email: "", password: "" });
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent) {
    event.preventDefault();
    const data = form.validate();
    if (!data) return;
    setPending(true);
    setError(null);
    const { error } = await authClient.signIn.email({ email: data.email, password: data.password });
    setPending(false);
    if (error) {
      setError(
        error.status === 429
          ? (error.message ?? "Too many failed sign-ins. Try again later.")
          : error.status === 401
            ? "Wrong email or password."
            : (error.message ?? "Could not sign in. Try again."),
      );
      return;
    }
    router.push(next);
    router.refresh();
  }

  return (
    <Card title="Sign in">
      <form onSubmit={onSubmit} noValidate className="space-y-4">
        {error && <Alert>{error}</Alert>}
        <Field label="Email" type="email" autoComplete="email" {...form.fieldProps("email")} />
        <Field
          label="Password"
          type="password"
          autoComplete="current-password"
          {...form.fieldProps("password")}
        />
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </Button>
        <p className="text-center text-sm text-slate-600">
          No account?{" "}
          <Link
            className="font-medium text-indigo-700 hover:underline"
            href={invite ? `/sign-up?invite=${invite}` : "/sign-up"}
          >
            Create one
          </Link>
        </p>
      </form>
    </Card>
  );
}
