using System.Diagnostics;
using System.Reflection;
using Coder.Local.Storage;

namespace Coder.Cli.Tests.Infrastructure;

/// <summary>
/// The real <c>coder</c> binary (<c>dotnet coder.dll</c>, as the README's alias runs it) as a process, logged in through
/// <c>CODER_URL</c>/<c>CODER_TOKEN</c>, with a temporary HOME of its own and a hard deadline.
/// </summary>
public sealed class CoderCli(string url, string token) : IDisposable
{
    static string Configuration => typeof(CoderCli).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public static string Dll { get; } = Path.Combine(RepositoryRoot.Find(), "src", "Coder.Cli", "bin", Configuration, "net10.0", "coder.dll");

    public string Home { get; } = Directory.CreateTempSubdirectory("coder-cli-home-").FullName;

    public Task<CliResult> RunAsync(params string[] args) => RunAsync(stdin: null, args);

    public async Task<CliResult> RunAsync(byte[]? stdin, params string[] args)
    {
        using var cli = Start(args);
        if (stdin is not null) await cli.Process.StandardInput.BaseStream.WriteAsync(stdin);
        cli.Process.StandardInput.Close();
        return await cli.WaitForExitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>The CLI as a shell command word: <c>dotnet '…/coder.dll'</c>.</summary>
    public static string ShellCommand => $"dotnet '{Dll}'";

    public RunningCli Start(params string[] args)
    {
        var info = DefaultSignals("dotnet");
        info.ArgumentList.Add(File.Exists(Dll) ? Dll : throw new FileNotFoundException($"Build output missing: {Dll}.", Dll));
        foreach (string arg in args) info.ArgumentList.Add(arg);
        return Run(info, args);
    }

    /// <summary>
    /// Runs <paramref name="shellCommand"/> (which names the CLI by <see cref="ShellCommand"/>) at a terminal of its own:
    /// <c>script</c> gives it a pseudo-terminal, as a user's terminal emulator does; stdin is what is typed.
    /// </summary>
    public RunningCli StartAtTerminal(string shellCommand)
    {
        var info = DefaultSignals("script");
        foreach (string arg in (string[])["-qfec", shellCommand, "/dev/null"]) info.ArgumentList.Add(arg);
        return Run(info, ["script", shellCommand]);
    }

    /// <summary>
    /// <paramref name="program"/> with the default signal dispositions a terminal gives what it starts. A test run started
    /// in the background (nohup, `cmd &amp;`, CI) inherits SIGINT ignored, an ignored signal stays ignored through exec,
    /// and .NET then installs no handler for it: the Ctrl-C these tests deliver as SIGINT never reached the CLI.
    /// </summary>
    static ProcessStartInfo DefaultSignals(string program)
    {
        var info = new ProcessStartInfo("env");
        foreach (string arg in (string[])["--default-signal=INT,QUIT", "--", program]) info.ArgumentList.Add(arg);
        return info;
    }

    RunningCli Run(ProcessStartInfo info, string[] args)
    {
        info.UseShellExecute = false;
        info.RedirectStandardInput = info.RedirectStandardOutput = info.RedirectStandardError = true;
        info.Environment.Remove("XDG_CONFIG_HOME");
        info.Environment["HOME"] = Home;
        info.Environment["CODER_URL"] = url;
        info.Environment["CODER_TOKEN"] = token;
        return new RunningCli(Process.Start(info) ?? throw new InvalidOperationException("The CLI did not start."), args);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
            // A process of the test still writes there; the temp folder is cleaned up later.
        }
    }
}
