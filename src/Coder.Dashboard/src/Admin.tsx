import { useState } from "react";
import { api, call, type Schemas } from "./api/client";
import { useAction, usePolled } from "./hooks";
import { Empty, Field, Problem, when } from "./ui";

export function Admin() {
  return (
    <main>
      <h1>Admin</h1>
      <Tokens />
      <Quotas />
      <Audit />
    </main>
  );
}

function Tokens() {
  const [name, setName] = useState("");
  const [user, setUser] = useState("");
  const [roles, setRoles] = useState<string[]>(["member"]);
  const [days, setDays] = useState(90);
  const [created, setCreated] = useState<Schemas["TokenCreated"] | null>(null);
  const [revoke, setRevoke] = useState("");
  const action = useAction();
  const toggle = (role: string) => setRoles(roles.includes(role) ? roles.filter((r) => r !== role) : [...roles, role]);
  return (
    <section>
      <h2>API tokens</h2>
      <form
        className="card"
        aria-label="Create a token"
        onSubmit={async (e) => {
          e.preventDefault();
          setCreated(null);
          await action.run(async () => setCreated(await call(api.POST("/api/tokens", { body: { name, user, roles, expiresInDays: days } }))));
        }}
      >
        <div className="grid">
          <Field label="Token name"><input required value={name} onChange={(e) => setName(e.target.value)} /></Field>
          <Field label="User"><input required value={user} onChange={(e) => setUser(e.target.value)} /></Field>
          <Field label="Expires in (days)"><input type="number" min={1} max={3650} value={days} onChange={(e) => setDays(Number(e.target.value))} /></Field>
          <fieldset>
            <legend>Roles</legend>
            {["member", "template-admin", "admin"].map((r) => (
              <label key={r} className="check"><input type="checkbox" checked={roles.includes(r)} onChange={() => toggle(r)} /> {r}</label>
            ))}
          </fieldset>
        </div>
        <button type="submit" disabled={action.busy}>Create token</button>
      </form>
      {created && (
        <div className="card" role="status">
          <p>Token <strong>{created.name}</strong> for {created.user} (expires {when(created.expiresAt)}). Copy it now: it is not shown again.</p>
          <input readOnly aria-label="New token" value={created.token} onFocus={(e) => e.target.select()} className="secret" />
        </div>
      )}
      <form
        className="inline"
        onSubmit={async (e) => {
          e.preventDefault();
          if (window.confirm(`Revoke token ${revoke}? It stops working at once.`) && (await action.run(() => call(api.DELETE("/api/tokens/{name}", { params: { path: { name: revoke } } }))))) setRevoke("");
        }}
      >
        <Field label="Revoke a token by name"><input required value={revoke} onChange={(e) => setRevoke(e.target.value)} /></Field>
        <button type="submit" className="danger" disabled={action.busy}>Revoke</button>
      </form>
      <Problem message={action.error} />
    </section>
  );
}

function Quotas() {
  const [owner, setOwner] = useState("default");
  const [shown, setShown] = useState("default");
  const quota = usePolled((signal) => call(api.GET("/api/quotas/{owner}", { params: { path: { owner: shown } }, signal })), [shown]);
  const [limits, setLimits] = useState<Schemas["QuotaLimits"]>({});
  const action = useAction();
  const number = (key: keyof Schemas["QuotaLimits"], label: string) => (
    <Field label={label} hint={`now: ${quota.data?.limits[key] ?? "no limit"}`}>
      <input type="number" min={0} step={key === "maxCpu" ? "0.5" : "1"} value={limits[key] ?? ""} onChange={(e) => setLimits({ ...limits, [key]: e.target.value === "" ? undefined : Number(e.target.value) })} />
    </Field>
  );
  return (
    <section>
      <h2>Quotas</h2>
      <form className="inline" onSubmit={(e) => { e.preventDefault(); setShown(owner.trim() || "default"); setLimits({}); }}>
        <Field label="User (or default)"><input value={owner} onChange={(e) => setOwner(e.target.value)} /></Field>
        <button type="submit">Show</button>
      </form>
      <Problem message={quota.error} />
      {quota.data && (
        <form
          className="card"
          aria-label={`Quota of ${shown}`}
          onSubmit={async (e) => {
            e.preventDefault();
            if (await action.run(() => call(api.PUT("/api/quotas/{owner}", { params: { path: { owner: shown } }, body: { ...quota.data!.limits, ...limits } })))) quota.reload();
          }}
        >
          {quota.data.usage && <p>In use: {quota.data.usage.workspaces} workspaces ({quota.data.usage.runningWorkspaces} running), {quota.data.usage.cpu} CPU, {quota.data.usage.memoryMiB} MiB.</p>}
          <div className="grid">
            {number("maxWorkspaces", "Max workspaces")}
            {number("maxRunningWorkspaces", "Max running")}
            {number("maxCpu", "Max CPU")}
            {number("maxMemoryMiB", "Max memory (MiB)")}
          </div>
          <button type="submit" disabled={action.busy}>Save quota of {shown}</button>
          <Problem message={action.error} />
        </form>
      )}
    </section>
  );
}

function Audit() {
  const [actor, setActor] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [filters, setFilters] = useState<{ actor?: string; from?: string; to?: string }>({});
  const [pages, setPages] = useState<Schemas["AuditEntryView"][][]>([]);
  const [next, setNext] = useState<string | undefined>(undefined);
  const first = usePolled(
    async (signal) => {
      const page = await call(api.GET("/api/audit", { params: { query: { ...filters, max: 50 } }, signal }));
      setPages([page.items]);
      setNext(page.continuationToken);
      return page;
    },
    [JSON.stringify(filters)],
  );
  const more = useAction();
  const rows = pages.flat();
  const iso = (local: string) => (local ? new Date(local).toISOString() : undefined);
  return (
    <section>
      <h2>Audit log</h2>
      <form className="inline" aria-label="Audit filters" onSubmit={(e) => { e.preventDefault(); setFilters({ actor: actor || undefined, from: iso(from), to: iso(to) }); }}>
        <Field label="Actor"><input value={actor} onChange={(e) => setActor(e.target.value)} placeholder="user:alice" /></Field>
        <Field label="From"><input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} /></Field>
        <Field label="To"><input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} /></Field>
        <button type="submit">Filter</button>
      </form>
      <Problem message={first.error ?? more.error} />
      {first.data && rows.length === 0 && <Empty>No audit entries match. Widen the time range (the default is the last 24 hours) or clear the actor.</Empty>}
      {rows.length > 0 && (
        <div className="scroll">
          <table className="list">
            <thead><tr><th>At</th><th>Actor</th><th>Action</th><th>Target</th><th>Result</th></tr></thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.at}-${r.requestId}`}>
                  <td data-label="At">{when(r.at)}</td>
                  <td data-label="Actor">{r.actor}</td>
                  <td data-label="Action">{r.action}{r.count ? ` ×${r.count}` : ""}</td>
                  <td data-label="Target">{r.target}</td>
                  <td data-label="Result">{r.result} ({r.status}){r.detail ? ` ${r.detail}` : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next && (
        <button type="button" disabled={more.busy} onClick={() => more.run(async () => {
          const page = await call(api.GET("/api/audit", { params: { query: { ...filters, max: 50, continuationToken: next } } }));
          setPages([...pages, page.items]);
          setNext(page.continuationToken);
        })}>
          Load more
        </button>
      )}
    </section>
  );
}
