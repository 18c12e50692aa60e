using Coder.Contracts.Templates;
using Coder.Orchestrations.Templates;
using Coder.Orchestrations.Tests.Security;

namespace Coder.Orchestrations.Tests.Templates;

/// <summary>The template store's read caches against real tables on Azurite: what may be reused, and for how long.</summary>
[Collection(StorageCollection.Name)]
public sealed class TemplateStoreCacheTests(TestStorage storage)
{
    readonly ManualTime _time = new(DateTimeOffset.Parse("2026-03-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task ActiveVersion_PromotionHereIsSeenAtOnce_PromotionElsewhereWithinTheCacheTime()
    {
        var tables = await StorageFactory.CreateTablesAsync(storage);
        var here = new TemplateStore(tables, _time);
        var there = new TemplateStore(tables, _time);
        await here.CreateAsync(new TemplateSpec { Name = "web", Provisioner = "local", Description = "one" }, "test", CancellationToken.None);
        await here.AddVersionAsync("web", new TemplateSpec { Provisioner = "local", Description = "two" }, "test", CancellationToken.None);
        Assert.Equal(1, await here.GetActiveVersionAsync("web", CancellationToken.None));
        Assert.Equal(1, await there.GetActiveVersionAsync("web", CancellationToken.None));

        await here.PromoteAsync("web", 2, CancellationToken.None);
        Assert.Equal(2, await here.GetActiveVersionAsync("web", CancellationToken.None));
        Assert.Equal(1, await there.GetActiveVersionAsync("web", CancellationToken.None));
        _time.Advance(TemplateStore.ActiveVersionCacheTime);
        Assert.Equal(2, await there.GetActiveVersionAsync("web", CancellationToken.None));

        // A template that does not exist yet is not remembered as missing.
        Assert.Null(await there.GetActiveVersionAsync("api", CancellationToken.None));
        await here.CreateAsync(new TemplateSpec { Name = "api", Provisioner = "local" }, "test", CancellationToken.None);
        Assert.Equal(1, await there.GetActiveVersionAsync("api", CancellationToken.None));
    }

    [Fact]
    public async Task Versions_AreImmutable_SoACachedReadEqualsTheStoredRow_AndMissingOnesAreReadAgain()
    {
        var tables = await StorageFactory.CreateTablesAsync(storage);
        var store = new TemplateStore(tables, _time);
        await store.CreateAsync(new TemplateSpec { Name = "db", Provisioner = "local", Description = "first" }, "test", CancellationToken.None);
        Assert.Null(await store.GetVersionAsync("db", 2, CancellationToken.None));

        await new TemplateStore(tables, _time).AddVersionAsync("db", new TemplateSpec { Provisioner = "local", Description = "second" }, "test", CancellationToken.None);
        var second = await store.GetVersionAsync("db", 2, CancellationToken.None);
        Assert.Equal("second", second?.Spec.Description);
        Assert.Equal("first", (await store.GetVersionAsync("db", 1, CancellationToken.None))?.Spec.Description);
        var fresh = await new TemplateStore(tables, _time).GetVersionAsync("db", 2, CancellationToken.None);
        Assert.Equal((fresh?.Version, fresh?.CreatedAt, fresh?.Spec.Description), (second?.Version, second?.CreatedAt, second?.Spec.Description));
    }
}
