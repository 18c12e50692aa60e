using System.IO.Compression;
using System.Security.Cryptography;

namespace Coder.Orchestrations.Snapshots.Storage;

/// <summary>
/// A stored chunk is one codec byte and the payload: deflate when it pays, raw when the data does not compress (random
/// or already compressed data), so incompressible data costs no inflate on restore. The name of a chunk is the SHA-256
/// of its uncompressed content, checked on every read.
/// </summary>
public static class ChunkCodec
{
    const byte Raw = 0;
    const byte Deflate = 1;
    const int SampleSize = 16 * 1024;

    public static string Hash(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public static byte[] Encode(ReadOnlySpan<byte> content)
    {
        // A sample that does not shrink means the whole chunk will not either: skip the full attempt.
        if (content.Length > 4 * SampleSize && Compress(content[..SampleSize]).Length > SampleSize * 95 / 100) return WithHeader(Raw, content);
        byte[] compressed = Compress(content);
        return compressed.Length + 1 < content.Length ? WithHeader(Deflate, compressed) : WithHeader(Raw, content);
    }

    /// <summary>Decodes a stored chunk and checks it against its name; any mismatch is a <see cref="SnapshotCorruptException"/>.</summary>
    public static byte[] Decode(string expectedHash, ReadOnlySpan<byte> stored, int expectedLength)
    {
        byte[] content;
        try
        {
            content = stored.Length == 0 ? throw new InvalidDataException("The chunk is empty.") : stored[0] switch
            {
                Raw => stored[1..].ToArray(),
                Deflate => Inflate(stored[1..], expectedLength),
                _ => throw new InvalidDataException($"Unknown chunk codec {stored[0]}."),
            };
        }
        catch (InvalidDataException e)
        {
            throw new SnapshotCorruptException($"Chunk {expectedHash} is corrupt: it cannot be decoded ({e.Message}).");
        }

        if (content.Length != expectedLength)
            throw new SnapshotCorruptException($"Chunk {expectedHash} is corrupt: it holds {content.Length} bytes, the manifest expects {expectedLength}.");
        if (Hash(content) != expectedHash)
            throw new SnapshotCorruptException($"Chunk {expectedHash} is corrupt: its content does not match its SHA-256.");
        return content;
    }

    static byte[] WithHeader(byte codec, ReadOnlySpan<byte> payload)
    {
        var result = new byte[payload.Length + 1];
        result[0] = codec;
        payload.CopyTo(result.AsSpan(1));
        return result;
    }

    static byte[] Compress(ReadOnlySpan<byte> content)
    {
        using var output = new MemoryStream(content.Length / 2 + 64);
        using (var deflate = new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true)) deflate.Write(content);
        return output.ToArray();
    }

    static byte[] Inflate(ReadOnlySpan<byte> payload, int expectedLength)
    {
        using var input = new MemoryStream(payload.ToArray(), writable: false);
        using var deflate = new DeflateStream(input, CompressionMode.Decompress);
        var content = new byte[expectedLength];
        int total = 0, read;
        while (total < content.Length && (read = deflate.Read(content, total, content.Length - total)) > 0) total += read;
        if (total != expectedLength || deflate.ReadByte() != -1) throw new InvalidDataException("The inflated length differs from the manifest.");
        return content;
    }
}
