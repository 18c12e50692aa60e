using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Coder.Orchestrations.Provisioning.Local;

/// <summary>
/// The boundary around a local workspace's processes. Where the host runs as root and bubblewrap works, each workspace runs
/// as its own uid (see <see cref="WorkspaceUids"/>), without capabilities or supplementary groups, in its own mount, pid,
/// ipc and uts namespaces that hold its home (read-write), the system read-only (/usr, the /bin and /lib links, a few
/// files of /etc), the agent read-only, its own cgroup read-only, and fresh /tmp, /proc and /dev. The data folder, the
/// admin token, Azurite's files and other workspaces' homes are not in it. Where that is impossible the workspace runs as
/// the host's user with nothing hidden, and <see cref="Reason"/> says why; the workspace reports <c>isolation: none</c>.
/// </summary>
public sealed partial class LocalSandbox
{
    public const string Sandboxed = "sandbox";
    public const string None = "none";

    /// <summary>The name a sandboxed workspace's user has inside its sandbox (and the <c>User</c> of <c>coder config-ssh</c>).</summary>
    public const string LoginName = "coder";

    /// <summary>What of /etc a shell, the dotnet runtime and name resolution need; nothing with a secret in it.</summary>
    static readonly string[] EtcFiles =
    [
        "alternatives", "ca-certificates", "ca-certificates.conf", "gai.conf", "group", "host.conf", "hosts", "ld.so.cache",
        "ld.so.conf", "ld.so.conf.d", "localtime", "nsswitch.conf", "os-release", "passwd", "protocols", "resolv.conf", "services", "ssl",
    ];

