using Coder.Contracts.Templates;
using Coder.Orchestrations.Templates;
using Coder.Orchestrations.Tests.Security;

namespace Coder.Orchestrations.Tests.Templates;

/// <summary>Template versions claimed at the same moment, against real tables on Azurite.</summary>
[Collection(StorageCollection.Name)]
public sealed class TemplateStoreConcurrencyTests(TestStorage storage)
{
    [Fact]
    public async Task ConcurrentNewVersions_EachGetsItsOwnNumber_AndConcurrentPromotionsLeaveOneActive()
    {
        var time = new ManualTime(DateTimeOffset.Parse("2026-03-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var tables = await StorageFactory.CreateTablesAsync(storage);
        await new TemplateStore(tables, time).CreateAsync(new TemplateSpec { Name = "web", Provisioner = "local", Description = "v1" }, "test", CancellationToken.None);

        // Separate stores, as separate instances would be: each claims "latest + 1" under the pointer's ETag in one transaction.
        var added = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            new TemplateStore(tables, time).AddVersionAsync("web", new TemplateSpec { Provisioner = "local", Description = $"by {i}" }, "test", CancellationToken.None)));

        Assert.Equal([2, 3, 4, 5, 6, 7], added.Select(a => a.Version).Order());
        var store = new TemplateStore(tables, time);
        Assert.Equal(7, (await store.GetPointerAsync("web", CancellationToken.None))!.LatestVersion);
        var versions = await store.ListVersionsAsync("web", CancellationToken.None);
        Assert.Equal(7, versions.Count);
        Assert.Equal(6, versions.Where(v => v.Version > 1).Select(v => v.Spec).Distinct().Count());

        var promoted = await Task.WhenAll(new[] { 3, 5 }.Select(v => new TemplateStore(tables, time).PromoteAsync("web", v, CancellationToken.None)));
        var pointer = (await store.GetPointerAsync("web", CancellationToken.None))!;
        Assert.Contains(pointer.ActiveVersion, promoted.Select(p => p.ActiveVersion));
        // The pointer was replaced whole under one read's ETag: its description is its active version's, not the other's.
        Assert.Equal((await store.GetVersionAsync("web", pointer.ActiveVersion, CancellationToken.None))!.Spec.Description, pointer.Description);
    }
}
