namespace Coder.Orchestrations.Provisioning.Local.ChunkStore;

/// <summary>
/// FastCDC-style content-defined chunking over a gear rolling hash with normalized chunk sizes. Boundaries depend only on
/// nearby bytes, so an edit moves the boundaries around it and no others: unchanged regions keep their chunks and hashes.
/// The gear table is derived from a fixed seed and must never change, or every stored chunk stops matching.
/// </summary>
public static class ContentDefinedChunker
{
    // 512 KiB on average: half the requests of 256 KiB chunks on a first snapshot, while an edit still rewrites
    // little more than half a MiB.
    public const int MinSize = 128 * 1024;
    public const int AverageSize = 512 * 1024;
    public const int MaxSize = 2 * 1024 * 1024;

    // Normalized chunking: a harder mask before the average size and an easier one after it narrows the size spread.
    // The hash's high bits depend on the last 64 bytes, so the masks test high bits.
    const ulong MaskSmall = ~0UL << (64 - 21);
    const ulong MaskLarge = ~0UL << (64 - 17);

    static readonly ulong[] Gear = CreateGear();

    /// <summary>The length of the chunk that starts at <paramref name="data"/>[0]. Pass at least <see cref="MaxSize"/> bytes unless the data ends sooner.</summary>
    public static int NextChunkLength(ReadOnlySpan<byte> data)
    {
        int n = data.Length;
        if (n <= MinSize) return n;
        int limit = Math.Min(n, MaxSize);
        int normal = Math.Min(limit, AverageSize);
        ulong hash = 0;
        int i = MinSize;
        var gear = Gear;
        for (; i < normal; i++)
        {
            hash = (hash << 1) + gear[data[i]];
            if ((hash & MaskSmall) == 0) return i + 1;
        }

        for (; i < limit; i++)
        {
            hash = (hash << 1) + gear[data[i]];
            if ((hash & MaskLarge) == 0) return i + 1;
        }

        return limit;
    }

    static ulong[] CreateGear()
    {
        // SplitMix64 from a fixed seed: stable across runs, processes and versions.
        var table = new ulong[256];
        ulong state = 0x9E3779B97F4A7C15UL;
        for (int i = 0; i < table.Length; i++)
        {
            state += 0x9E3779B97F4A7C15UL;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            table[i] = z ^ (z >> 31);
        }

        return table;
    }
}
