namespace Coder.Agent.Outbox;

/// <summary>Crash-safe small-file writes: write a temp file, optionally fsync it, rename it over the target.</summary>
public static class DurableFile
{
    /// <param name="flushToDisk">
    /// False for files whose loss on power failure is harmless: the rename alone is atomic and survives a process crash
    /// (kill -9), because the page cache outlives the process. It saves an fsync on the agent's hot paths.
    /// </param>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> content, bool flushToDisk = true)
    {
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(content);
            stream.Flush(flushToDisk);
        }
        File.Move(temp, path, overwrite: true);
    }
}
