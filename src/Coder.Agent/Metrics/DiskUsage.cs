namespace Coder.Agent.Metrics;

/// <summary>Bytes used by the files under the workspace folder (symlinks are not followed).</summary>
public static class DiskUsage
{
    static readonly EnumerationOptions Options = new()
    {
        RecurseSubdirectories = true,
        IgnoreInaccessible = true,
        AttributesToSkip = FileAttributes.ReparsePoint,
        ReturnSpecialDirectories = false,
    };

    public static long Measure(string directory)
    {
        long total = 0;
        try
        {
            foreach (var file in new DirectoryInfo(directory).EnumerateFiles("*", Options))
            {
                try
                {
                    total += file.Length;
                }
                catch (IOException)
                {
                    // Deleted while walking.
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The folder is gone or unreadable; report what was counted.
        }
        return total;
    }
}
