"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { createOrganizationInput } from "@switchyard/contracts";
import { Alert, Button, Card, Field } from "@/components/ui";
import { useZodForm } from "@/components/use-zod-form";
import { fieldErrorsOf, messageOf } from "@/trpc/errors";
import { useTRPC } from "@/trpc/react";

export function CreateOrganizationForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const form = useZodForm(createOrganizationInput, { name: "", slug: "" });
  const create = useMutation(
    trpc.organization.create.mutationOptions({
      onSuccess: (org) => router.push(`/o/${org.slug}`),
      onError: (error) => form.setServerErrors(fieldErrorsOf(error)),
    }),
  );

  return (
    <Card title="Create your organization">
      <form
        noValidate
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          const data = form.validate();
          if (data) create.mutate(data);
        }}
      >
        {create.error && <Alert>{messageOf(create.error)}</Alert>}
        <Field label="Name" placeholder="Acme Inc." {...form.fieldProps("name")} />
        <Field
          label="Address"
          placeholder="acme"
          hint="Used in links: /o/<address>"
          {...form.fieldProps("slug")}
        />
        <Button type="submit" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create organization"}
        </Button>
      </form>
    </Card>
  );
}
