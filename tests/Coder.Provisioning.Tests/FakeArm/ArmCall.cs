namespace Coder.Provisioning.Tests.FakeArm;

/// <summary>One request the fake received, with the status it answered.</summary>
/// <param name="Short">Method, resource tail and answer, e.g. <c>PUT containerGroups/coder-ws-1 → 201</c>: what the tests compare.</param>
public sealed record ArmCall(string Method, string Path, string Query, string? Body, int Status, string Short)
{
    public override string ToString() => Short;
}
