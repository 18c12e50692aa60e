using Coder.Agent.Connect;
using Coder.Connect.Protocol;

namespace Coder.Agent.Tests.Connect;

/// <summary>Pins the connect protocol's wire format as the comment on <see cref="MuxFrameCodec"/> documents it.</summary>
public sealed class MuxFrameCodecTests
{
    [Fact]
    public void Data_frame_is_length_type_session_channel_bytes_big_endian()
    {
        byte[] bytes = MuxFrameCodec.Encode(MuxFrame.Data(0x01020304, MuxChannel.Stderr, "hi"u8));

        Assert.Equal(new byte[] { 0, 0, 0, 8, 2, 1, 2, 3, 4, 2, (byte)'h', (byte)'i' }, bytes);
    }

    [Fact]
    public void Control_frames_have_their_documented_payloads()
    {
        Assert.Equal(new byte[] { 0, 0, 0, 9, 3, 0, 0, 0, 7, 0, 120, 0, 40 }, MuxFrameCodec.Encode(MuxFrame.Resize(7, 120, 40)));
        Assert.Equal(new byte[] { 0, 0, 0, 6, 4, 0, 0, 0, 7, 2 }, MuxFrameCodec.Encode(MuxFrame.Signal(7, 2)));
        Assert.Equal(new byte[] { 0, 0, 0, 9, 5, 0, 0, 0, 7, 0xff, 0xff, 0xff, 0xfe }, MuxFrameCodec.Encode(MuxFrame.Exit(7, -2)));
        Assert.Equal(new byte[] { 0, 0, 0, 5, 6, 0, 0, 0, 7 }, MuxFrameCodec.Encode(MuxFrame.Close(7)));
        Assert.Equal(new byte[] { 0, 0, 0, 9, 8, 0, 0, 0, 7, 0, 4, 0, 0 }, MuxFrameCodec.Encode(MuxFrame.Window(7, 262144)));
        Assert.Equal("{\"kind\":\"tcp\",\"port\":8080}"u8.ToArray(), MuxFrame.Open(1, new OpenSessionRequest("tcp", Port: 8080)).Payload.ToArray());
    }

    [Fact]
    public async Task Frames_round_trip_and_the_stream_may_end_between_frames()
    {
        using var stream = new MemoryStream();
        stream.Write(MuxFrameCodec.Encode(MuxFrame.Exit(9, 7)));
        stream.Write(MuxFrameCodec.Encode(MuxFrame.Error(9, "näh")));
        stream.Position = 0;

        var exit = await MuxFrameCodec.ReadAsync(stream, CancellationToken.None);
        var error = await MuxFrameCodec.ReadAsync(stream, CancellationToken.None);

        Assert.Equal((MuxFrameType.Exit, 9u, 7), (exit!.Value.Type, exit.Value.SessionId, exit.Value.Code));
        Assert.Equal("näh", error!.Value.Message);
        Assert.Null(await MuxFrameCodec.ReadAsync(stream, CancellationToken.None));
    }

    [Theory]
    [InlineData(new byte[] { 0, 1, 0, 6, 2, 0, 0, 0, 1 }, "length")] // longer than MaxFrameLength
    [InlineData(new byte[] { 0, 0, 0, 5, 99, 0, 0, 0, 1 }, "type")]
    [InlineData(new byte[] { 0, 0, 0, 6, 2, 0, 0, 0, 1, 5 }, "channel")]
    [InlineData(new byte[] { 0, 0, 0, 6, 3, 0, 0, 0, 1, 5 }, "payload")] // a resize needs 4 bytes
    [InlineData(new byte[] { 0, 0, 0, 9, 2 }, "header")]
    public async Task Malformed_frames_are_refused(byte[] bytes, string named)
    {
        using var stream = new MemoryStream(bytes);

        var error = await Assert.ThrowsAsync<MuxProtocolException>(async () => await MuxFrameCodec.ReadAsync(stream, CancellationToken.None));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
