import { useState } from "react";
import { api, call } from "./api/client";
import { useAction, usePolled } from "./hooks";
import { Link, navigate } from "./router";
import { Badge, Empty, Field, Problem, when } from "./ui";

// Rollouts have no list route: the ones started from this page are remembered for this browser tab (ids, not secrets).
const recentKey = (template: string) => `coder.rollouts.${template}`;
const recentRollouts = (template: string): string[] => JSON.parse(sessionStorage.getItem(recentKey(template)) ?? "[]");

export function Templates() {
  const templates = usePolled((signal) => call(api.GET("/api/templates", { signal })), []);
  const items = templates.data?.items ?? [];
  return (
    <main>
      <h1>Templates</h1>
      <Problem message={templates.error} />
      {templates.data && items.length === 0 && <Empty>No templates yet. Create one with <code>coder templates create hello.yaml</code> or <code>POST /api/templates</code>.</Empty>}
      {items.length > 0 && (
        <div className="scroll">
          <table className="list">
            <thead><tr><th>Name</th><th>Provisioner</th><th>Active</th><th>Latest</th><th>Created</th></tr></thead>
            <tbody>
              {items.map((t) => (
                <tr key={t.name}>
                  <td data-label="Name"><Link to={`/templates/${t.name}`}>{t.name}</Link><div className="muted">{t.description}</div></td>
                  <td data-label="Provisioner">{t.provisioner}</td>
                  <td data-label="Active">v{t.activeVersion}</td>
                  <td data-label="Latest">v{t.latestVersion} {t.latestVersion > t.activeVersion && <Badge value="pending" label="newer than active" />}</td>
                  <td data-label="Created">{when(t.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}

export function Template({ name }: { name: string }) {
  const template = usePolled((signal) => call(api.GET("/api/templates/{name}", { params: { path: { name } }, signal })), [name]);
  const action = useAction();
  const t = template.data;
  const [version, setVersion] = useState<number | null>(null);
  const [canaryPercent, setCanary] = useState(10);
  const [batchSize, setBatch] = useState(5);
  const [bakeMinutes, setBake] = useState(5);
  const [maxFailedPercent, setMaxFailed] = useState(20);
  const [rolloutId, setRolloutId] = useState("");
  if (!t) return <main><Problem message={template.error} />{!template.error && <p>Loading…</p>}</main>;
  const versions = [...t.versions].sort((a, b) => b.version - a.version);
  const target = version ?? versions[0]?.version;
  return (
    <main>
      <p><Link to="/templates">← Templates</Link></p>
      <h1>{t.name}</h1>
      <p className="muted">{t.spec.description} · {t.spec.provisioner} · {t.spec.resources?.cpu} CPU · {t.spec.resources?.memoryMiB} MiB</p>
      <h2>Versions</h2>
      <table className="list">
        <thead><tr><th>Version</th><th>Created</th><th>By</th><th><span className="sr">Actions</span></th></tr></thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.version}>
              <td data-label="Version">v{v.version} {v.active && <Badge value="running" label="active" />}</td>
              <td data-label="Created">{when(v.createdAt)}</td>
              <td data-label="By">{v.createdBy}</td>
              <td>
                {!v.active && (
                  <button type="button" disabled={action.busy} onClick={() => action.run(() => call(api.POST("/api/templates/{name}/versions/{version}/promote", { params: { path: { name, version: String(v.version) } } }))).then((ok) => ok && template.reload())}>
                    Promote v{v.version}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Canary rollout</h2>
      <form
        className="card"
        aria-label="Start a canary rollout"
        onSubmit={async (e) => {
          e.preventDefault();
          let id = "";
          if (await action.run(async () => (id = (await call(api.POST("/api/templates/{name}/rollouts", { params: { path: { name } }, body: { version: target, strategy: "canary", canaryPercent, batchSize, bakeMinutes, maxFailedPercent } }))).id))) {
            sessionStorage.setItem(recentKey(name), JSON.stringify([id, ...recentRollouts(name)].slice(0, 10)));
            navigate(`/rollouts/${id}`);
          }
        }}
      >
        <div className="grid">
          <Field label="Version"><select value={target} onChange={(e) => setVersion(Number(e.target.value))}>{versions.map((v) => <option key={v.version} value={v.version}>v{v.version}</option>)}</select></Field>
          <Field label="Canary %"><input type="number" min={1} max={100} value={canaryPercent} onChange={(e) => setCanary(Number(e.target.value))} /></Field>
          <Field label="Batch size"><input type="number" min={1} value={batchSize} onChange={(e) => setBatch(Number(e.target.value))} /></Field>
          <Field label="Bake (minutes)"><input type="number" min={0} step="0.5" value={bakeMinutes} onChange={(e) => setBake(Number(e.target.value))} /></Field>
          <Field label="Max failed %"><input type="number" min={0} max={100} value={maxFailedPercent} onChange={(e) => setMaxFailed(Number(e.target.value))} /></Field>
        </div>
        <button type="submit" disabled={action.busy}>Start rollout</button>
      </form>
      <Problem message={action.error} />
      <h2>Rollouts</h2>
      <ul>
        {recentRollouts(name).map((id) => <li key={id}><Link to={`/rollouts/${id}`}>{id}</Link></li>)}
      </ul>
      <form className="inline" onSubmit={(e) => { e.preventDefault(); if (rolloutId) navigate(`/rollouts/${rolloutId.trim()}`); }}>
        <Field label="Open a rollout by id"><input value={rolloutId} onChange={(e) => setRolloutId(e.target.value)} placeholder="ro-…" /></Field>
        <button type="submit">Open</button>
      </form>
    </main>
  );
}

export function Rollout({ id }: { id: string }) {
  const rollout = usePolled((signal) => call(api.GET("/api/rollouts/{id}", { params: { path: { id } }, signal })), [id], 2000);
  const action = useAction();
  const r = rollout.data;
  if (!r) return <main><Problem message={rollout.error} />{!rollout.error && <p>Loading…</p>}</main>;
  const path = { params: { path: { id } } };
  const done = ["succeeded", "failed", "aborted"].includes(r.status);
  const act = (f: () => Promise<unknown>) => action.run(f).then((ok) => ok && rollout.reload());
  return (
    <main>
      <p><Link to={`/templates/${r.template}`}>← {r.template}</Link></p>
      <div className="heading">
        <h1>Rollout of {r.template} v{r.version}</h1>
        <Badge value={r.status} testId="rollout-status" />
      </div>
      <dl className="facts">
        <dt>Strategy</dt><dd>{r.strategy} ({r.canaryPercent}% canary, batches of {r.batchSize}, bake {r.bakeMinutes} min, upgrade {r.upgradeStrategy})</dd>
        <dt>Progress</dt><dd><progress max={Math.max(1, r.total)} value={r.upgraded} aria-label="Workspaces upgraded" /> {r.upgraded}/{r.total} upgraded, {r.failed} failed ({r.failedPercent.toFixed(0)}% of max {r.maxFailedPercent}%)</dd>
        {r.reason && (<><dt>Reason</dt><dd>{r.reason}</dd></>)}
        <dt>Started</dt><dd>{when(r.createdAt)} by {r.actor}</dd>
      </dl>
      <div className="actions">
        {r.status === "paused" ? (
          <button type="button" disabled={action.busy} onClick={() => act(() => call(api.POST("/api/rollouts/{id}/resume", path)))}>Resume</button>
        ) : (
          <button type="button" disabled={action.busy || done} onClick={() => act(() => call(api.POST("/api/rollouts/{id}/pause", path)))}>Pause</button>
        )}
        <button type="button" className="danger" disabled={action.busy || done} onClick={() => window.confirm("Abort this rollout? Upgraded workspaces are rolled back.") && act(() => call(api.POST("/api/rollouts/{id}/abort", path)))}>Abort</button>
      </div>
      <Problem message={action.error ?? rollout.error} />
      <h2>Batches</h2>
      {r.batches.length === 0 && <Empty>No batches yet: the first, the canary, starts shortly.</Empty>}
      <table className="list">
        <thead><tr><th>#</th><th>Kind</th><th>Status</th><th>Workspaces</th><th>Health</th><th>Bake</th></tr></thead>
        <tbody>
          {r.batches.map((b) => (
            <tr key={b.index}>
              <td data-label="#">{b.index}</td>
              <td data-label="Kind">{b.kind}</td>
              <td data-label="Status"><Badge value={b.status} /></td>
              <td data-label="Workspaces">{b.workspaces.length}</td>
              <td data-label="Health">{b.upgraded} upgraded · {b.failed} failed{b.reason ? ` · ${b.reason}` : ""}</td>
              <td data-label="Bake">{b.bakeStartedAt ? `${when(b.bakeStartedAt)} → ${when(b.bakeEndedAt) || "…"}` : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Workspaces</h2>
      <table className="list">
        <thead><tr><th>Workspace</th><th>Batch</th><th>From → to</th><th>Status</th></tr></thead>
        <tbody>
          {r.workspaces.map((w) => (
            <tr key={w.id}>
              <td data-label="Workspace"><Link to={`/workspaces/${w.id}`}>{w.id}</Link></td>
              <td data-label="Batch">{w.batch}</td>
              <td data-label="From → to">v{w.fromVersion} → v{w.toVersion}</td>
              <td data-label="Status"><Badge value={w.status} />{w.reason && <span className="muted"> {w.reason}</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
