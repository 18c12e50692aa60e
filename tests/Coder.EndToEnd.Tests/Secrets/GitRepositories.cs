using System.Diagnostics;

namespace Coder.EndToEnd.Tests.Secrets;

/// <summary>Real git repositories for the clone tests, made with the git CLI: a bare repository holding one commit.</summary>
public static class GitRepositories
{
    /// <summary>Creates <c>{root}/{name}.git</c> (bare) whose one commit holds <paramref name="files"/>; returns its path.</summary>
    public static async Task<string> CreateBareAsync(string root, string name, IReadOnlyDictionary<string, string> files)
    {
        string bare = Path.Combine(root, name + ".git");
        string work = Path.Combine(root, name + "-work");
        Directory.CreateDirectory(work);
        await RunAsync(work, "init", "-q", "-b", "main");
        foreach (var (path, content) in files)
        {
            string file = Path.Combine(work, path);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllTextAsync(file, content);
            if (OperatingSystem.IsLinux() && path.EndsWith(".sh", StringComparison.Ordinal)) File.SetUnixFileMode(file, (UnixFileMode)0b111_101_101);
        }
        await RunAsync(work, "add", "-A");
        await RunAsync(work, "-c", "user.name=test", "-c", "user.email=test@example.invalid", "commit", "-q", "-m", "first");
        await RunAsync(root, "clone", "-q", "--bare", work, bare);
        await RunAsync(bare, "update-server-info"); // for the dumb HTTP server
        Directory.Delete(work, true);
        return bare;
    }

    public static async Task RunAsync(string directory, params string[] args)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (process.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {await stderr}");
    }
}
