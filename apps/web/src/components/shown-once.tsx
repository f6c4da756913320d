import type { ReactNode } from "react";
import { Button, cx } from "./ui";

/** A secret (token, key) and how to use it, shown right after it is created and never again. */
export function ShownOnce({
  what,
  testId,
  actions,
  onDone,
  className,
  children,
}: {
  /** e.g. "Token for gw-1" */
  what: string;
  testId: string;
  /** Copy buttons, placed before Done. */
  actions: ReactNode;
  onDone: () => void;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div
      className={cx("space-y-3 rounded-md border border-amber-300 bg-amber-50 p-4", className)}
      data-testid={testId}
    >
      <p className="text-sm font-medium text-amber-900">
        {what}. Copy it now: it is shown only once and cannot be recovered.
      </p>
      {children}
      <div className="flex gap-2">
        {actions}
        <Button variant="secondary" onClick={onDone}>
          Done
        </Button>
      </div>
    </div>
  );
}
