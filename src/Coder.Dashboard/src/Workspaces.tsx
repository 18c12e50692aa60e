import { useState } from "react";
import { api, call, type Schemas, type Workspace } from "./api/client";
import { useAction, usePolled } from "./hooks";
import { Link, navigate } from "./router";
import { Badge, Empty, Field, Problem } from "./ui";
import { ParameterFields, parametersOf, type ParameterValues } from "./Parameters";

export function Workspaces({ canManageTemplates }: { canManageTemplates: boolean }) {
  const list = usePolled((signal) => call(api.GET("/api/workspaces", { signal })), [], 2000);
  const templates = usePolled((signal) => call(api.GET("/api/templates", { signal })), []);
  const [creating, setCreating] = useState(false);
  const items = list.data?.items ?? [];
  const noTemplates = templates.data && templates.data.items.length === 0;

  return (
    <main>
      <div className="heading">
        <h1>Workspaces</h1>
        <button type="button" onClick={() => setCreating(!creating)} aria-expanded={creating} disabled={noTemplates}>
          New workspace
        </button>
      </div>
      {creating && templates.data && <CreateWorkspace templates={templates.data.items} onCreated={() => { setCreating(false); list.reload(); }} />}
      <Problem message={list.error} />
      {list.data && items.length === 0 && (
        <Empty>
          {noTemplates ? (
            canManageTemplates ? (
              <>No templates yet. Create one with <code>coder templates create hello.yaml</code> (see the README), then create a workspace here.</>
            ) : (
              <>No templates yet. Ask a template admin to create one; then create your workspace here.</>
            )
          ) : (
            <>No workspaces yet. Choose <strong>New workspace</strong> to create one from a template.</>
          )}
        </Empty>
      )}
      {items.length > 0 && (
        <div className="scroll">
          <table className="list">
            <thead>
              <tr>
                <th>Name</th><th>Status</th><th>Template</th><th>Size</th><th>Replicas</th><th>Agent</th><th><span className="sr">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {items.map((w) => (
                <WorkspaceRow key={w.id} workspace={w} onChanged={list.reload} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}

function WorkspaceRow({ workspace: w, onChanged }: { workspace: Workspace; onChanged: () => void }) {
  const action = useAction();
  return (
    <tr data-testid={`workspace-${w.name}`}>
      <td data-label="Name">
        <Link to={`/workspaces/${w.id}`}>{w.name}</Link>
        <div className="muted">{w.owner}</div>
      </td>
      <td data-label="Status">
        <Badge value={w.status} testId="status" />
        {w.operation && w.operation.status !== "succeeded" && <div className="muted">{w.operation.kind}…</div>}
      </td>
      <td data-label="Template">
        {w.template} v{w.templateVersion} {w.outdated && <Badge value="outdated" label="outdated" />}
      </td>
      <td data-label="Size">{w.size ? `${w.size.cpu ?? "?"} CPU · ${w.size.memoryMiB ?? "?"} MiB` : "template default"}</td>
      <td data-label="Replicas">{w.replicas}</td>
      <td data-label="Agent"><AgentHealth workspace={w} /></td>
      <td>
        <WorkspaceActions workspace={w} action={action} onChanged={onChanged} compact />
        <Problem message={action.error} />
      </td>
    </tr>
  );
}

export function AgentHealth({ workspace: w }: { workspace: Workspace }) {
  if (!w.agent) return <span className="muted">no agent</span>;
  const healthy = w.agent.lifecycle === "ready" && w.agent.connection === "connected";
  return <Badge value={healthy ? "healthy" : w.agent.lifecycle} label={healthy ? "healthy" : `${w.agent.lifecycle} · ${w.agent.connection}`} />;
}

type Action = ReturnType<typeof useAction>;

/** Start, stop, restart, scale and delete: the same buttons on the list and on a workspace's page. */
export function WorkspaceActions({ workspace: w, action, onChanged, compact }: { workspace: Workspace; action: Action; onChanged: () => void; compact?: boolean }) {
  const [scaling, setScaling] = useState(false);
  const [replicas, setReplicas] = useState(w.replicas);
  const id = w.id;
  const path = { params: { path: { id } } };
  const act = (f: () => Promise<unknown>) => action.run(f).then((ok) => ok && onChanged());
  const stopped = w.status === "stopped" || w.status === "failed";
  const label = (verb: string) => (compact ? `${verb} ${w.name}` : undefined);
  return (
    <div className="actions">
      {stopped ? (
        <button type="button" aria-label={label("Start")} disabled={action.busy} onClick={() => act(() => call(api.POST("/api/workspaces/{id}/start", path)))}>Start</button>
      ) : (
        <button type="button" aria-label={label("Stop")} disabled={action.busy || w.status !== "running"} onClick={() => act(() => call(api.POST("/api/workspaces/{id}/stop", path)))}>Stop</button>
      )}
      <button type="button" aria-label={label("Restart")} disabled={action.busy || w.status !== "running"} onClick={() => act(() => call(api.POST("/api/workspaces/{id}/restart", path)))}>Restart</button>
      <button type="button" aria-label={label("Scale")} aria-expanded={scaling} onClick={() => setScaling(!scaling)}>Scale</button>
      <button
        type="button"
        className="danger"
        aria-label={label("Delete")}
        disabled={action.busy}
        onClick={() => window.confirm(`Delete ${w.name}? Its files go with it.`) && act(() => call(api.DELETE("/api/workspaces/{id}", path)).then(() => !compact && navigate("/")))}
      >
        Delete
      </button>
      {scaling && (
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            act(() => call(api.PATCH("/api/workspaces/{id}", { ...path, body: { replicas } }))).then(() => setScaling(false));
          }}
        >
          <Field label="Replicas">
            <input type="number" min={0} max={64} value={replicas} onChange={(e) => setReplicas(Number(e.target.value))} />
          </Field>
          <button type="submit" disabled={action.busy}>Apply</button>
        </form>
      )}
    </div>
  );
}

function CreateWorkspace({ templates, onCreated }: { templates: Schemas["TemplateSummary"][]; onCreated: () => void }) {
  const [name, setName] = useState("");
  const [template, setTemplate] = useState(templates[0]?.name ?? "");
  const [cpu, setCpu] = useState("");
  const [memory, setMemory] = useState("");
  const [replicas, setReplicas] = useState("1");
  const [values, setValues] = useState<ParameterValues>({});
  const details = usePolled((signal) => (template ? call(api.GET("/api/templates/{name}", { params: { path: { name: template } }, signal })) : Promise.resolve(undefined)), [template]);
  const parameters = parametersOf(details.data?.spec);
  const action = useAction();
  return (
    <form
      className="card"
      aria-label="New workspace"
      onSubmit={async (e) => {
        e.preventDefault();
        const body: Schemas["CreateWorkspaceRequest"] & { parameters?: ParameterValues } = { name, template, replicas: Number(replicas) };
        if (cpu || memory) body.size = { cpu: cpu ? Number(cpu) : undefined, memoryMiB: memory ? Number(memory) : undefined };
        if (parameters.length > 0) body.parameters = values;
        if (await action.run(() => call(api.POST("/api/workspaces", { body })))) onCreated();
      }}
    >
      <h2>New workspace</h2>
      <div className="grid">
        <Field label="Name" hint="Letters, digits and '-'.">
          <input required value={name} onChange={(e) => setName(e.target.value)} autoFocus />
        </Field>
        <Field label="Template">
          <select value={template} onChange={(e) => { setTemplate(e.target.value); setValues({}); }}>
            {templates.map((t) => (
              <option key={t.name} value={t.name}>{t.name} (v{t.activeVersion})</option>
            ))}
          </select>
        </Field>
        <Field label="CPU" hint={`Template default: ${details.data?.spec.resources?.cpu ?? "?"}`}>
          <input type="number" step="0.25" min="0.25" value={cpu} onChange={(e) => setCpu(e.target.value)} />
        </Field>
        <Field label="Memory (MiB)" hint={`Template default: ${details.data?.spec.resources?.memoryMiB ?? "?"}`}>
          <input type="number" step="256" min="256" value={memory} onChange={(e) => setMemory(e.target.value)} />
        </Field>
        <Field label="Replicas">
          <input type="number" min="0" value={replicas} onChange={(e) => setReplicas(e.target.value)} />
        </Field>
      </div>
      <ParameterFields parameters={parameters} values={values} onChange={setValues} />
      <button type="submit" disabled={action.busy}>Create</button>
      <Problem message={action.error} />
    </form>
  );
}
