using System.Security.Cryptography;
using System.Text;

namespace Coder.Orchestrations.Provisioning.Azure;

/// <summary>
/// Role assignment names are GUIDs. Derived from scope, principal and role (a name-based UUID, version 5, as Bicep's
/// <c>guid()</c> does), a retried grant PUTs the same name instead of a second assignment, and Destroy finds it again.
/// </summary>
public static class RoleAssignmentName
{
    static readonly Guid Namespace = Guid.Parse("8c3b8b9e-6f7a-4c52-9a8e-2f0b2b1f6d10");

    public static Guid For(string scope, string principalId, Guid roleDefinitionId)
    {
        byte[] name = Encoding.UTF8.GetBytes($"{scope.ToLowerInvariant()}|{principalId.ToLowerInvariant()}|{roleDefinitionId:D}");
        byte[] input = [.. Namespace.ToByteArray(bigEndian: true), .. name];
#pragma warning disable CA5350 // SHA-1 is what RFC 9562 version 5 prescribes; this is a name, not a signature.
        byte[] hash = SHA1.HashData(input);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
