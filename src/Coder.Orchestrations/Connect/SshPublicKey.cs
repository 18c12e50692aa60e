using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Coder.Orchestrations.Connect;

/// <summary>
/// An OpenSSH public key line, <c>{type} {base64 blob} [comment]</c>, checked the way sshd reads authorized_keys: a known
/// type, a base64 blob whose first field (a length-prefixed string) is that same type. The fingerprint is
/// <c>SHA256:</c> + unpadded base64 of the blob's SHA-256, as <c>ssh-keygen -lf</c> prints it.
/// </summary>
public sealed record SshPublicKey(string Type, string Blob, string? Comment)
{
    public const int MaxLength = 16 * 1024;

    static readonly HashSet<string> Types = new(StringComparer.Ordinal)
    {
        "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
    };

    /// <summary>The line as authorized_keys takes it.</summary>
    public string Line => Comment is { Length: > 0 } ? $"{Type} {Blob} {Comment}" : $"{Type} {Blob}";

    public string Fingerprint => "SHA256:" + Convert.ToBase64String(SHA256.HashData(Convert.FromBase64String(Blob))).TrimEnd('=');

    /// <summary>The key, or null with why not.</summary>
    public static SshPublicKey? TryParse(string? text, out string? error)
    {
        error = null;
        string line = (text ?? "").Trim();
        if (line.Length is 0 or > MaxLength || line.Contains('\n') || line.Contains('\r') || line.Any(c => char.IsControl(c) && c != '\t'))
        {
            error = "One OpenSSH public key line is required: \"ssh-ed25519 AAAA… [comment]\".";
            return null;
        }

        var parts = line.Split([' ', '\t'], 3, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || !Types.Contains(parts[0]))
        {
            error = $"The key type must be one of {string.Join(", ", Types.Order(StringComparer.Ordinal))}.";
            return null;
        }

        byte[] blob;
        try
        {
            blob = Convert.FromBase64String(parts[1]);
        }
        catch (FormatException)
        {
            error = "The key's second field is not base64.";
            return null;
        }

        if (EmbeddedType(blob) != parts[0])
        {
            error = $"The key's data is not a {parts[0]} key.";
            return null;
        }

        return new SshPublicKey(parts[0], parts[1], parts.Length > 2 ? parts[2].Trim() : null);
    }

    static string? EmbeddedType(byte[] blob)
    {
        if (blob.Length < 4) return null;
        uint length = BinaryPrimitives.ReadUInt32BigEndian(blob);
        if (length == 0 || length > 64 || 4 + length >= blob.Length) return null;
        return Encoding.ASCII.GetString(blob, 4, (int)length);
    }
}
