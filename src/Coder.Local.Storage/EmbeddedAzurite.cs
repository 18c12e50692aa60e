using System.Diagnostics;
using System.Globalization;

namespace Coder.Local.Storage;

/// <summary>
/// Azurite from the repository's pinned npm package, on free loopback ports, with its data in a folder of ours.
/// The local host starts it when no storage connection string is given; tests and benchmarks use it too. It runs with the
/// data folder's own random account key (<see cref="AzuriteAccountKey"/>), so the public development key gets 403.
/// </summary>
public sealed class EmbeddedAzurite : IAsyncDisposable
{
    readonly Process _process;
    readonly string _pidFile;

    EmbeddedAzurite(Process process, string pidFile, string accountKey, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        _pidFile = pidFile;
        AccountKey = accountKey;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }
    public int QueuePort { get; }
    public int TablePort { get; }

    /// <summary>The account key this Azurite accepts (secret: whoever holds it holds all of the control plane's storage).</summary>
    public string AccountKey { get; }

    public string ConnectionString => ConnectionStringFor(AccountKey, BlobPort, QueuePort, TablePort);

    public static string ConnectionStringFor(string accountKey, int blobPort, int queuePort, int tablePort) =>
        $"DefaultEndpointsProtocol=http;AccountName={AzuriteAccountKey.AccountName};AccountKey={accountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;";

    /// <summary>Starts Azurite with its data under <paramref name="dataDirectory"/> and waits until every service listens.</summary>
    public static Task<EmbeddedAzurite> StartAsync(string dataDirectory, CancellationToken cancellationToken) =>
        StartAsync(dataDirectory, inMemory: false, cancellationToken);

    /// <summary>
    /// <paramref name="inMemory"/>: the data lives in Azurite's memory only (<c>--inMemoryPersistence</c>), for the fleet
    /// bench. On disk Azurite rewrites its whole table database every few seconds on its one thread, a cost Azure Tables
    /// does not have and one that grows with the data: at 2,000 workspaces it held every request for seconds.
    /// <paramref name="dataDirectory"/> still holds the account key and the pid file.
    /// </summary>
    public static async Task<EmbeddedAzurite> StartAsync(string dataDirectory, bool inMemory, CancellationToken cancellationToken)
    {
        string repoRoot = RepositoryRoot.Find();
        string script = await EnsureInstalledAsync(repoRoot, cancellationToken);
        Directory.CreateDirectory(dataDirectory);
        string pidFile = Path.Combine(dataDirectory, "azurite.pid");
        StopStale(pidFile);
        string accountKey = AzuriteAccountKey.LoadOrCreate(dataDirectory);

        for (int attempt = 0; ; attempt++)
        {
            int blob = FreePorts.Next(), queue = FreePorts.Next(), table = FreePorts.Next();
            var psi = new ProcessStartInfo("node") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };

            // In memory, nothing of Azurite's may land in whatever folder the caller runs in.
            if (inMemory) psi.WorkingDirectory = dataDirectory;
            psi.Environment["AZURITE_ACCOUNTS"] = AzuriteAccountKey.AccountsVariable(accountKey);
            string[] persistence = inMemory ? ["--inMemoryPersistence"] : ["--location", dataDirectory];
            string[] arguments =
            [
                script, "--silent", "--skipApiVersionCheck", "--loose", .. persistence,
                "--blobHost", "127.0.0.1", "--blobPort", Str(blob), "--queueHost", "127.0.0.1", "--queuePort", Str(queue),
                "--tableHost", "127.0.0.1", "--tablePort", Str(table),
            ];
            foreach (string arg in arguments)
            {
                psi.ArgumentList.Add(arg);
            }

            var process = Process.Start(psi) ?? throw new InvalidOperationException("Azurite did not start.");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await File.WriteAllTextAsync(pidFile, Str(process.Id), cancellationToken);
            var azurite = new EmbeddedAzurite(process, pidFile, accountKey, blob, queue, table);
            if (await azurite.WaitUntilListeningAsync(TimeSpan.FromSeconds(30), cancellationToken)) return azurite;
            await azurite.DisposeAsync();
            if (attempt >= 2) throw new InvalidOperationException("Azurite did not start listening (tried three times).");
        }
    }

    async Task<bool> WaitUntilListeningAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (DateTimeOffset.UtcNow < deadline && !_process.HasExited)
        {
            if (await FreePorts.IsListeningAsync(BlobPort, cancellationToken) && await FreePorts.IsListeningAsync(QueuePort, cancellationToken) && await FreePorts.IsListeningAsync(TablePort, cancellationToken))
                return true;
            await Task.Delay(100, cancellationToken);
        }

        return false;
    }

    /// <summary>The pinned Azurite script; installs the repository's npm packages first when they are missing.</summary>
    static async Task<string> EnsureInstalledAsync(string repoRoot, CancellationToken cancellationToken)
    {
        string script = Path.Combine(repoRoot, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (File.Exists(script)) return script;

        // Test assemblies run in parallel processes: one installs, the others wait on the lock and find it installed.
        using var installLock = await AcquireLockAsync(Path.Combine(repoRoot, "node_modules.lock"), cancellationToken);
        if (File.Exists(script)) return script;
        var psi = new ProcessStartInfo("npm") { WorkingDirectory = repoRoot, UseShellExecute = false };
        foreach (string arg in new[] { File.Exists(Path.Combine(repoRoot, "package-lock.json")) ? "ci" : "install", "--no-audit", "--no-fund" }) psi.ArgumentList.Add(arg);
        using var npm = Process.Start(psi) ?? throw new InvalidOperationException("npm did not start; install Node.js.");
        await npm.WaitForExitAsync(cancellationToken);
        if (npm.ExitCode != 0 || !File.Exists(script)) throw new InvalidOperationException($"npm could not install Azurite in {repoRoot} (exit code {npm.ExitCode}).");
        return script;
    }

    static async Task<FileStream> AcquireLockAsync(string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException)
            {
                await Task.Delay(200, cancellationToken);
            }
        }
    }

    /// <summary>An Azurite left by a host that was killed holds the same data folder; stop it before starting another.</summary>
    static void StopStale(string pidFile)
    {
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out int pid)) return;
        try
        {
            using var stale = Process.GetProcessById(pid);
            if (stale.ProcessName.Contains("node", StringComparison.OrdinalIgnoreCase))
            {
                stale.Kill(entireProcessTree: true);
                stale.WaitForExit(5000);
            }
        }
        catch (ArgumentException)
        {
            // Not running any more.
        }
    }

    static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
        }

        try { File.Delete(_pidFile); } catch (IOException) { }
        _process.Dispose();
    }
}
