using System.IO.Compression;
using System.Security.Cryptography;

namespace Coder.Orchestrations.Provisioning.Local.ChunkStore;

/// <summary>
/// A stored chunk is one codec byte and the payload: Brotli when it pays, raw when the data does not compress (random
/// or already compressed data), so incompressible data costs no decoding on restore. The name of a chunk is the SHA-256
/// of its uncompressed content, checked on every read. Deflate chunks of earlier snapshots still decode.
/// </summary>
public static class ChunkCodec
{
    const byte Raw = 0;
    const byte Deflate = 1;
    const byte Brotli = 2;
    const int SampleSize = 16 * 1024;

    // Quality 1: several times faster than fastest deflate on low-entropy binaries at a better ratio, and as fast on text.
    const int BrotliQuality = 1;
    const int BrotliWindowBits = 22;

    public static string Hash(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public static byte[] Encode(ReadOnlySpan<byte> content)
    {
        // A sample that does not shrink means the whole chunk will not either: skip the full attempt.
        if (content.Length > 4 * SampleSize && CompressedLength(content[..SampleSize]) > SampleSize * 95 / 100) return WithHeader(Raw, content);
        byte[] result = new byte[1 + BrotliEncoder.GetMaxCompressedLength(content.Length)];
        if (!BrotliEncoder.TryCompress(content, result.AsSpan(1), out int written, BrotliQuality, BrotliWindowBits) || written + 1 >= content.Length)
            return WithHeader(Raw, content);
        result[0] = Brotli;
        return result.AsSpan(0, written + 1).ToArray();
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
                Brotli => Unbrotli(stored[1..], expectedLength),
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

    static int CompressedLength(ReadOnlySpan<byte> sample)
    {
        Span<byte> output = new byte[BrotliEncoder.GetMaxCompressedLength(sample.Length)];
        return BrotliEncoder.TryCompress(sample, output, out int written, BrotliQuality, BrotliWindowBits) ? written : int.MaxValue;
    }

    static byte[] Unbrotli(ReadOnlySpan<byte> payload, int expectedLength)
    {
        // A payload longer than the manifest says does not fit and fails; a shorter one is caught by the length.
        var content = new byte[expectedLength];
        if (!BrotliDecoder.TryDecompress(payload, content, out int written) || written != expectedLength)
            throw new InvalidDataException("The Brotli payload does not decode to the length in the manifest.");
        return content;
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
