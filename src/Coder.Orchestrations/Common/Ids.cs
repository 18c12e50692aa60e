using System.Security.Cryptography;

namespace Coder.Orchestrations.Common;

/// <summary>Random, URL- and key-safe identifiers (lower-case base32, no ambiguous padding).</summary>
public static class Ids
{
    const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static string NewWorkspaceId() => "ws-" + Random(12);

    public static string NewBuildId() => "b" + Random(8);

    public static string Random(int length)
    {
        Span<byte> bytes = stackalloc byte[length];
        RandomNumberGenerator.Fill(bytes);
        return string.Create(length, bytes.ToArray(), static (span, b) =>
        {
            for (int i = 0; i < span.Length; i++) span[i] = Alphabet[b[i] & 31];
        });
    }

    /// <summary>
    /// The operation id, which is also the orchestration instance id: derived from the workspace and the operation's
    /// generation, so a retried request or activity never starts the same work twice.
    /// </summary>
    public static string OperationId(string workspaceId, int generation, string kind) => $"{workspaceId}.{generation:D4}.{kind}";
}
