import { useState } from "react";
import { api, call, type Workspace } from "./api/client";
import { useAction, usePolled } from "./hooks";
import { Empty, Field, Problem, when } from "./ui";

export function Upgrade({ workspace: w, onChanged }: { workspace: Workspace; onChanged: () => void }) {
  const template = usePolled((signal) => call(api.GET("/api/templates/{name}", { params: { path: { name: w.template } }, signal })), [w.template]);
  const versions = (template.data?.versions ?? []).filter((v) => v.version !== w.templateVersion).sort((a, b) => b.version - a.version);
  const [version, setVersion] = useState<number | null>(null);
  const [strategy, setStrategy] = useState<"in-place" | "blue-green">("in-place");
  const action = useAction();
  const chosen = version ?? template.data?.activeVersion ?? versions[0]?.version;
  return (
    <>
      <Problem message={template.error} />
      {template.data && versions.length === 0 && <Empty>This workspace is on v{w.templateVersion}, the template's only version. New versions of {w.template} appear here.</Empty>}
      {versions.length > 0 && (
        <form
          className="inline"
          onSubmit={async (e) => {
            e.preventDefault();
            if (await action.run(() => call(api.POST("/api/workspaces/{id}/upgrade", { params: { path: { id: w.id } }, body: { version: chosen, strategy } })))) onChanged();
          }}
        >
          <Field label="Version">
            <select value={chosen} onChange={(e) => setVersion(Number(e.target.value))}>
              {versions.map((v) => (
                <option key={v.version} value={v.version}>v{v.version}{v.active ? " (active)" : ""} · {when(v.createdAt)}</option>
              ))}
            </select>
          </Field>
          <Field label="Strategy">
            <select value={strategy} onChange={(e) => setStrategy(e.target.value as "in-place" | "blue-green")}>
              <option value="in-place">in place</option>
              <option value="blue-green">blue-green</option>
            </select>
          </Field>
          <button type="submit" disabled={action.busy || w.status !== "running"}>Upgrade from v{w.templateVersion}</button>
        </form>
      )}
      <Problem message={action.error} />
    </>
  );
}
