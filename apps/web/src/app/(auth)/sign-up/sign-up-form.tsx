"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { authClient } from "@switchyard/auth/client";
import { signUpInput } from "@switchyard/contracts";
import { Alert, Button, Card, Field } from "@/components/ui";
import { useZodForm } from "@/components/use-zod-form";

export function SignUpForm() {
  const router = useRouter();
  const invite = useSearchParams().get("invite");
  const form = useZodForm(signUpInput, { name: "", email: "", password: "" });
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent) {
    event.preventDefault();
    const data = form.validate();
    if (!data) return;
    setPending(true);
    setError(null);
    const { error } = await authClient.signUp.email(data);
    setPending(false);
    if (error) {
      if (error.code === "USER_ALREADY_EXISTS" || error.code === "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL") {
        form.setServerErrors({ email: "An account with this email already exists. Sign in instead." });
      } else if (error.code?.startsWith("PASSWORD_")) {
        form.setServerErrors({ password: error.message });
      } else {
        setError(error.message ?? "Could not create the account. Try again.");
      }
      return;
    }
    router.push(invite ? `/invite/${invite}` : "/onboarding");
    router.refresh();
  }

  return (
    <Card title="Create an account">
      <form onSubmit={onSubmit} noValidate className="space-y-4">
        {error && <Alert>{error}</Alert>}
        <Field label="Name" autoComplete="name" {...form.fieldProps("name")} />
        <Field label="Email" type="email" autoComplete="email" {...form.fieldProps("email")} />
        <Field
          label="Password"
          type="password"
          autoComplete="new-password"
          hint="At least 10 characters, with letters and digits"
          {...form.fieldProps("password")}
        />
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? "Creating…" : "Create account"}
        </Button>
        <p className="text-center text-sm text-slate-600">
          Have an account?{" "}
          <Link
            className="font-medium text-indigo-700 hover:underline"
            href={invite ? `/sign-in?invite=${invite}` : "/sign-in"}
          >
            Sign in
          </Link>
        </p>
      </form>
    </Card>
  );
}
