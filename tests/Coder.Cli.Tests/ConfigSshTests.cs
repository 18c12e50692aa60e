using System.Diagnostics;
using Coder.Cli.Tests.Infrastructure;

namespace Coder.Cli.Tests;

/// <summary><c>coder config-ssh</c> as a process in a temporary HOME: its key pair, its registration, and ~/.ssh/config.</summary>
[Collection(ConnectCollection.Name)]
public sealed class ConfigSshTests(ConnectFixture fixture) : IDisposable
{
    const string Start = "# ------------START-CODER-----------";
    const string End = "# ------------END-CODER------------";
    const string UsersOwn = "# my own hosts\nHost build\n  HostName build.example.com\n  User me\n";
    const string UsersTail = "\nHost *\n  ServerAliveInterval 30\n";

    readonly CoderCli _cli = fixture.Cli();

    string SshConfig => Path.Combine(_cli.Home, ".ssh", "config");

    [Fact]
    public async Task Twice_WritesOneMarkedSection_KeepsTheUsersLines_AndChangesNothingTheSecondTime()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(SshConfig)!);
        await File.WriteAllTextAsync(SshConfig, UsersOwn);

        var first = await _cli.RunAsync("config-ssh", "--yes");
        Assert.True(first.ExitCode == 0, first.ToString());
        string written = await File.ReadAllTextAsync(SshConfig);
        Assert.StartsWith(UsersOwn, written);
        Assert.Single(written.Split(Start)[1..]);
        Assert.EndsWith(End + "\n", written);
        foreach (string name in new[] { "dev", "flaky", "busy", "stopped" }) Assert.Contains($"Host coder.{name}\n", written);
        // `dotnet coder.dll`, as this test runs the CLI: the dotnet host that ran it, then the dll.
        string proxy = written.Split('\n').Single(l => l.StartsWith("  ProxyCommand ", StringComparison.Ordinal) && l.EndsWith(" ssh --stdio dev", StringComparison.Ordinal));
        string[] words = proxy.Trim().Split(' ');
        Assert.Equal(["ProxyCommand", "ssh", "--stdio", "dev"], [words[0], .. words[3..]]);
        Assert.Equal("dotnet", Path.GetFileName(words[1]));
        Assert.True(File.Exists(words[1]), proxy);
        Assert.Equal(CoderCli.Dll, words[2]);

        // The key pair: generated once, private key 0600, its public half registered with the control plane.
        string key = Path.Combine(_cli.Home, ".config", "coder", "id_ed25519");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        string publicKey = (await File.ReadAllTextAsync(key + ".pub")).Trim();
        Assert.Contains(publicKey, fixture.ControlPlane.RegisteredKeys);
        byte[] keyBytes = await File.ReadAllBytesAsync(key);

        // The user adds lines after the section; a second run keeps them and the file is byte for byte the same.
        await File.AppendAllTextAsync(SshConfig, UsersTail);
        string before = await File.ReadAllTextAsync(SshConfig);
        var second = await _cli.RunAsync("config-ssh");
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(before, await File.ReadAllTextAsync(SshConfig));
        Assert.Contains("up to date", second.Stderr);
        Assert.Equal(keyBytes, await File.ReadAllBytesAsync(key));

        // Stock OpenSSH reads the section as meant.
        var resolved = await SshResolveAsync("coder.dev");
        Assert.Contains($"identityfile {key}", resolved);
        Assert.Contains($"userknownhostsfile {Path.Combine(_cli.Home, ".config", "coder", "known_hosts", ConnectFixture.DevId)}", resolved);
        Assert.Contains("stricthostkeychecking accept-new", resolved);
        Assert.Contains("loglevel ERROR", resolved);
        Assert.Contains($"proxycommand {string.Join(' ', words[1..])}", resolved);
        Assert.Contains("hostname build.example.com", await SshResolveAsync("build"));
    }

    [Fact]
    public async Task WithoutAnSshConfig_CreatesOnePrivateToTheUser()
    {
        string path = Path.Combine(_cli.Home, "elsewhere", "ssh_config");

        var result = await _cli.RunAsync("config-ssh", "--yes", "--ssh-config", path);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith(Start + "\n", await File.ReadAllTextAsync(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Theory]
    [InlineData("n", false)]
    [InlineData("y", true)]
    public async Task AtATerminal_WithoutYes_AsksFirst(string answer, bool changed)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(SshConfig)!);
        await File.WriteAllTextAsync(SshConfig, UsersOwn);
        // The answer is typed once the question is on the terminal.
        using var terminal = _cli.StartAtTerminal($"stty cols 300; {CoderCli.ShellCommand} config-ssh");
        await Eventually.WaitAsync(() => terminal.Stdout.Contains("[y/n]", StringComparison.OrdinalIgnoreCase) || terminal.Process.HasExited, TimeSpan.FromSeconds(20), "the question");
        Assert.Contains("add coder.busy coder.dev coder.flaky coder.stopped", terminal.Stdout);

        await terminal.Process.StandardInput.WriteAsync(answer + "\r");
        await terminal.Process.StandardInput.FlushAsync();
        var result = await terminal.WaitForExitAsync(TimeSpan.FromSeconds(20));

        Assert.True(result.ExitCode == (changed ? 0 : 1), result.ToString());
        string now = await File.ReadAllTextAsync(SshConfig);
        if (changed) Assert.Contains("Host coder.dev\n", now);
        else Assert.Equal(UsersOwn, now);
    }

    async Task<string> SshResolveAsync(string host)
    {
        var info = new ProcessStartInfo("ssh", ["-G", "-F", SshConfig, host]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var ssh = Process.Start(info)!;
        string output = await ssh.StandardOutput.ReadToEndAsync();
        string errors = await ssh.StandardError.ReadToEndAsync();
        await ssh.WaitForExitAsync();
        Assert.True(ssh.ExitCode == 0, errors);
        return output;
    }

    public void Dispose() => _cli.Dispose();
}
