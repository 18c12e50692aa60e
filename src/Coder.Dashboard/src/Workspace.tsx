import { lazy, Suspense, useState } from "react";
import { api, call, type Workspace as WorkspaceModel } from "./api/client";
import { useAction, usePolled } from "./hooks";
import { Link } from "./router";
import { Badge, Empty, Problem, Tabs, when } from "./ui";
import { AgentHealth, WorkspaceActions } from "./Workspaces";
import { MetricsCharts } from "./Metrics";
import { SnapshotTree } from "./Snapshots";
import { Upgrade } from "./Upgrade";

// xterm.js is loaded only when a terminal is opened, so the other pages stay light.
const TerminalTab = lazy(() => import("./Terminal"));

type Tab = "timeline" | "logs" | "metrics" | "snapshots" | "upgrade" | "terminal";

export function Workspace({ id }: { id: string }) {
  const workspace = usePolled((signal) => call(api.GET("/api/workspaces/{id}", { params: { path: { id } }, signal })), [id], 2000);
  const [tab, setTab] = useState<Tab>("timeline");
  const action = useAction();
  const w = workspace.data;
  if (!w) return <main><Problem message={workspace.error} />{!workspace.error && <p>Loading…</p>}</main>;
  return (
    <main>
      <p><Link to="/">← Workspaces</Link></p>
      <div className="heading">
        <h1>{w.name}</h1>
        <Badge value={w.status} testId="workspace-status" />
      </div>
      <dl className="facts">
        <dt>Owner</dt><dd>{w.owner}</dd>
        <dt>Template</dt><dd>{w.template} v{w.templateVersion} {w.outdated && <Badge value="outdated" />}</dd>
        <dt>Size</dt><dd>{w.size ? `${w.size.cpu ?? "?"} CPU · ${w.size.memoryMiB ?? "?"} MiB` : "template default"}</dd>
        <dt>Replicas</dt><dd>{w.replicas}</dd>
        <dt>Agent</dt><dd><AgentHealth workspace={w} /></dd>
        {w.failureReason && (<><dt>Failure</dt><dd className="problem">{w.failureReason}</dd></>)}
      </dl>
      <OperationProgress workspace={w} />
      <WorkspaceActions workspace={w} action={action} onChanged={workspace.reload} />
      <Problem message={action.error ?? workspace.error} />
      <Tabs<Tab>
        label="Workspace views"
        current={tab}
        onChange={setTab}
        tabs={[["timeline", "Timeline"], ["logs", "Startup logs"], ["metrics", "Metrics"], ["snapshots", "Snapshots"], ["upgrade", "Upgrade"], ["terminal", "Terminal"]]}
      />
      <section role="tabpanel">
        {tab === "timeline" && <Timeline id={id} />}
        {tab === "logs" && <Timeline id={id} logsOnly />}
        {tab === "metrics" && <MetricsCharts id={id} />}
        {tab === "snapshots" && <SnapshotTree workspace={w} onChanged={workspace.reload} />}
        {tab === "upgrade" && <Upgrade workspace={w} onChanged={workspace.reload} />}
        {tab === "terminal" && (
          <Suspense fallback={<p>Loading the terminal…</p>}>
            <TerminalTab workspace={w} />
          </Suspense>
        )}
      </section>
    </main>
  );
}

/** A long operation's progress: its current step, from the operation (which the timeline's steps also show). */
function OperationProgress({ workspace: w }: { workspace: WorkspaceModel }) {
  const op = w.operation;
  const active = op && (op.status === "pending" || op.status === "running");
  const detail = usePolled(
    (signal) => (active ? call(api.GET("/api/operations/{id}", { params: { path: { id: op!.id } }, signal })) : Promise.resolve(undefined)),
    [op?.id, active],
    active ? 1500 : 0,
  );
  if (!active) return null;
  return (
    <div className="progress" role="status" aria-live="polite">
      <progress aria-label={`${op!.kind} in progress`} />
      <span>
        {op!.kind}: {detail.data?.progress ?? op!.status}
      </span>
    </div>
  );
}

const logKinds = /script|log|startup/i;

export function Timeline({ id, logsOnly }: { id: string; logsOnly?: boolean }) {
  const events = usePolled((signal) => call(api.GET("/api/workspaces/{id}/events", { params: { path: { id }, query: { max: 200 } }, signal })), [id], 2000);
  const items = (events.data?.items ?? []).filter((e) => !logsOnly || logKinds.test(e.kind));
  return (
    <>
      <Problem message={events.error} />
      {events.data && items.length === 0 && <Empty>{logsOnly ? "No startup-script output yet: it appears here while the agent runs the template's scripts." : "Nothing has happened yet."}</Empty>}
      <ol className="timeline" aria-label={logsOnly ? "Startup logs" : "Timeline"}>
        {items.map((e, i) => (
          <li key={`${e.at}-${i}`}>
            <time dateTime={e.at}>{when(e.at)}</time>
            <span className="kind">{e.kind}</span>
            <span className={logsOnly ? "log" : ""}>{e.message}</span>
            {e.reason && <span className="muted"> ({e.reason})</span>}
            {e.actor && <span className="muted"> · {e.actor}</span>}
          </li>
        ))}
      </ol>
    </>
  );
}
