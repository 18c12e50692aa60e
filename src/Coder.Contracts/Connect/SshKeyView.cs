namespace Coder.Contracts.Connect;

/// <summary>A user's registered key and its fingerprint (<c>SHA256:…</c>, as <c>ssh-keygen -lf</c> prints it).</summary>
public sealed record SshKeyView(string PublicKey, string Fingerprint);
