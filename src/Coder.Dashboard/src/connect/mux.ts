// The connect protocol in the browser: the same frames, byte for byte, as src/Coder.Connect.Protocol (MuxFrameCodec,
// MuxFrame, MuxClient, MuxClientSession), over a WebSocket the page opens to the relay as a Hybrid Connections sender
// (HybridConnectionProtocol.Address). The browser is a third kind of sender beside the CLI and OpenSSH's ProxyCommand;
// the agent cannot tell them apart.
//
// frame   = length:u32be  type:u8  session:u32be  payload[length - 5]
// type    1 open (UTF-8 JSON)  2 data (channel:u8 bytes)  3 resize (cols:u16be rows:u16be)  4 signal (u8)
//         5 exit (i32be)  6 close (empty)  7 error (UTF-8 message)  8 window (credit:u32be)

export const HeaderLength = 9;
export const MaxDataChunk = 60 * 1024;
export const MaxFrameLength = 64 * 1024;
/** What each side may send on a session before the peer grants more. */
export const InitialWindow = 1024 * 1024;
/** What this side lets the agent have in flight: the initial window and, at open, a window frame for the rest (as the CLI). */
export const ReceiveWindow = 4 * 1024 * 1024;
export const OpeningGrant = ReceiveWindow - InitialWindow;

export const FrameType = { Open: 1, Data: 2, Resize: 3, Signal: 4, Exit: 5, Close: 6, Error: 7, Window: 8 } as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

export const Channel = { Stdin: 0, Stdout: 1, Stderr: 2 } as const;

/** The payload of an open frame, serialized as the C# record is (camelCase, absent fields left out). */
export interface OpenSessionRequest {
  kind: "pty" | "exec" | "tcp";
  command?: string[];
  port?: number;
  cols?: number;
  rows?: number;
}

export interface Frame {
  type: FrameType;
  session: number;
  payload: Uint8Array;
}

export class MuxProtocolError extends Error {}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

export function encodeFrame(type: FrameType, session: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const length = 5 + payload.length;
  if (length > MaxFrameLength) throw new RangeError(`frame length ${length} exceeds ${MaxFrameLength}`);
  const bytes = new Uint8Array(HeaderLength + payload.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, length);
  bytes[4] = type;
  view.setUint32(5, session);
  bytes.set(payload, HeaderLength);
  return bytes;
}

function u32(value: number) {
  const payload = new Uint8Array(4);
  new DataView(payload.buffer).setUint32(0, value);
  return payload;
}

export const frames = {
  open: (session: number, request: OpenSessionRequest) => encodeFrame(FrameType.Open, session, utf8.encode(JSON.stringify(request))),
  data: (session: number, channel: number, data: Uint8Array) => {
    const payload = new Uint8Array(data.length + 1);
    payload[0] = channel;
    payload.set(data, 1);
    return encodeFrame(FrameType.Data, session, payload);
  },
  resize: (session: number, cols: number, rows: number) => {
    const payload = new Uint8Array(4);
    const view = new DataView(payload.buffer);
    view.setUint16(0, cols);
    view.setUint16(2, rows);
    return encodeFrame(FrameType.Resize, session, payload);
  },
  signal: (session: number, signal: number) => encodeFrame(FrameType.Signal, session, Uint8Array.of(signal)),
  close: (session: number) => encodeFrame(FrameType.Close, session),
  error: (session: number, message: string) => encodeFrame(FrameType.Error, session, utf8.encode(message)),
  window: (session: number, credit: number) => encodeFrame(FrameType.Window, session, u32(credit)),
};

const fixedPayload: Partial<Record<FrameType, number>> = {
  [FrameType.Resize]: 4, [FrameType.Signal]: 1, [FrameType.Exit]: 4, [FrameType.Window]: 4, [FrameType.Close]: 0,
};
const frameNames = ["", "Open", "Data", "Resize", "Signal", "Exit", "Close", "Error", "Window"];

/** Cuts frames out of the byte stream however the relay's messages split it (a frame may span messages, or share one). */
export class FrameReader {
  private buffer = new Uint8Array(0);

