using System.Security.Cryptography;
using Coder.Relay.Protocol;

namespace Coder.Testing;

/// <summary>The test relay's two keys, one per right, and the key file (mode 0600) the relay is given.</summary>
public sealed class RelayKeys
{
    public const string ListenKeyName = "workspace-listen";
    public const string SendKeyName = "user-send";

    public string ListenKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public string SendKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public string WriteKeyFile(string directory, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        string path = Path.Combine(directory, "relay-keys.json");
        File.WriteAllText(path, $$"""
            {"keys":[
              {"name":"{{ListenKeyName}}","key":"{{ListenKey}}","rights":["Listen"]},
              {"name":"{{SendKeyName}}","key":"{{SendKey}}","rights":["Send"]}
            ]}
            """);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, mode);
        return path;
    }

    public RelayTokenProvider Listen(TimeProvider? clock = null) => RelaySasToken.Provider(ListenKeyName, ListenKey, TimeSpan.FromMinutes(10), clock ?? TimeProvider.System);

    public RelayTokenProvider Send(TimeProvider? clock = null) => RelaySasToken.Provider(SendKeyName, SendKey, TimeSpan.FromMinutes(10), clock ?? TimeProvider.System);
}
