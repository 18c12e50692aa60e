using System.Text;

namespace Coder.Contracts.Files;

/// <summary>
/// Writes a file that holds a secret (a token, a key) in one step: a new temp file next to it, created exclusively with
/// mode 0600 (so it is never readable by others, not for a moment, and a link planted at its name is not followed), then
/// renamed onto the target (which replaces a link at the target rather than writing through it).
/// </summary>
public static class SecretFile
{
    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/>, replacing what is there.</summary>
    public static void Write(string path, string content) => Place(path, content, replace: true);

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/> only if nothing is there yet; false when a file already
    /// was (of two writers racing on one name, the first wins and the other reads its content).
    /// </summary>
    public static bool TryCreate(string path, string content) => Place(path, content, replace: false);

    static bool Place(string path, string content, bool replace)
    {
        string full = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(Encoding.UTF8.GetBytes(content));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: replace);
            return true;
        }
        catch (IOException) when (!replace && File.Exists(full))
        {
            File.Delete(temp);
            return false;
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
