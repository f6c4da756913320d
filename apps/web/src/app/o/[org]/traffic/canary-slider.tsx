"use client";

import { useEffect, useRef, useState } from "react";

// Keyboard users step with arrow keys; one revision per adjustment, not per key press.
const KEYBOARD_SETTLE_MS = 600;
const ADJUSTING_KEYS = new Set([
  "ArrowLeft",
  "ArrowRight",
  "ArrowUp",
  "ArrowDown",
  "Home",
  "End",
  "PageUp",
  "PageDown",
]);

/**
 * A canary percentage that is sent when the person lets go: on pointer release, when focus leaves, or once
 * the keys have been still for a moment. One gesture makes one revision: a value already sent is not sent
 * again (a blur right after a keyboard commit would otherwise resend it on the old revision and conflict).
 * While a change is `sending` the slider holds still but stays enabled, so keyboard focus is not lost.
 */
export function CanarySlider({
  serviceId,
  value,
  disabled,
  sending,
  pending,
  onCommit,
}: {
  serviceId: string;
  value: number;
  disabled: boolean;
  sending: boolean;
  pending: boolean;
  onCommit: (percent: number) => void;
}) {
  const [draft, setDraft] = useState(value);
  const settleTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latestDraft = useRef(value);
  const lastSent = useRef(value);
  useEffect(() => {
    setDraft(value);
    latestDraft.current = value;
    lastSent.current = value;
  }, [value]);
  useEffect(() => () => clearTimeout(settleTimer.current), []);

  const commit = () => {
    clearTimeout(settleTimer.current);
    if (sending || latestDraft.current === lastSent.current) return;
    lastSent.current = latestDraft.current;
    onCommit(latestDraft.current);
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
        aria-busy={sending}
        onChange={(e) => {
          if (sending) return;
          const next = Number(e.target.value);
          latestDraft.current = next;
          setDraft(next);
        }}
        onPointerUp={commit}
        onBlur={commit}
        onKeyUp={(e) => {
          if (!ADJUSTING_KEYS.has(e.key)) return;
          clearTimeout(settleTimer.current);
          settleTimer.current = setTimeout(commit, KEYBOARD_SETTLE_MS);
        }}
        className="mt-2 w-full accent-indigo-600 disabled:opacity-50"
      />
    </div>
  );
}
