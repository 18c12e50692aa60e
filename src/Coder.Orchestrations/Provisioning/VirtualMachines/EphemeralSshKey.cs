using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Coder.Orchestrations.Provisioning.VirtualMachines;

/// <summary>
/// Azure requires an SSH key (or a password) on a Linux VM. Without a configured key, workspace VMs get the public
/// half of a key pair whose private half is thrown away: nobody logs in, agents dial out.
/// </summary>
public static class EphemeralSshKey
{
    public static string NewPublicKey()
    {
        using var rsa = RSA.Create(3072);
        var p = rsa.ExportParameters(includePrivateParameters: false);
        using var blob = new MemoryStream();
        Write(blob, "ssh-rsa"u8);
        WriteMpint(blob, p.Exponent!);
        WriteMpint(blob, p.Modulus!);
        return "ssh-rsa " + Convert.ToBase64String(blob.ToArray()) + " coder-ephemeral";
    }

    static void Write(Stream s, ReadOnlySpan<byte> data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        s.Write(length);
        s.Write(data);
    }

    /// <summary>SSH mpint: big-endian, with a leading zero when the top bit is set.</summary>
    static void WriteMpint(Stream s, byte[] value) =>
        Write(s, (value[0] & 0x80) != 0 ? [0, .. value] : value);
}
