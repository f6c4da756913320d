"use client";

import { useEffect, useState } from "react";

/**
 * A canary percentage that is sent when the person lets go (pointer up, or a key released), not on every
 * step of a drag, so one gesture makes one revision.
 */
export function CanarySlider({
  serviceId,
  value,
  disabled,
  pending,
  onCommit,
}: {
  serviceId: string;
  value: number;
  disabled: boolean;
  pending: boolean;
  onCommit: (percent: number) => void;
}) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const commit = () => {
    if (draft !== value) onCommit(draft);
  };
  const id = `canary-${serviceId}`;
  return (
    <div>
      <div className="flex items-center justify-between text-sm">
        <label htmlFor={id} className="font-medium text-slate-700">
          Canary share of {serviceId}
        </label>
        <output htmlFor={id} className="font-mono text-slate-900" data-testid={`canary-value-${serviceId}`}>
          {draft}%{pending && <span className="ml-2 text-xs text-amber-700">applying…</span>}
        </output>
      </div>
      <input
        id={id}
        type="range"
        min={0}
        max={100}
        step={1}
        value={draft}
        disabled={disabled}
        onChange={(e) => setDraft(Number(e.target.value))}
        onPointerUp={commit}
        onKeyUp={(e) => {
          if (
            ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End", "PageUp", "PageDown"].includes(
              e.key,
            )
          )
            commit();
        }}
        className="mt-2 w-full accent-indigo-600 disabled:opacity-50"
      />
    </div>
  );
}
