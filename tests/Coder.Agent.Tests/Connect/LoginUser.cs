using System.Diagnostics;

namespace Coder.Agent.Tests.Connect;

/// <summary>
/// The user ssh logs in as: the agent's own, as in a workspace. Run as root (CI, this machine) it is a throwaway system
/// user with a plain /bin/sh, so the machine's root rc files (here a pyenv init that stalls) play no part; its name is
/// new each run (parallel runs on one machine do not share it) and it is deleted when the test ends.
/// </summary>
sealed class LoginUser : IAsyncDisposable
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    readonly bool _created;

    LoginUser(string name, bool created)
    {
        Name = name;
        _created = created;
    }

    public string Name { get; }

    public static async Task<LoginUser> CreateAsync()
    {
        if (!Environment.IsPrivilegedProcess) return new LoginUser(Environment.UserName, created: false);
        string name = "coder-ssh-" + Guid.NewGuid().ToString("N")[..8];

        // Password "*": no password, but not locked (sshd refuses locked accounts).
        await RunAsync("useradd", "--system", "--no-create-home", "--home-dir", "/tmp", "--shell", "/bin/sh", "--password", "*", name);
        return new LoginUser(name, created: true);
    }

    public async ValueTask DisposeAsync()
    {
        if (_created) await RunAsync("userdel", Name);
    }

    /// <summary>Runs a program to its end, which must be exit code 0.</summary>
    public static async Task RunAsync(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true };
        foreach (string argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        string error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Deadline);
        Assert.True(process.ExitCode == 0, $"{file} exited {process.ExitCode}: {error}");
    }
}
