import { StrictMode, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import { api, call, rememberSession, whenSignedOut, type Session } from "./api/client";
import { Link, navigate, usePath } from "./router";
import { SignIn } from "./SignIn";
import { Workspaces } from "./Workspaces";
import { Workspace } from "./Workspace";
import { Rollout, Template, Templates } from "./Templates";
import { Admin } from "./Admin";
import "./styles.css";

function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const path = usePath();

  useEffect(() => {
    whenSignedOut(() => { rememberSession(null); setSession(null); });
    api.GET("/api/session").then(({ data }) => { rememberSession(data ?? null); setSession(data ?? null); }, () => setSession(null));
  }, []);

  if (session === undefined) return <main aria-busy="true"><p>Loading…</p></main>;
  if (session === null) return <SignIn onSignedIn={(s) => { rememberSession(s); setSession(s); }} />;

  const admin = session.roles.includes("admin");
  const templateAdmin = admin || session.roles.includes("template-admin");
  const signOut = async () => {
    await call(api.DELETE("/api/session")).catch(() => undefined);
    rememberSession(null);
    setSession(null);
    navigate("/");
  };
  const [, section, id] = path.split("/");
  let page;
  if (section === "workspaces" && id) page = <Workspace id={decodeURIComponent(id)} />;
  else if (section === "templates" && id) page = <Template name={decodeURIComponent(id)} />;
  else if (section === "templates") page = <Templates />;
  else if (section === "rollouts" && id) page = <Rollout id={decodeURIComponent(id)} />;
  else if (section === "admin" && admin) page = <Admin />;
  else page = <Workspaces canManageTemplates={templateAdmin} />;

  return (
    <>
      <a className="skip" href="#content">Skip to content</a>
      <header>
        <nav aria-label="Main">
          <strong className="brand">Coder Cloud</strong>
          <Link to="/">Workspaces</Link>
          {templateAdmin && <Link to="/templates">Templates</Link>}
          {admin && <Link to="/admin">Admin</Link>}
        </nav>
        <div className="who">
          <span data-testid="signed-in-user">{session.displayName ?? session.user}</span>
          <button type="button" onClick={signOut}>Sign out</button>
        </div>
      </header>
      <div id="content">{page}</div>
    </>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