    static readonly string[] RootLinks = ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];

    readonly string? _bubblewrap;
    readonly string? _setpriv;

    /// <param name="bubblewrapPath">bwrap to use; null finds it on PATH.</param>
    /// <param name="runningAsRoot">Whether the host runs as root; null asks the OS (tests inject false).</param>
    public LocalSandbox(string? bubblewrapPath = null, bool? runningAsRoot = null)
    {
        (_bubblewrap, _setpriv, Reason) = Detect(bubblewrapPath, runningAsRoot ?? (OperatingSystem.IsLinux() && GetEffectiveUserId() == 0));
    }

    /// <summary>True when workspaces get their own user and namespaces.</summary>
    public bool Isolated => Reason is null;

    /// <summary><see cref="Sandboxed"/> or <see cref="None"/>, as the API reports it.</summary>
    public string Level => Isolated ? Sandboxed : None;

    /// <summary>Why workspaces are not isolated; null when they are.</summary>
    public string? Reason { get; }

    /// <summary>
    /// The command line that runs <paramref name="command"/> in the workspace's sandbox as <paramref name="uid"/>, with
    /// <paramref name="home"/> writable and <paramref name="readOnly"/> (the agent, its runtime, its cgroup) visible; the
    /// command itself when there is no sandbox. Its first element is the program.
    /// </summary>
    public IReadOnlyList<string> Wrap(string home, int uid, IEnumerable<string> readOnly, IReadOnlyList<string> command)
    {
        if (!Isolated) return command;
        string id = uid.ToString(CultureInfo.InvariantCulture);
        var args = new List<string>
        {
            _bubblewrap!,
            "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--new-session",
            "--hostname", "workspace",
            "--ro-bind", "/usr", "/usr",
        };
        foreach (string link in RootLinks)
        {
            var info = new FileInfo(link);
            if (info.LinkTarget is { } target) args.AddRange(["--symlink", target, link]);
            else if (Directory.Exists(link)) args.AddRange(["--ro-bind", link, link]);
        }

        var made = new HashSet<string>(StringComparer.Ordinal) { "/", "/usr" };
        Ancestors("/etc/x", made, args);
        string accounts = WriteAccounts(home, uid);
        foreach (string name in EtcFiles)
        {
            string source = name is "passwd" or "group" ? Path.Combine(accounts, name) : "/etc/" + name;
            args.AddRange(["--ro-bind-try", source, "/etc/" + name]);
        }

        Ancestors("/var/tmp", made, args);
        args.AddRange(["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/tmp", "--perms", "1777", "--tmpfs", "/var/tmp"]);
        made.UnionWith(["/tmp", "/var/tmp"]);
        foreach (string path in readOnly.Distinct(StringComparer.Ordinal))
        {
            Ancestors(path, made, args);
            args.AddRange(["--ro-bind", path, path]);
        }

        Ancestors(home, made, args);
        args.AddRange(["--bind", home, home, "--chdir", home]);

        // setpriv, inside the namespaces: from here on the process is the workspace's user with no capabilities, no
        // supplementary groups and no way to gain privileges (setuid binaries included).
        args.AddRange(["--", _setpriv!, "--reuid", id, "--regid", id, "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]);
        args.AddRange(command);
        return args;
    }

    /// <summary>
    /// The workspace's own /etc/passwd and /etc/group: the host's, plus <see cref="LoginName"/> for its uid with the workspace's
    /// home as its home. A process looks its own user up there: sshd finds the login user (and starts the session in its
    /// home), and a shell's prompt and <c>id</c> show a name instead of "I have no name!". Written by root beside the homes,
    /// outside every sandbox, and mounted read-only.
    /// </summary>
    static string WriteAccounts(string home, int uid)
    {
        string id = uid.ToString(CultureInfo.InvariantCulture);
        string folder = Path.Combine(Path.GetDirectoryName(home)!, ".accounts", id);
        Directory.CreateDirectory(folder);
        string shell = File.Exists("/bin/bash") ? "/bin/bash" : "/bin/sh";
        WriteIfChanged(Path.Combine(folder, "passwd"), Others("/etc/passwd", id) + $"{LoginName}:x:{id}:{id}:Coder workspace:{home}:{shell}\n");
        WriteIfChanged(Path.Combine(folder, "group"), Others("/etc/group", id) + $"{LoginName}:x:{id}:\n");
        return folder;

        // The host's entries, less any that already name this id or the login name (field 3 is the uid or gid).
        static string Others(string path, string id) => string.Concat((File.Exists(path) ? File.ReadAllLines(path) : [])
            .Where(line => line.Split(':') is { Length: > 2 } fields && fields[0] != LoginName && fields[2] != id)
            .Select(line => line + "\n"));
    }

    static void WriteIfChanged(string path, string content)
    {
        if (File.Exists(path) && File.ReadAllText(path) == content) return;
        string temp = path + "." + Guid.NewGuid().ToString("N")[..8];
        File.WriteAllText(temp, content);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>
    /// Makes the folders above a mount point 0755 first: bubblewrap would create them 0700 as root, and the workspace's user
    /// could not reach what is mounted below them. Folders under /usr are the real, read-only ones.
    /// </summary>
    static void Ancestors(string path, HashSet<string> made, List<string> args)
    {
        var chain = new Stack<string>();
        for (string? dir = Path.GetDirectoryName(path); dir is not null && !made.Contains(dir) && !dir.StartsWith("/usr/", StringComparison.Ordinal); dir = Path.GetDirectoryName(dir))
            chain.Push(dir);
        foreach (string dir in chain)
        {
            args.AddRange(["--perms", "0755", "--dir", dir]);
            made.Add(dir);
        }
    }

    /// <summary>Gives the workspace's home to its user (0700), everything in it included, without following links.</summary>
    public void GiveHome(string home, int uid)
    {
        if (!Isolated || OperatingSystem.IsWindows()) return;
        string id = uid.ToString(CultureInfo.InvariantCulture);

        // chown -R neither follows links nor leaves the tree (fts with openat), so a link planted in the home gains nothing.
        var psi = new ProcessStartInfo("chown") { UseShellExecute = false, RedirectStandardError = true };
        foreach (string a in new[] { "-R", "-P", $"{id}:{id}", "--", home }) psi.ArgumentList.Add(a);
        using var chown = Process.Start(psi) ?? throw new InvalidOperationException("chown did not start.");
        string error = chown.StandardError.ReadToEnd();
        chown.WaitForExit();
        if (chown.ExitCode != 0) throw new InvalidOperationException($"Could not give {home} to uid {id}: {error.Trim()}");
        File.SetUnixFileMode(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    static (string? Bubblewrap, string? Setpriv, string? Reason) Detect(string? bubblewrapPath, bool root)
    {
        if (!OperatingSystem.IsLinux()) return (null, null, "Workspaces are sandboxed only on Linux.");
        if (!root) return (null, null, "The host does not run as root, so it cannot run workspaces as their own users: they run as the host's user and can reach its files.");
        string? bwrap = bubblewrapPath is { Length: > 0 } given ? (File.Exists(given) ? given : null) : FindOnPath("bwrap");
        if (bwrap is null) return (null, null, $"bubblewrap was not found ({bubblewrapPath ?? "bwrap on PATH"}; Debian: apt-get install bubblewrap), so workspaces run as the host's user and can reach its files.");
        string? setpriv = FindOnPath("setpriv");
        if (setpriv is null) return (null, null, "setpriv (util-linux) was not found, so workspaces run as the host's user and can reach its files.");

        // Namespaces can be refused (a container without CAP_SYS_ADMIN, a seccomp profile): try once.
        var psi = new ProcessStartInfo(bwrap) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in new[] { "--unshare-pid", "--unshare-ipc", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "--", setpriv, "--reuid", "65534", "--regid", "65534", "--clear-groups", "true" })
            psi.ArgumentList.Add(a);
        try
        {
            using var probe = Process.Start(psi)!;
            string error = probe.StandardError.ReadToEnd();
            if (!probe.WaitForExit(10_000)) probe.Kill();
            if (probe.ExitCode != 0) return (null, null, $"bubblewrap cannot create namespaces here ({error.Trim()}), so workspaces run as the host's user and can reach its files.");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return (null, null, $"bubblewrap could not run ({e.Message}), so workspaces run as the host's user and can reach its files.");
        }

        return (bwrap, setpriv, null);
    }

    static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin").Append("/usr/sbin")
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();
}
