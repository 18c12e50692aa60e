using System.Buffers.Binary;
using System.Text;

namespace Coder.Connect.Protocol;

/// <summary>One frame of the connect protocol: a type, the session it belongs to and its type-specific payload.</summary>
public readonly record struct MuxFrame(MuxFrameType Type, uint SessionId, ReadOnlyMemory<byte> Payload)
{
    public static MuxFrame Open(uint sessionId, OpenSessionRequest request) =>
        new(MuxFrameType.Open, sessionId, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(request, ConnectJsonContext.Default.OpenSessionRequest));

    public static MuxFrame Data(uint sessionId, MuxChannel channel, ReadOnlySpan<byte> data)
    {
        byte[] payload = new byte[data.Length + 1];
        payload[0] = (byte)channel;
        data.CopyTo(payload.AsSpan(1));
        return new(MuxFrameType.Data, sessionId, payload);
    }

    public static MuxFrame Resize(uint sessionId, ushort cols, ushort rows)
    {
        byte[] payload = new byte[4];
        BinaryPrimitives.WriteUInt16BigEndian(payload, cols);
        BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(2), rows);
        return new(MuxFrameType.Resize, sessionId, payload);
    }

    public static MuxFrame Signal(uint sessionId, byte signal) => new(MuxFrameType.Signal, sessionId, new[] { signal });

    public static MuxFrame Exit(uint sessionId, int code)
    {
        byte[] payload = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(payload, code);
        return new(MuxFrameType.Exit, sessionId, payload);
    }

    public static MuxFrame Close(uint sessionId) => new(MuxFrameType.Close, sessionId, ReadOnlyMemory<byte>.Empty);

    public static MuxFrame Error(uint sessionId, string message) => new(MuxFrameType.Error, sessionId, Encoding.UTF8.GetBytes(message));

    public static MuxFrame Window(uint sessionId, int bytes)
    {
        byte[] payload = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, checked((uint)bytes));
        return new(MuxFrameType.Window, sessionId, payload);
    }

    /// <summary>The channel of a data frame.</summary>
    public MuxChannel Channel => (MuxChannel)Payload.Span[0];

    /// <summary>The bytes of a data frame after its channel byte.</summary>
    public ReadOnlyMemory<byte> Bytes => Payload[1..];

    public (ushort Cols, ushort Rows) Size =>
        (BinaryPrimitives.ReadUInt16BigEndian(Payload.Span), BinaryPrimitives.ReadUInt16BigEndian(Payload.Span[2..]));

    public int Code => BinaryPrimitives.ReadInt32BigEndian(Payload.Span);

    public int Credit => checked((int)BinaryPrimitives.ReadUInt32BigEndian(Payload.Span));

    public string Message => Encoding.UTF8.GetString(Payload.Span);
}
