// The Terminal tab: xterm.js on a pty session in the workspace, through the relay (connect/mux.ts). Loaded on demand
// (Workspace.tsx imports it lazily), so xterm's code and CSS stay out of the list page's bundle.
import { useEffect, useRef, useState } from "react";
import { Terminal as XTerm } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import { api, call, type Workspace } from "./api/client";
import { messageOf } from "./hooks";
import { MuxConnection, relayAddress, type MuxSession } from "./connect/mux";
import { Field, Problem } from "./ui";

type State = { kind: "connecting" } | { kind: "connected" } | { kind: "ended"; message: string; failed: boolean };

const input = new TextEncoder();

export default function TerminalTab({ workspace }: { workspace: Workspace }) {
  const [replica, setReplica] = useState(0);
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<State>({ kind: "connecting" });
  const [size, setSize] = useState<{ cols: number; rows: number } | null>(null);
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = host.current!;
    const controller = new AbortController();
    const term = new XTerm({
      cursorBlink: true,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
      fontSize: 14,
      scrollback: 5000,
    });
    term.open(element);
    let connection: MuxConnection | null = null;
    let session: MuxSession | null = null;
    setState({ kind: "connecting" });

    // Fit the grid to the container: the cell size is what the renderer drew (its screen over its grid).
    const fit = () => {
      const screen = element.querySelector<HTMLElement>(".xterm-screen");
      if (!screen || screen.offsetWidth === 0 || element.clientWidth === 0) return;
      const cellWidth = screen.offsetWidth / term.cols;
      const cellHeight = screen.offsetHeight / term.rows;
      const style = getComputedStyle(element);
      const width = element.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - ScrollbarWidth;
      const height = element.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
      const cols = Math.max(MinCols, Math.floor(width / cellWidth));
      const rows = Math.max(MinRows, Math.floor(height / cellHeight));
      if (cols !== term.cols || rows !== term.rows) term.resize(cols, rows);
      setSize({ cols: term.cols, rows: term.rows });
    };
    fit();
    const observer = new ResizeObserver(() => fit());
    observer.observe(element);

    const typed = term.onData((data) => session?.write(input.encode(data)));
    const binary = term.onBinary((data) => session?.write(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff)));
    const resized = term.onResize(({ cols, rows }) => {
      session?.resize(cols, rows);
      setSize({ cols, rows });
    });

    const end = (message: string, failed: boolean) => {
      if (controller.signal.aborted) return;
      setState({ kind: "ended", message, failed });
      term.write(`\r\n\x1b[2m[${message}]\x1b[0m\r\n`);
    };

    (async () => {
      try {
        const ticket = await call(api.POST("/api/workspaces/{id}/connect", { params: { path: { id: workspace.id } }, body: { replica }, signal: controller.signal }));
        connection = await MuxConnection.connect(relayAddress(ticket.relayUrl, ticket.path, ticket.token), () => undefined, controller.signal);
        session = connection.open(
          { kind: "pty", cols: term.cols, rows: term.rows },
          {
            output: (bytes, _channel, consumed) => term.write(bytes, consumed),
            ended: ({ code, error, connectionLost }) => {
              if (code !== undefined) end(`exited ${code}`, false);
              else end(connectionLost ? (error ?? "the connection was lost") : `the session ended: ${error}`, true);
              connection?.close();
            },
          },
        );
        setState({ kind: "connected" });
        term.focus();
      } catch (e) {
        if (controller.signal.aborted) return;
        setState({ kind: "ended", message: messageOf(e), failed: true });
      }
    })();

    // Leaving the tab (or the page) closes the connection, and with it the agent's shell.
    return () => {
      controller.abort();
      observer.disconnect();
      typed.dispose();
      binary.dispose();
      resized.dispose();
      connection?.close("the terminal was closed");
      term.dispose();
    };
  }, [workspace.id, replica, attempt]);

  return (
    <div className="terminal-panel">
      <div className="inline">
        {workspace.replicas > 1 && (
          <Field label="Replica">
            <select value={replica} onChange={(e) => setReplica(Number(e.target.value))}>
              {Array.from({ length: workspace.replicas }, (_, i) => (
                <option key={i} value={i}>{i}</option>
              ))}
            </select>
          </Field>
        )}
        <span className="muted" role="status" data-testid="terminal-state">
          {state.kind === "connecting" ? "Connecting…" : state.kind === "connected" ? "Connected" : "Disconnected"}
          {size && ` · ${size.cols}×${size.rows}`}
        </span>
        {state.kind === "ended" && (
          <button type="button" onClick={() => setAttempt((a) => a + 1)}>
            Reconnect
          </button>
        )}
      </div>
      {state.kind === "ended" && state.failed && <Problem message={state.message} />}
      <div
        className="terminal"
        ref={host}
        role="region"
        aria-label={`Terminal of ${workspace.name}`}
        data-cols={size?.cols}
        data-rows={size?.rows}
      />
    </div>
  );
}

/** xterm's scrollbar overlays the right edge; a column is not put under it. */
const ScrollbarWidth = 14;
const MinCols = 20;
const MinRows = 5;
