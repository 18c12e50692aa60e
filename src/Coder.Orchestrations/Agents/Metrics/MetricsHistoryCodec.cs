using System.Buffers.Binary;

namespace Coder.Orchestrations.Agents.Metrics;

/// <summary>Packs buckets into 40 bytes each (little-endian: start, samples, four percentages, size, sessions, OOM count).</summary>
public static class MetricsHistoryCodec
{
    public const int BucketBytes = 40;
    const byte Version = 1;

    public static byte[] Encode(IReadOnlyList<MetricBucket> buckets)
    {
        var data = new byte[1 + buckets.Count * BucketBytes];
        data[0] = Version;
        var span = data.AsSpan(1);
        foreach (var b in buckets)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span, b.Start.ToUnixTimeSeconds());
            BinaryPrimitives.WriteUInt16LittleEndian(span[8..], (ushort)Math.Min(b.Samples, ushort.MaxValue));
            BinaryPrimitives.WriteSingleLittleEndian(span[10..], (float)b.CpuPercent);
            BinaryPrimitives.WriteSingleLittleEndian(span[14..], (float)b.CpuPercentMax);
            BinaryPrimitives.WriteSingleLittleEndian(span[18..], (float)b.MemoryPercent);
            BinaryPrimitives.WriteSingleLittleEndian(span[22..], (float)b.MemoryPercentMax);
            BinaryPrimitives.WriteSingleLittleEndian(span[26..], (float)b.Cpu);
            BinaryPrimitives.WriteInt32LittleEndian(span[30..], b.MemoryMiB);
            BinaryPrimitives.WriteUInt16LittleEndian(span[34..], (ushort)Math.Clamp(b.SessionsMax, 0, ushort.MaxValue));
            BinaryPrimitives.WriteInt32LittleEndian(span[36..], b.OomKills);
            span = span[BucketBytes..];
        }

        return data;
    }

    /// <summary>The buckets, oldest first; empty for missing or unknown data (a history is advisory, never fatal).</summary>
    public static List<MetricBucket> Decode(byte[]? data)
    {
        var result = new List<MetricBucket>();
        if (data is not { Length: > 0 } || data[0] != Version || (data.Length - 1) % BucketBytes != 0) return result;
        ReadOnlySpan<byte> span = data.AsSpan(1);
        while (span.Length >= BucketBytes)
        {
            result.Add(new MetricBucket(
                DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64LittleEndian(span)),
                BinaryPrimitives.ReadUInt16LittleEndian(span[8..]),
                BinaryPrimitives.ReadSingleLittleEndian(span[10..]),
                BinaryPrimitives.ReadSingleLittleEndian(span[14..]),
                BinaryPrimitives.ReadSingleLittleEndian(span[18..]),
                BinaryPrimitives.ReadSingleLittleEndian(span[22..]),
                BinaryPrimitives.ReadUInt16LittleEndian(span[34..]),
                BinaryPrimitives.ReadInt32LittleEndian(span[36..]),
                Math.Round(BinaryPrimitives.ReadSingleLittleEndian(span[26..]), 2),
                BinaryPrimitives.ReadInt32LittleEndian(span[30..])));
            span = span[BucketBytes..];
        }

        return result;
    }
}
