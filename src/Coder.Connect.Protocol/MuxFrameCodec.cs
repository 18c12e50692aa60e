using System.Buffers.Binary;

namespace Coder.Connect.Protocol;

/// <summary>
/// Reads and writes the frames of the connect protocol, which multiplexes sessions over one byte stream.
/// <code>
/// frame   = length:u32be  type:u8  session:u32be  payload[length - 5]      (length counts type, session and payload)
/// type    1 open    payload = UTF-8 JSON OpenSessionRequest {"kind":"pty|exec|tcp","command":[..],"port":n,"cols":c,"rows":r}
///         2 data    payload = channel:u8 (0 stdin, 1 stdout, 2 stderr)  bytes
///         3 resize  payload = cols:u16be rows:u16be                      (pty only)
///         4 signal  payload = signal:u8 (POSIX number, e.g. 2 SIGINT)    (pty and exec)
///         5 exit    payload = code:i32be                                 (agent → client, then close)
///         6 close   payload = empty; the sender sends no more data on the session (stdin EOF, TCP half-close)
///         7 error   payload = UTF-8 message; the session is over (refused open, failed start, broken window)
///         8 window  payload = credit:u32be; the receiver of data grants the sender that many more bytes
/// </code>
/// Flow control: each side may have at most <see cref="InitialWindow"/> data bytes per session in flight and sends
/// <c>window</c> as it consumes them, so a slow session stops its own sender instead of the shared stream. A receiver may
/// grant more up front: the agent and the CLI each send <c>window</c> with <see cref="ReceiveWindow"/> less
/// <see cref="InitialWindow"/> as a session opens (the agent for its input, the CLI for its output), so a fast stream is
/// not held to one initial window per round trip through the relay; a peer that does not (an older one) still gets
/// <see cref="InitialWindow"/>, and the frames are unchanged.
/// A frame's length is at most <see cref="MaxFrameLength"/>; a data frame carries at most <see cref="MaxDataChunk"/> bytes.
/// </summary>
public static class MuxFrameCodec
{
    public const int HeaderLength = 9;
    public const int MaxDataChunk = 60 * 1024;
    public const int MaxFrameLength = 64 * 1024;
    public const int InitialWindow = 1024 * 1024;

    /// <summary>The window this side grants each session it receives data on: <see cref="InitialWindow"/> and a window frame at open for the rest.</summary>
    public const int ReceiveWindow = 4 * 1024 * 1024;

    /// <summary>What a receiver grants beyond <see cref="InitialWindow"/> as a session opens.</summary>
    public const int OpeningGrant = ReceiveWindow - InitialWindow;

    /// <returns>The next frame, or null at the end of the stream between frames.</returns>
    public static async ValueTask<MuxFrame?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        byte[] header = new byte[HeaderLength];
        int read = await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken);
        if (read == 0) return null;
        if (read < header.Length) throw new MuxProtocolException("the stream ended inside a frame header");
        uint length = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (length < 5 || length > MaxFrameLength) throw new MuxProtocolException($"frame length {length} is outside 5..{MaxFrameLength}");
        var type = (MuxFrameType)header[4];
        if (!Enum.IsDefined(type)) throw new MuxProtocolException($"unknown frame type {header[4]}");
        uint sessionId = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(5));
        byte[] payload = new byte[length - 5];
        await stream.ReadExactlyAsync(payload, cancellationToken);
        var frame = new MuxFrame(type, sessionId, payload);
        Validate(frame);
        return frame;
    }

    public static byte[] Encode(MuxFrame frame)
    {
        byte[] buffer = new byte[HeaderLength + frame.Payload.Length];
        WriteHeader(buffer, frame.Type, frame.SessionId, frame.Payload.Length);
        frame.Payload.Span.CopyTo(buffer.AsSpan(HeaderLength));
        return buffer;
    }

    /// <summary>Writes the <see cref="HeaderLength"/> bytes that precede a payload of <paramref name="payloadLength"/> bytes.</summary>
    public static void WriteHeader(Span<byte> destination, MuxFrameType type, uint sessionId, int payloadLength)
    {
        int length = 5 + payloadLength;
        if (length > MaxFrameLength) throw new ArgumentException($"frame length {length} exceeds {MaxFrameLength}", nameof(payloadLength));
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)length);
        destination[4] = (byte)type;
        BinaryPrimitives.WriteUInt32BigEndian(destination[5..], sessionId);
    }

    static void Validate(MuxFrame frame)
    {
        int expected = frame.Type switch
        {
            MuxFrameType.Resize => 4,
            MuxFrameType.Signal => 1,
            MuxFrameType.Exit or MuxFrameType.Window => 4,
            MuxFrameType.Close => 0,
            _ => -1,
        };
        if (expected >= 0 && frame.Payload.Length != expected)
            throw new MuxProtocolException($"a {frame.Type} frame carries {expected} payload bytes, not {frame.Payload.Length}");
        if (frame.Type == MuxFrameType.Data && (frame.Payload.Length < 1 || frame.Payload.Span[0] > (byte)MuxChannel.Stderr))
            throw new MuxProtocolException("a data frame starts with a channel byte 0, 1 or 2");
    }
}
