import { useState } from "react";
import { api, call, type Session } from "./api/client";
import { useAction } from "./hooks";
import { Field, Problem } from "./ui";

/** The only thing a visitor without a session sees: no data is loaded before signing in. */
export function SignIn({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const [token, setToken] = useState("");
  const action = useAction();
  return (
    <main className="signin">
      <h1>Sign in to Coder Cloud</h1>
      <p>
        Admins: open the one-time link the host printed when it started (<code>…/login?code=…</code>). On Azure:{" "}
        <a href="/.auth/login/aad?post_login_redirect_uri=/">sign in with Microsoft</a>.
      </p>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          let session: Session | undefined;
          if (await action.run(async () => (session = await call(api.POST("/api/session", { body: { token } }))))) {
            setToken("");
            onSignedIn(session!);
          }
        }}
      >
        <Field label="API token" hint="Your token is exchanged for a session cookie and not kept by this page.">
          <input type="password" autoComplete="off" required value={token} onChange={(e) => setToken(e.target.value)} />
        </Field>
        <button type="submit" disabled={action.busy}>
          Sign in
        </button>
        <Problem message={action.error === "A valid bearer token is required." ? "That token is not valid (unknown, expired or revoked)." : action.error} />
      </form>
    </main>
  );
}
