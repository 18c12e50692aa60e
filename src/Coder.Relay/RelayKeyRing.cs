using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Coder.Relay;

/// <summary>
/// The keys tokens are checked against, read once from <see cref="RelayOptions.KeyFile"/>. The file holds secrets, so a
/// file readable by group or others is refused rather than trusted.
/// </summary>
public sealed class RelayKeyRing
{
    readonly Dictionary<string, RelayKey> _keys;

    public RelayKeyRing(IOptions<RelayOptions> options)
    {
        string path = options.Value.KeyFile;
        if (string.IsNullOrWhiteSpace(path)) throw new InvalidOperationException("Relay:KeyFile is required: the relay has no key to check tokens with.");
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
            throw new InvalidOperationException($"Relay:KeyFile {path} must be readable by its owner only (chmod 600).");

        var file = JsonSerializer.Deserialize(File.ReadAllBytes(path), RelayServerJsonContext.Default.RelayKeyFile)
            ?? throw new InvalidOperationException($"Relay:KeyFile {path} is empty.");
        _keys = file.Keys.ToDictionary(k => k.Name, StringComparer.Ordinal);
        if (_keys.Count == 0 || _keys.Values.Any(k => string.IsNullOrEmpty(k.Key)))
            throw new InvalidOperationException($"Relay:KeyFile {path} must name at least one key, each with a non-empty key.");
    }

    public RelayKey? Find(string name) => _keys.GetValueOrDefault(name);
}
