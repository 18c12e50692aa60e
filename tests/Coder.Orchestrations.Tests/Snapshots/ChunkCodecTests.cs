using System.IO.Compression;
using System.Text;
using Coder.Orchestrations.Provisioning.Local.ChunkStore;

namespace Coder.Orchestrations.Tests.Snapshots;

/// <summary>The stored form of a chunk: what is written now, and what earlier snapshots wrote, decode and verify.</summary>
public sealed class ChunkCodecTests
{
    static readonly byte[] Text = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 20_000).Select(i => $"let value{i % 997} = compute({i % 89});\n")));

    [Fact]
    public void Encode_CompressibleText_StoresSmallerAndDecodesToTheSameBytes()
    {
        byte[] stored = ChunkCodec.Encode(Text);
        Assert.True(stored.Length < Text.Length / 3, $"{stored.Length} of {Text.Length}");
        Assert.Equal(Text, ChunkCodec.Decode(ChunkCodec.Hash(Text), stored, Text.Length));
    }

    [Fact]
    public void Encode_RandomData_StoresItRawWithOneHeaderByte()
    {
        byte[] random = new byte[256 * 1024];
        new Random(5).NextBytes(random);
        byte[] stored = ChunkCodec.Encode(random);
        Assert.Equal(random.Length + 1, stored.Length);
        Assert.Equal(random, ChunkCodec.Decode(ChunkCodec.Hash(random), stored, random.Length));
    }

    [Fact]
    public void Decode_DeflateChunkOfAnEarlierFormat_StillDecodes()
    {
        using var output = new MemoryStream();
        output.WriteByte(1);
        using (var deflate = new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true)) deflate.Write(Text);
        Assert.Equal(Text, ChunkCodec.Decode(ChunkCodec.Hash(Text), output.ToArray(), Text.Length));
    }

    [Fact]
    public void Decode_FlippedByteInACompressedChunk_FailsWithTheChunkHash()
    {
        byte[] stored = ChunkCodec.Encode(Text);
        stored[stored.Length / 2] ^= 0x01;
        string hash = ChunkCodec.Hash(Text);
        var error = Assert.Throws<SnapshotCorruptException>(() => ChunkCodec.Decode(hash, stored, Text.Length));
        Assert.Contains(hash, error.Message);
        Assert.Contains("is corrupt", error.Message);
    }
}
