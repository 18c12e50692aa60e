import { cloneElement, useId, type ReactElement, type ReactNode } from "react";

export function Problem({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p className="problem" role="alert">
      {message}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

const tones: Record<string, string> = {
  running: "good", ready: "good", connected: "good", succeeded: "good", completed: "good", healthy: "good",
  failed: "bad", start_error: "bad", start_timeout: "bad", timeout: "bad", disconnected: "bad", aborted: "bad", canceled: "bad",
  stopped: "idle", off: "idle", deleted: "idle", paused: "idle",
};

export function Badge({ value, label, testId }: { value: string; label?: string; testId?: string }) {
  return (
    <span className={`badge ${tones[value] ?? "busy"}`} data-testid={testId}>
      {label ?? value}
    </span>
  );
}

/** A labelled control; the hint is its description (aria-describedby), not part of its name. */
export function Field({ label, children, hint }: { label: string; children: ReactElement<{ id?: string; "aria-describedby"?: string }>; hint?: string }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, { id, "aria-describedby": hint ? `${id}-hint` : undefined })}
      {hint && <small id={`${id}-hint`}>{hint}</small>}
    </div>
  );
}

export function when(at: string | undefined | null) {
  return at ? new Date(at).toLocaleString() : "";
}

export function Tabs<T extends string>({ tabs, current, onChange, label }: { tabs: [T, string][]; current: T; onChange: (t: T) => void; label: string }) {
  return (
    <div className="tabs" role="tablist" aria-label={label}>
      {tabs.map(([id, text]) => (
        <button key={id} role="tab" type="button" aria-selected={current === id} className={current === id ? "active" : ""} onClick={() => onChange(id)}>
          {text}
        </button>
      ))}
    </div>
  );
}
