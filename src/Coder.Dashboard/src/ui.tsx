import type { ReactNode } from "react";

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

export function Field({ label, children, hint }: { label: string; children: ReactNode; hint?: string }) {
  return (
    <label className="field">
      <span>{label}</span>
      {children}
      {hint && <small>{hint}</small>}
    </label>
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
