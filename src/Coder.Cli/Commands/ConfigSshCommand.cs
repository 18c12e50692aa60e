using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Coder.Cli.Ssh;
using Coder.Contracts.Files;
using Spectre.Console;

namespace Coder.Cli.Commands;

/// <summary>
/// <c>coder config-ssh</c>: a key pair for the user (kept next to the login), its public key registered with the control
/// plane, and a <c>Host coder.&lt;ws&gt;</c> per workspace in <c>~/.ssh/config</c>, so <c>ssh coder.dev</c>, scp and
/// VS Code Remote-SSH reach workspaces through <c>coder ssh --stdio</c>.
/// </summary>
public static class ConfigSshCommand
{
    const string KeyFileName = "id_ed25519";
    const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static Command Build(CliContext context)
    {
        var yes = new Option<bool>("--yes", "-y") { Description = "Change the file without asking" };
        var sshConfig = new Option<string?>("--ssh-config") { Description = "The OpenSSH client config to write (default ~/.ssh/config)" };
        var command = new Command("config-ssh", "Register an SSH key and add a 'Host coder.<workspace>' per workspace to ~/.ssh/config (ssh coder.dev, VS Code Remote-SSH).")
        {
            yes, sshConfig,
        };
        context.Action(command, async (parse, client, ct) =>
        {
            string configPath = Path.GetFullPath(parse.GetValue(sshConfig) ?? Path.Combine(context.Config.HomeDirectory, ".ssh", "config"));
            string keyPath = Path.Combine(context.ConfigDirectory, KeyFileName);
            await EnsureKeyPairAsync(keyPath, ct);
            string publicKey = (await File.ReadAllTextAsync(keyPath + ".pub", ct)).Trim();
            var registered = await client.PutJsonAsync("/api/users/me/ssh-key", new JsonObject { ["publicKey"] = publicKey }.ToJsonString(), ct);
            context.Console.Error.MarkupLine($"SSH key {Markup.Escape((string?)registered.Body?["fingerprint"] ?? "")} registered ({Markup.Escape(keyPath)}.pub).");

            var workspaces = new List<SshConfigSection.Entry>();
            await foreach (var item in CliContext.PagesAsync(client, "/api/workspaces", ct))
            {
                if ((string?)item?["name"] is { Length: > 0 } name && (string?)item["id"] is { Length: > 0 } id && workspaces.All(w => w.Name != name))
                    workspaces.Add(new SshConfigSection.Entry(name, id, LoginUser(item)));
            }

            workspaces.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            string knownHosts = Path.Combine(context.ConfigDirectory, "known_hosts");
            CreatePrivateDirectory(knownHosts);
            string section = SshConfigSection.Render(workspaces, ThisCoder(), keyPath, knownHosts);
            string existing = File.Exists(configPath) ? await File.ReadAllTextAsync(configPath, ct) : "";
            string updated;
            try
            {
                updated = SshConfigSection.Apply(existing, section);
            }
            catch (InvalidDataException e)
            {
                throw new CliUsageException($"{configPath}: {e.Message}");
            }

            if (updated == existing)
            {
                context.Console.Error.MarkupLine($"{Markup.Escape(configPath)} is up to date ({workspaces.Count} workspace(s)).");
                return;
            }

            var before = SshConfigSection.Hosts(existing);
            var after = SshConfigSection.Hosts(updated);
            string summary = $"add {Names(after.Except(before))}, remove {Names(before.Except(after))}, update {Names(after.Intersect(before))}";
            if (!parse.GetValue(yes) && !Console.IsInputRedirected)
            {
                // A terminal to answer at, but output that is not one (redirected): no prompt can show; say how to go on.
                if (!context.Console.Interactive) throw new CliUsageException($"Would {summary} in {configPath}; run with --yes to change it.");
                if (!context.Console.Error.Confirm($"Change {Markup.Escape(configPath)} ({Markup.Escape(summary)})?", defaultValue: false))
                    throw new CliUsageException($"Nothing changed in {configPath}.");
            }

            WriteConfig(configPath, updated);
            context.Console.Error.MarkupLine($"{Markup.Escape(configPath)} written: {Markup.Escape(summary)}.");
            foreach (var workspace in workspaces) context.Console.Out.MarkupLine($"ssh {SshConfigSection.HostPrefix}{Markup.Escape(workspace.Name)}");
        });
        return command;
    }

    static string Names(IEnumerable<string> hosts) => hosts.Any() ? string.Join(' ', hosts) : "none";

    /// <summary>This coder as ssh should start it: the installed tool or single file itself, or <c>dotnet coder.dll</c>.</summary>
    static IReadOnlyList<string> ThisCoder()
    {
        string process = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this process is unknown.");
        return Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? [process, Path.Combine(AppContext.BaseDirectory, "coder.dll")]
            : [process];
    }

    static async Task EnsureKeyPairAsync(string keyPath, CancellationToken cancellationToken)
    {
        if (File.Exists(keyPath) && File.Exists(keyPath + ".pub")) return;
        CreatePrivateDirectory(Path.GetDirectoryName(keyPath)!);
        var info = new ProcessStartInfo("ssh-keygen") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (string argument in new[] { "-q", "-t", "ed25519", "-N", "", "-C", $"coder@{Environment.MachineName}", "-f", keyPath }) info.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new CliUsageException("ssh-keygen did not start.");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new CliUsageException("ssh-keygen is not installed; install the OpenSSH client and run config-ssh again.");
        }

        using (process)
        {
            process.StandardInput.Close();
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.StandardOutput.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0) throw new CliUsageException($"ssh-keygen failed ({process.ExitCode}): {(await stderr).Trim()}");
        }

        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, PrivateDirectory);
    }

    /// <summary>Replaces the file whole (never half written), keeping its mode; a new one is 0600 in a 0700 ~/.ssh.</summary>
    static void WriteConfig(string path, string text)
    {
        CreatePrivateDirectory(Path.GetDirectoryName(path)!);
        if (new FileInfo(path).LinkTarget is not null) path = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)!.FullName; // A dotfiles link stays a link.
        if (OperatingSystem.IsWindows() || !File.Exists(path))
        {
            SecretFile.Write(path, text);
            return;
        }

        var mode = File.GetUnixFileMode(path);
        SecretFile.Write(path, text);
        File.SetUnixFileMode(path, mode);
    }

    /// <summary>The user replica 0's agent reported for SSH logins; <c>coder</c> when it has reported none or an odd one.</summary>
    static string LoginUser(JsonNode item) =>
        (string?)item["agents"]?.AsArray().FirstOrDefault()?["connect"]?["user"] is { Length: > 0 and <= 32 } user &&
        user.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.') && !user.StartsWith('-')
            ? user
            : SshConfigSection.DefaultUser;
}
