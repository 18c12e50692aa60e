using System.Text.RegularExpressions;
using Coder.Agent.Configuration;
using Coder.Agent.Diagnostics;
using Coder.Agent.Metrics;
using Coder.Agent.Outbox;
using Coder.Agent.Scripts;
using Coder.Contracts.Agents;
using Coder.Contracts.Json;
using Microsoft.Extensions.Logging;

namespace Coder.Agent.Repositories;

/// <summary>
/// Clones the manifest's repositories, then the owner's dotfiles, before the startup scripts run. Each clone is a
/// <c>script</c> event of phase <c>clone</c> (a timeline step) with git's output as <c>log</c> events. A path that already
/// holds something is left alone, so a restart never clones over work. A private repository's credential reaches git
/// only through a credential helper that reads the named secret from its environment: never a URL, an argv or a log.
/// </summary>
public sealed partial class RepositoryCloner(AgentSettings settings, ScriptRunner scripts, EventOutbox outbox, WorkspaceProcesses processes,
    TimeProvider time, ILogger logger)
{
    public const string ClonePhase = "clone";
    public const string DotfilesPhase = "dotfiles";
    public const string DotfilesPath = ".dotfiles";
    static readonly TimeSpan CloneTimeout = TimeSpan.FromMinutes(10);
    static readonly string[] InstallCandidates = ["install.sh", "install", "bootstrap.sh", "bootstrap", "script/bootstrap", "setup.sh", "setup", "script/setup"];

    /// <summary>Clones and installs what the manifest asks for; the reason for <c>start_error</c> when something failed, else null.</summary>
    public async Task<string?> PrepareAsync(AgentManifest manifest, CancellationToken cancellationToken)
    {
        foreach (var repository in manifest.Repositories)
        {
            if (await CloneAsync(manifest, repository.Path, repository.Url, repository.Ref, repository.Depth, repository.CredentialSecret, cancellationToken) is { } failure)
                return $"repository '{repository.Path}' could not be cloned: {failure}";
        }

        if (manifest.Dotfiles is not { } dotfiles) return null;
        string target = Path.Combine(settings.WorkspaceDirectory, DotfilesPath);
        bool fresh = !Holds(target);
        if (await CloneAsync(manifest, DotfilesPath, dotfiles.Url, null, null, dotfiles.CredentialSecret, cancellationToken) is { } cloneFailure)
            return $"dotfiles could not be cloned: {cloneFailure}";
        if (!fresh) return null; // Installed when they were cloned; a restart does not install again.

        var install = new ManifestScript("dotfiles", InstallCommand(target, dotfiles.InstallScript), (int)CloneTimeout.TotalSeconds, BlocksReady: true);
        var outcome = await scripts.RunAsync(install, DotfilesPhase, manifest, cancellationToken);
        return outcome.Succeeded ? null : outcome.TimedOut ? "the dotfiles install timed out" : $"the dotfiles install exited with code {outcome.ExitCode}";
    }

    /// <summary>Null on success (or when the path already holds something); git's message when the clone failed.</summary>
    async Task<string?> CloneAsync(AgentManifest manifest, string path, string url, string? gitRef, int? depth, string? credentialSecret,
        CancellationToken cancellationToken)
    {
        string target = Path.GetFullPath(Path.Combine(settings.WorkspaceDirectory, path));
        void Ship(LogPayload payload) => outbox.Append(AgentEventTypes.Log, payload, CoderJsonContext.Default.LogPayload);
        var stdout = new LogBatcher($"clone:{path}", "stdout", Ship);
        var stderr = new LogBatcher($"clone:{path}", "stderr", Ship);
        if (Holds(target))
        {
            stdout.Add($"{path} already exists; kept as it is (not cloned again).");
            stdout.Flush();
            return null;
        }

        if (credentialSecret is not null && !manifest.Secrets.ContainsKey(credentialSecret))
        {
            string missing = $"the secret {credentialSecret} it names is not set (coder secrets set {credentialSecret})";
            stderr.Add(missing);
            stderr.Flush();
            Report(path, null, TimeSpan.Zero, false);
            return missing;
        }

        bool commit = gitRef is not null && CommitId().IsMatch(gitRef);
        var args = new List<string>();
        if (credentialSecret is not null) args.AddRange(["-c", "credential.helper=", "-c", $"credential.helper={Helper(credentialSecret)}"]);
        args.Add("clone");
        if (depth is { } d && !commit) args.Add($"--depth={d}");
        if (gitRef is not null && !commit) args.Add($"--branch={gitRef}");

        // A file:// source belongs to another user (the host's), which git refuses to read unless told the folder is safe;
        // only the command scope of the upload-pack it starts counts, so the exception goes there, for that folder alone.
        if (Uri.TryCreate(url, UriKind.Absolute, out var source) && source.IsFile)
            args.Add($"--upload-pack=git -c safe.directory={Quote(source.LocalPath)} upload-pack");
        args.AddRange(["--", url, target]);

        // git's message for start_error: its "fatal:" lines (the first names the cause), else its last line.
        var fatal = new List<string>();
        string? last = null;
        void OnError(string line)
        {
            if (line.Length > 0) last = line;
            if (line.StartsWith("fatal:", StringComparison.Ordinal) && fatal.Count < 3) fatal.Add(line);
            stderr.Add(line);
        }

        Log.ScriptStarting(logger, ClonePhase, path);
        var outcome = await RunGitAsync(path, args, settings.WorkspaceDirectory, manifest, stdout.Add, OnError, cancellationToken);
        if (outcome.Succeeded && commit) outcome = await RunGitAsync(path, ["-C", target, "checkout", "--detach", gitRef!], settings.WorkspaceDirectory, manifest, stdout.Add, OnError, cancellationToken);
        if (outcome.Succeeded && credentialSecret is not null)
        {
            // Later fetches and pushes in the clone ask the same helper, which reads the secret from the shell's environment.
            outcome = await RunGitAsync(path, ["-C", target, "config", "credential.helper", Helper(credentialSecret)], settings.WorkspaceDirectory, manifest, stdout.Add, OnError, cancellationToken);
        }
        stdout.Flush();
        stderr.Flush();
        Report(path, outcome.ExitCode, outcome.Duration, outcome.TimedOut);
        Log.ScriptFinished(logger, ClonePhase, path, outcome.ExitCode, outcome.TimedOut, (long)outcome.Duration.TotalMilliseconds);
        if (outcome.Succeeded) return null;
        return outcome.TimedOut ? $"git timed out after {CloneTimeout.TotalMinutes:0} minutes" : (fatal.Count > 0 ? string.Join(" ", fatal) : last) ?? $"git exited with code {outcome.ExitCode}";
    }

    Task<ScriptOutcome> RunGitAsync(string name, IEnumerable<string> args, string workingDirectory, AgentManifest manifest, Action<string> onStdout, Action<string> onStderr,
        CancellationToken cancellationToken)
    {
        var info = ProcessGroup.CreateStartInfo("git", args, workingDirectory);
        scripts.ApplyEnvironment(info.Environment, manifest);
        info.Environment["GIT_TERMINAL_PROMPT"] = "0"; // Never wait for a password nobody can type.
        info.Environment.Remove("GIT_ASKPASS");
        info.Environment.Remove("SSH_ASKPASS");
        return ProcessRunner.RunAsync(name, info, CloneTimeout, onStdout, onStderr, time, processes.AddSession, cancellationToken);
    }

    void Report(string path, int? exitCode, TimeSpan duration, bool timedOut) =>
        outbox.Append(AgentEventTypes.Script, new ScriptPayload(path, ClonePhase, exitCode, (long)duration.TotalMilliseconds, timedOut, BlocksReady: true),
            CoderJsonContext.Default.ScriptPayload);

    /// <summary>
    /// git's credential helper as a shell function: it answers <c>get</c> with the secret read from its environment. The
    /// secret's name is an env var name (checked by the control plane), so it is safe inside the quotes.
    /// </summary>
    public static string Helper(string secretName) =>
        $"!f() {{ test \"$1\" = get || exit 0; echo username=${{CODER_GIT_USERNAME:-x-access-token}}; echo \"password=${secretName}\"; }}; f";

    /// <summary>Something is at the path already: a clone from an earlier start, or the user's own files.</summary>
    static bool Holds(string target) =>
        File.Exists(target) || (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any());

    /// <summary>Runs the named install script, else the first of the usual names, else links the dotfiles into <c>$HOME</c>.</summary>
    static string InstallCommand(string dotfiles, string? installScript)
    {
        string? script = installScript ?? InstallCandidates.FirstOrDefault(c => File.Exists(Path.Combine(dotfiles, c)));
        string dir = Quote(dotfiles);
        if (script is not null)
        {
            string file = Quote("./" + script);
            return $"cd {dir} && if [ -x {file} ]; then exec {file}; else exec /bin/sh {file}; fi";
        }
        return $"cd \"$HOME\" && for f in {dir}/.[!.]* {dir}/..?*; do [ -e \"$f\" ] || continue; n=$(basename \"$f\"); [ \"$n\" = .git ] && continue; [ -e \"$n\" ] || ln -s \"$f\" \"$n\"; done";
    }

    static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    [GeneratedRegex("^[0-9a-f]{7,40}$")]
    private static partial Regex CommitId();
}