  push(chunk: Uint8Array): Frame[] {
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer);
    joined.set(chunk, this.buffer.length);
    const out: Frame[] = [];
    let offset = 0;
    while (joined.length - offset >= HeaderLength) {
      const view = new DataView(joined.buffer, offset);
      const length = view.getUint32(0);
      if (length < 5 || length > MaxFrameLength) throw new MuxProtocolError(`frame length ${length} is outside 5..${MaxFrameLength}`);
      const type = joined[offset + 4];
      if (type < FrameType.Open || type > FrameType.Window) throw new MuxProtocolError(`unknown frame type ${type}`);
      if (joined.length - offset < 4 + length) break;
      const frame = { type: type as FrameType, session: view.getUint32(5), payload: joined.slice(offset + HeaderLength, offset + 4 + length) };
      validate(frame);
      out.push(frame);
      offset += 4 + length;
    }
    this.buffer = joined.slice(offset);
    return out;
  }
}

function validate(frame: Frame) {
  const expected = fixedPayload[frame.type];
  if (expected !== undefined && frame.payload.length !== expected)
    throw new MuxProtocolError(`a ${frameNames[frame.type]} frame carries ${expected} payload bytes, not ${frame.payload.length}`);
  if (frame.type === FrameType.Data && (frame.payload.length < 1 || frame.payload[0] > Channel.Stderr))
    throw new MuxProtocolError("a data frame starts with a channel byte 0, 1 or 2");
}

