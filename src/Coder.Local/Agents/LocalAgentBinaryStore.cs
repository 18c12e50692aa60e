using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Coder.Orchestrations.Provisioning.AgentDelivery;
using Coder.Orchestrations.Provisioning.Local;

namespace Coder.Local.Agents;

/// <summary>
/// The agent builds next to the local host: <c>agent/{platform}/coder-agent</c>, which the host's own build publishes
/// (agent/linux-x64). A file is hashed once and its hash kept while its length and modification time stay the same, so a
/// rebuild is picked up and a request costs one stat.
/// </summary>
public sealed partial class LocalAgentBinaryStore(string root) : IAgentBinaryStore
{
    readonly ConcurrentDictionary<string, AgentBinary> _hashed = new(StringComparer.Ordinal);

    /// <summary>The folder holding one subfolder per platform.</summary>
    public string Root { get; } = Path.GetFullPath(root);

    public async Task<AgentBinary?> FindAsync(string platform, CancellationToken cancellationToken)
    {
        if (!Platform().IsMatch(platform)) return null;
        var file = new FileInfo(PathOf(platform));
        if (!file.Exists) return null;
        var modified = new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero);
        if (_hashed.TryGetValue(platform, out var known) && known.Length == file.Length && known.LastModified == modified) return known;

        await using var stream = OpenFile(file.FullName);
        string sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
        var binary = new AgentBinary(platform, sha256, stream.Length, modified);
        _hashed[platform] = binary;
        return binary;
    }

    public Task<Stream> OpenReadAsync(AgentBinary binary, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(OpenFile(PathOf(binary.Platform)));

    string PathOf(string platform) => Path.Combine(Root, platform, LocalAgentLaunch.FileName);

    // A rebuild replaces the file while it may be read: share delete so the reader keeps its bytes.
    static FileStream OpenFile(string path) =>
        new(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.Read | FileShare.Delete, Options = FileOptions.Asynchronous | FileOptions.SequentialScan });

    /// <summary>{os}-{arch} in lower case: never a path.</summary>
    [GeneratedRegex("^[a-z0-9]+-[a-z0-9]+$")]
    private static partial Regex Platform();
}
