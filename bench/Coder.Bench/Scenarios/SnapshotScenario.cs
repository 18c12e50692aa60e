using System.Diagnostics;
using System.Text;
using Azure.Storage.Blobs;
using Coder.Local.Storage;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Provisioning.Local.ChunkStore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Coder.Bench.Scenarios;

/// <summary>
/// Snapshot and restore throughput of the content-addressed store on a 500 MiB mixed tree (text, binaries, random data),
/// as ratios to <c>tar -cf - | gzip -1</c> and <c>gunzip | tar -x</c> on the same tree in the same run. The second
/// snapshot follows a 1% change and is compared with a fresh full tar of the changed tree (tar has no increments).
/// </summary>
public sealed class SnapshotScenario : IBenchmarkScenario
{
    const long MiB = 1024 * 1024;

    public string Name => "snapshots";

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        string root = Path.Combine(context.ScratchDirectory, "snapshot-tree");
        long total = context.Quick ? 50 * MiB : 500 * MiB;
        long size = GenerateTree(root, total, seed: 20261202);

        await using var azurite = context.StorageConnectionString is null ? await EmbeddedAzurite.StartAsync(Path.Combine(context.ScratchDirectory, "azurite"), cancellationToken) : null;
        string connection = context.StorageConnectionString ?? azurite!.ConnectionString;
        var blobs = new SnapshotBlobs(new BlobContainerClient(connection, SnapshotBlobs.ContainerName("bench" + Environment.ProcessId)));
        var store = new ChunkedBlobSnapshotStore(blobs, Options.Create(new SnapshotStoreOptions()), TimeProvider.System, NullLogger<ChunkedBlobSnapshotStore>.Instance);
        string tarball = Path.Combine(context.ScratchDirectory, "tree.tgz");
        await WarmUpAsync(context.ScratchDirectory, store, cancellationToken);

        double tarFirst = await TimeAsync(() => Shell($"tar -cf - -C '{root}' . | gzip -1 > '{tarball}'", cancellationToken));
        long tarBytes = new FileInfo(tarball).Length;
        double first = await TimeAsync(() => store.CaptureAsync(root, "bench-1", null, cancellationToken));

        string untarDir = Path.Combine(context.ScratchDirectory, "untar");
        Directory.CreateDirectory(untarDir);
        double untar = await TimeAsync(() => Shell($"gunzip -c '{tarball}' | tar -xf - -C '{untarDir}'", cancellationToken));
        Directory.Delete(untarDir, recursive: true);
        string restoreDir = Path.Combine(context.ScratchDirectory, "restored");
        double restore = await TimeAsync(() => store.RestoreAsync(restoreDir, "bench-1", null, cancellationToken));
        Directory.Delete(restoreDir, recursive: true);

        long changed = ChangeOnePercent(root, size);
        double tarSecond = await TimeAsync(() => Shell($"tar -cf - -C '{root}' . | gzip -1 > '{tarball}'", cancellationToken));
        SnapshotCapture? second = null;
        double incremental = await TimeAsync(async () => second = await store.CaptureAsync(root, "bench-2", "bench-1", cancellationToken));
        await blobs.Container.DeleteIfExistsAsync(cancellationToken: cancellationToken);

