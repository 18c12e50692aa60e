using System.Buffers.Binary;
using System.Text;
using Coder.Orchestrations.Connect;

namespace Coder.Orchestrations.Tests.Connect;

/// <summary>The OpenSSH public key line format (RFC 4253 §6.6 blobs, authorized_keys lines) as the SSH key route checks it.</summary>
public sealed class SshPublicKeyTests
{
    // ssh-keygen -t ed25519 output and what `ssh-keygen -lf` prints for it.
    const string Ed25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHWJJfNdR6DObVFKy/EdQ22DRXOfeDsrLlOeu4gh/1xZ user@host";
    const string Ed25519Fingerprint = "SHA256:Q0oGJsuP2shjQ6XGjMquAxX9zfSgvi2v9j+YmF00IWs";

    [Fact]
    public void AnEd25519Line_ParsesWithItsComment_AndTheFingerprintSshKeygenPrints()
    {
        var key = SshPublicKey.TryParse("  " + Ed25519 + "\t", out string? error);

        Assert.Null(error);
        Assert.Equal(("ssh-ed25519", "user@host"), (key!.Type, key.Comment));
        Assert.Equal(Ed25519, key.Line);
        Assert.Equal(Ed25519Fingerprint, key.Fingerprint);
    }

    [Theory]
    [InlineData("ecdsa-sha2-nistp256")]
    [InlineData("ssh-rsa")]
    public void OtherKnownTypes_AreTaken_WhenTheBlobNamesTheSameType(string type)
    {
        string line = $"{type} {Blob(type)}";

        Assert.NotNull(SshPublicKey.TryParse(line, out _));
        Assert.Null(SshPublicKey.TryParse($"ssh-ed25519 {Blob(type)}", out string? error));
        Assert.Contains("not a ssh-ed25519 key", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ssh-ed25519")]
    [InlineData("ssh-dss AAAAB3NzaC1kc3MAAACBAP")]
    [InlineData("ssh-ed25519 not*base64")]
    [InlineData("ssh-ed25519 AAAA")]
    [InlineData(Ed25519 + "\n" + Ed25519)]
    public void MalformedLines_AreRefusedWithAReason(string line)
    {
        Assert.Null(SshPublicKey.TryParse(line, out string? error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    static string Blob(string type)
    {
        var bytes = new byte[4 + type.Length + 8];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)type.Length);
        Encoding.ASCII.GetBytes(type, bytes.AsSpan(4));
        return Convert.ToBase64String(bytes);
    }
}