/** Uri.EscapeDataString: everything but the unreserved characters escaped (encodeURIComponent leaves !'()* alone). */
function escapeData(value: string) {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

/** 32 hex digits, as the CLI's Guid.ToString("N"); getRandomValues, since randomUUID needs a secure context. */
function randomId() {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The sender's address: `ws[s]://{host}/$hc/{path}?sb-hc-action=connect&sb-hc-id=..&sb-hc-token=..`, as the CLI builds it. */
export function relayAddress(relayUrl: string, path: string, token: string, id: string = randomId()) {
  const relay = new URL(relayUrl);
  const scheme = relay.protocol === "https:" || relay.protocol === "wss:" ? "wss" : "ws";
  const escapedPath = path.replace(/^\/+|\/+$/g, "").split("/").map(escapeData).join("/");
  return `${scheme}://${relay.host}/$hc/${escapedPath}?sb-hc-action=connect&sb-hc-id=${escapeData(id)}&sb-hc-token=${escapeData(token)}`;
}

export interface SessionEvents {
  /** Output (stdout or stderr); call `consumed` once it is shown, which grants the agent that much window again. */
  output(bytes: Uint8Array, channel: number, consumed: () => void): void;
  /** The session is over: with the remote exit code, or with why it failed (refused, broken, connection lost). */
  ended(outcome: { code?: number; error?: string; connectionLost?: boolean }): void;
}

/** One session on a connection: input within the window the agent grants, output granted back as it is consumed. */
export class MuxSession {
  private sendCredit = InitialWindow;
  private unconsumed = 0;
  private readonly pending: Uint8Array[] = [];
  private exitCode: number | undefined;
  private over = false;

  constructor(private readonly connection: MuxConnection, readonly id: number, private readonly events: SessionEvents) {}

  get isOver() {
    return this.over;
  }

  /** Input (stdin); queued while the agent has granted no window for it. Input to a session that is over is dropped. */
  write(data: Uint8Array) {
    if (this.over || data.length === 0) return;
    this.pending.push(data);
    this.flush();
  }

  resize(cols: number, rows: number) {
    if (!this.over) this.connection.send(frames.resize(this.id, cols, rows));
  }

  signal(signal: number) {
    if (!this.over) this.connection.send(frames.signal(this.id, signal));
  }

  /** Ends the session from this side (an error frame): the agent ends its process. */
  abort(reason: string) {
    if (this.over) return;
    this.connection.send(frames.error(this.id, reason));
    this.end({ error: reason });
  }

  private flush() {
    while (this.pending.length > 0 && this.sendCredit > 0) {
      const head = this.pending[0];
      const take = Math.min(head.length, this.sendCredit, MaxDataChunk);
      this.connection.send(frames.data(this.id, Channel.Stdin, head.subarray(0, take)));
      this.sendCredit -= take;
      if (take === head.length) this.pending.shift();
      else this.pending[0] = head.subarray(take);
    }
  }

  /** @returns a protocol violation to answer with an error frame, or null. */
  receive(frame: Frame): string | null {
    if (this.over) return null;
    const view = new DataView(frame.payload.buffer, frame.payload.byteOffset, frame.payload.byteLength);
    switch (frame.type) {
      case FrameType.Data: {
        const channel = frame.payload[0];
        if (channel === Channel.Stdin) return null; // The agent has no stdin to send; ignored, as the CLI does.
        const bytes = frame.payload.subarray(1);
        this.unconsumed += bytes.length;
        if (this.unconsumed > ReceiveWindow) {
          const violation = `more than ${ReceiveWindow} bytes in flight without a window`;
          this.end({ error: `the agent broke the protocol: ${violation}` });
          return violation;
        }
        let granted = false;
        this.events.output(bytes, channel, () => {
          if (granted) return;
          granted = true;
          this.unconsumed -= bytes.length;
          if (!this.over && bytes.length > 0) this.connection.send(frames.window(this.id, bytes.length));
        });
        return null;
      }
      case FrameType.Window:
        this.sendCredit += view.getUint32(0);
        this.flush();
        return null;
      case FrameType.Exit:
        this.exitCode = view.getInt32(0);
        return null;
      case FrameType.Close:
        this.end(this.exitCode === undefined ? { error: "the session closed without an exit code" } : { code: this.exitCode });
        return null;
      case FrameType.Error:
        this.end({ error: fromUtf8.decode(frame.payload) });
        return null;
      default:
        return null;
    }
  }

  end(outcome: { code?: number; error?: string; connectionLost?: boolean }) {
    if (this.over) return;
    this.over = true;
    this.pending.length = 0;
    this.connection.retire(this);
    this.events.ended(outcome);
  }
}

/**
 * The browser's end of one relayed connection to an agent (MuxClient): sessions with ids of its own, the agent's frames
 * routed to them, every open session failed when the connection ends. Closing the WebSocket ends the agent's sessions.
 */
export class MuxConnection {
  private readonly sessions = new Map<number, MuxSession>();
  private readonly reader = new FrameReader();
  private nextId = 0;
  private closedReason: string | null = null;

  private constructor(private readonly socket: WebSocket, private readonly onClosed: (reason: string) => void) {
    socket.onmessage = (event) => this.onMessage(new Uint8Array(event.data as ArrayBuffer));
    socket.onclose = (event) => this.lost(event.reason || (event.wasClean ? "the agent closed the connection" : `the relay connection dropped (code ${event.code})`));
  }

  /**
   * Opens the WebSocket. A browser is not told why an upgrade was refused (the relay's 404, 429 or 401), so a refusal is
   * one message naming the likely causes.
   */
  static connect(address: string, onClosed: (reason: string) => void, signal?: AbortSignal): Promise<MuxConnection> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(address);
      socket.binaryType = "arraybuffer";
      const abort = () => {
        socket.close(1000);
        reject(new DOMException("The connection was abandoned.", "AbortError"));
      };
      signal?.addEventListener("abort", abort, { once: true });
      socket.onopen = () => {
        signal?.removeEventListener("abort", abort);
        resolve(new MuxConnection(socket, onClosed));
      };
      socket.onclose = (event) => {
        signal?.removeEventListener("abort", abort);
        reject(new Error(`the relay refused the connection (code ${event.code}): the agent may not be listening yet, or it holds its maximum of connections`));
      };
    });
  }

  get isClosed() {
    return this.closedReason !== null;
  }

  /** Opens a session and grants the agent the rest of the receive window at once, as the CLI does. */
  open(request: OpenSessionRequest, events: SessionEvents): MuxSession {
    const id = ++this.nextId;
    const session = new MuxSession(this, id, events);
    this.sessions.set(id, session);
    if (this.closedReason !== null) {
      session.end({ error: `the connection is closed: ${this.closedReason}`, connectionLost: true });
      return session;
    }
    this.send(frames.open(id, request));
    this.send(frames.window(id, OpeningGrant));
    return session;
  }

  send(frame: Uint8Array) {
    if (this.closedReason === null && this.socket.readyState === WebSocket.OPEN) this.socket.send(frame);
  }

  retire(session: MuxSession) {
    if (this.sessions.get(session.id) === session) this.sessions.delete(session.id);
  }

  /** Closes the connection; the agent ends every session it holds on it. */
  close(reason = "the connection was closed") {
    this.lost(reason);
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.close(1000);
  }

  private onMessage(bytes: Uint8Array) {
    let incoming: Frame[];
    try {
      incoming = this.reader.push(bytes);
    } catch (e) {
      this.close(e instanceof Error ? e.message : String(e));
      return;
    }
    for (const frame of incoming) {
      // Frames of a session that is over (or never was) are late, not wrong.
      const violation = this.sessions.get(frame.session)?.receive(frame);
      if (violation) this.send(frames.error(frame.session, violation));
    }
  }

  private lost(reason: string) {
    if (this.closedReason !== null) return;
    this.closedReason = reason;
    for (const session of [...this.sessions.values()]) session.end({ error: `the connection was lost: ${reason}`, connectionLost: true });
    this.onClosed(reason);
  }
}
