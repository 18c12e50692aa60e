namespace Coder.Provisioning.Tests.FakeArm;

/// <summary>An Azure Files share of the fake: paths to contents (null for a directory), and its share snapshots.</summary>
public sealed class FakeShare(string name, int quotaGiB)
{
    public string Name { get; } = name;
    public int QuotaGiB { get; set; } = quotaGiB;
    public SortedDictionary<string, byte[]?> Files { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, (Dictionary<string, string> Metadata, SortedDictionary<string, byte[]?> Files)> Snapshots { get; } = new(StringComparer.Ordinal);
}