        double mb = size / (double)MiB;
        string tree = $"{mb:0} MiB tree; tar.gz {tarBytes / (double)MiB:0} MiB";
        return
        [
            new(Name, "first snapshot throughput", mb / first, "MiB/s", "tar -cf - | gzip -1", mb / tarFirst, tarFirst / first, ">= 1.0x", tree, tarFirst / first >= 1.0),
            new(Name, "restore throughput (verified)", mb / restore, "MiB/s", "gunzip | tar -x", mb / untar, untar / restore, "report", tree),
            new(Name, "second snapshot, 1% changed", mb / incremental, "MiB/s", "tar -cf - | gzip -1 (full)", mb / tarSecond, tarSecond / incremental, ">= 5x",
                $"{changed / (double)MiB:0.0} MiB changed; uploaded {second!.UploadedBytes / (double)MiB:0.0} MiB", tarSecond / incremental >= 5),
        ];
    }

    /// <summary>
    /// One small capture, restore and tar round before the measured runs, so neither side pays for JIT compilation,
    /// the first connections to the store or a cold tar.
    /// </summary>
    static async Task WarmUpAsync(string scratch, ChunkedBlobSnapshotStore store, CancellationToken cancellationToken)
    {
        string root = Path.Combine(scratch, "warm-up-tree");
        // Another seed: the measured tree must not find any of its chunks already stored.
        GenerateTree(root, 16 * MiB, seed: 1);
        string tarball = Path.Combine(scratch, "warm-up.tgz");
        string untarDir = Path.Combine(scratch, "warm-up-untar");
        Directory.CreateDirectory(untarDir);
        await Shell($"tar -cf - -C '{root}' . | gzip -1 > '{tarball}' && gunzip -c '{tarball}' | tar -xf - -C '{untarDir}'", cancellationToken);
        await store.CaptureAsync(root, "warm-up-1", null, cancellationToken);
        ChangeOnePercent(root, 16 * MiB);
        await store.CaptureAsync(root, "warm-up-2", "warm-up-1", cancellationToken);
        string restoreDir = Path.Combine(scratch, "warm-up-restored");
        await store.RestoreAsync(restoreDir, "warm-up-2", null, cancellationToken);
        foreach (string dir in new[] { root, untarDir, restoreDir }) Directory.Delete(dir, recursive: true);
        File.Delete(tarball);
    }

    /// <summary>About 40% text, 30% binary-like (low-entropy bytes), 30% random, in files from a few KiB to a few MiB.</summary>
    static long GenerateTree(string root, long total, int seed)
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        var random = new Random(seed);
        long written = 0;
        int n = 0;
        var line = new StringBuilder();
        while (written < total)
        {
            int kind = n % 10;
            string dir = Path.Combine(root, $"pkg{n % 37:D2}", $"mod{n % 5}");
            Directory.CreateDirectory(dir);
            int length = n % 4 == 0 ? random.Next(4_000, 64_000) : random.Next(256_000, 4_000_000);
            byte[] data = new byte[length];
            if (kind < 4)
            {
                line.Clear();
                while (line.Length < length) line.Append("let value").Append(random.Next(1000)).Append(" = compute(").Append(random.Next(100)).Append(", \"item\");\n");
                Encoding.ASCII.GetBytes(line.ToString(0, length), data);
            }
            else
            {
                random.NextBytes(data);
                if (kind < 7) for (int i = 0; i < data.Length; i++) data[i] &= 0x0F;
            }

            File.WriteAllBytes(Path.Combine(dir, $"file{n:D5}.{(kind < 4 ? "txt" : kind < 7 ? "bin" : "rnd")}"), data);
            written += length;
            n++;
        }

        return written;
    }

    /// <summary>Rewrites a 64 KiB region in files spread over the tree until 1% of the bytes changed.</summary>
    static long ChangeOnePercent(string root, long size)
    {
        var random = new Random(7);
        long changed = 0;
        var files = Directory.GetFiles(root, "*", SearchOption.AllDirectories).Where(f => new FileInfo(f).Length > 128 * 1024).OrderBy(f => f, StringComparer.Ordinal).ToList();
        byte[] patch = new byte[64 * 1024];
        for (int i = 0; changed < size / 100; i += 7)
        {
            string file = files[i % files.Count];
            random.NextBytes(patch);
            using var stream = new FileStream(file, FileMode.Open);
            stream.Position = random.NextInt64(0, stream.Length - patch.Length);
            stream.Write(patch);
            changed += patch.Length;
        }

        return changed;
    }

    static async Task<double> TimeAsync(Func<Task> action)
    {
        var sw = Stopwatch.StartNew();
        await action();
        return sw.Elapsed.TotalSeconds;
    }

    static async Task Shell(string command, CancellationToken cancellationToken)
    {
        using var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", command]) { UseShellExecute = false }) ?? throw new InvalidOperationException("sh did not start");
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0) throw new InvalidOperationException($"'{command}' exited with {process.ExitCode}");
    }
}
