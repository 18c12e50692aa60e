import { useState } from "react";
import { api, call, type Schemas, type Workspace } from "./api/client";
import { useAction, usePolled } from "./hooks";
import { navigate } from "./router";
import { Badge, Empty, Field, Problem, when } from "./ui";

type Snapshot = Schemas["SnapshotView"];
type Node = { snapshot: Snapshot; children: Node[] };

/** Parents before children: a snapshot whose parent is gone (or of another line) is a root. */
function treeOf(items: Snapshot[]): Node[] {
  const nodes = new Map(items.map((s) => [s.id, { snapshot: s, children: [] as Node[] }]));
  const roots: Node[] = [];
  for (const node of nodes.values()) {
    const parent = node.snapshot.parentId ? nodes.get(node.snapshot.parentId) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const byTime = (a: Node, b: Node) => a.snapshot.createdAt.localeCompare(b.snapshot.createdAt);
  const sort = (list: Node[]) => { list.sort(byTime); list.forEach((n) => sort(n.children)); };
  sort(roots);
  return roots;
}

export function SnapshotTree({ workspace: w, onChanged }: { workspace: Workspace; onChanged: () => void }) {
  const id = w.id;
  const snapshots = usePolled((signal) => call(api.GET("/api/workspaces/{id}/snapshots", { params: { path: { id } }, signal })), [id], 3000);
  const [label, setLabel] = useState("");
  const action = useAction();
  const roots = treeOf(snapshots.data?.items ?? []);
  return (
    <>
      <form
        className="inline"
        onSubmit={async (e) => {
          e.preventDefault();
          if (await action.run(() => call(api.POST("/api/workspaces/{id}/snapshots", { params: { path: { id } }, body: label ? { label } : {} })))) {
            setLabel("");
            snapshots.reload();
            onChanged();
          }
        }}
      >
        <Field label="Snapshot label">
          <input value={label} onChange={(e) => setLabel(e.target.value)} placeholder="optional" maxLength={64} />
        </Field>
        <button type="submit" disabled={action.busy || w.status !== "running"}>Take snapshot</button>
      </form>
      <Problem message={action.error ?? snapshots.error} />
      {snapshots.data && roots.length === 0 && <Empty>No snapshots yet. Take one above while the workspace runs; restore or branch from it later.</Empty>}
      <ul className="tree" aria-label="Snapshot tree" role="tree">
        {roots.map((n) => (
          <SnapshotNode key={n.snapshot.id} node={n} workspace={w} action={action} onChanged={() => { snapshots.reload(); onChanged(); }} />
        ))}
      </ul>
    </>
  );
}

function SnapshotNode({ node, workspace: w, action, onChanged }: { node: Node; workspace: Workspace; action: ReturnType<typeof useAction>; onChanged: () => void }) {
  const s = node.snapshot;
  const [branching, setBranching] = useState(false);
  const [name, setName] = useState(`${w.name}-${(s.label ?? s.id).toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, 20)}`);
  const ready = s.status === "ready";
  return (
    <li role="treeitem" aria-expanded={node.children.length > 0 ? true : undefined} data-testid={`snapshot-${s.label ?? s.id}`}>
      <div className="node">
        <strong>{s.label ?? s.id}</strong> <Badge value={String(s.status ?? "")} /> <span className="muted">{when(s.createdAt)} · {s.trigger ?? ""} {s.sizeBytes ? `· ${(s.sizeBytes / 1024).toFixed(0)} KiB` : ""}</span>
        <span className="actions">
          <button type="button" disabled={action.busy || !ready} onClick={() => window.confirm(`Restore ${w.name} to ${s.label ?? s.id}? A safety snapshot is taken first.`) && action.run(() => call(api.POST("/api/workspaces/{id}/restore", { params: { path: { id: w.id } }, body: { snapshotId: s.id } }))).then((ok) => ok && onChanged())}>
            Restore
          </button>
          <button type="button" aria-expanded={branching} disabled={!ready} onClick={() => setBranching(!branching)}>Branch</button>
        </span>
      </div>
      {branching && (
        <form
          className="inline"
          onSubmit={async (e) => {
            e.preventDefault();
            let created: Schemas["WorkspaceAccepted"] | undefined;
            if (await action.run(async () => (created = await call(api.POST("/api/workspaces", { body: { name, template: w.template, fromSnapshot: s.id } }))))) navigate(`/workspaces/${created!.id}`);
          }}
        >
          <Field label="New workspace name"><input required value={name} onChange={(e) => setName(e.target.value)} /></Field>
          <button type="submit" disabled={action.busy}>Create branch</button>
        </form>
      )}
      {node.children.length > 0 && (
        <ul role="group">
          {node.children.map((c) => (
            <SnapshotNode key={c.snapshot.id} node={c} workspace={w} action={action} onChanged={onChanged} />
          ))}
        </ul>
      )}
    </li>
  );
}
