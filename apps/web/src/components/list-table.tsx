import type { ReactNode } from "react";
import { Button } from "./ui";

/**
 * A list's table: a header row of column names, then the rows. `actions` adds a last column for the row
 * buttons, unnamed on screen and named for screen readers. `boxed` stands the table alone on a page, with a
 * border and padded cells; without it the table sits inside a Card. Either way a table wider than the screen
 * scrolls inside its own box; the box is `relative` so the absolutely placed screen-reader-only header is
 * clipped with it instead of widening the whole page on a phone.
 */
export function ListTable({
  columns,
  actions,
  boxed = false,
  children,
}: {
  columns: string[];
  actions: boolean;
  boxed?: boolean;
  children: ReactNode;
}) {
  const headerCell = boxed ? "px-4 py-2 font-medium" : "py-2 pr-4 font-medium";
  const table = (
    <table className="w-full text-left text-sm">
      <thead
        className={
          boxed ? "bg-slate-50 text-xs text-slate-500 uppercase" : "text-xs text-slate-500 uppercase"
        }
      >
        <tr>
          {columns.map((column) => (
            <th key={column} className={headerCell}>
              {column}
            </th>
          ))}
          {actions && (
            <th className={boxed ? headerCell : "py-2 font-medium"}>
              <span className="sr-only">Actions</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">{children}</tbody>
    </table>
  );
  return (
    <div
      className={
        boxed
          ? "relative overflow-x-auto rounded-lg border border-slate-200 bg-white"
          : "relative overflow-x-auto"
      }
    >
      {table}
    </div>
  );
}

/** A danger button (revoke, delete, remove) that acts only once the person said yes to `question`. */
export function ConfirmButton({
  question,
  onConfirm,
  disabled,
  children,
}: {
  question: string;
  onConfirm: () => void;
  disabled?: boolean;
  children: ReactNode;
}) {
  return (
    <Button
      variant="danger"
      disabled={disabled}
      onClick={() => {
        if (window.confirm(question)) onConfirm();
      }}
    >
      {children}
    </Button>
  );
}
