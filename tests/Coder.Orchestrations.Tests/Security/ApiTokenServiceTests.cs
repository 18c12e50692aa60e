using Azure.Data.Tables;
using Coder.Contracts.Auth;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Security;
using Coder.Orchestrations.State;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Tests.Security;

/// <summary>API tokens against real tables on Azurite.</summary>
[Collection(StorageCollection.Name)]
public sealed class ApiTokenServiceTests(TestStorage storage)
{
    readonly ManualTime _time = new(DateTimeOffset.Parse("2026-03-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    async Task<(ApiTokenService Service, CoderTables Tables)> CreateAsync(string? adminToken = null)
    {
        var tables = await StorageFactory.CreateTablesAsync(storage);
        return (new ApiTokenService(tables, _time, Options.Create(new SecurityOptions { AdminToken = adminToken })), tables);
    }

    [Fact]
    public async Task Create_StoresOnlyTheHash_AndAuthenticatesWithRoles()
    {
        var (service, tables) = await CreateAsync();
        var created = await service.CreateAsync(new CreateTokenRequest("ci", ["template-admin", "member", "member"], "alice", 7), CancellationToken.None);
        Assert.StartsWith("cdr_", created.Token, StringComparison.Ordinal);
        Assert.Equal(["template-admin", "member"], created.Roles);
        Assert.Equal(_time.Now.AddDays(7), created.ExpiresAt);

        await foreach (var row in tables.ApiTokens.QueryAsync<TableEntity>())
        {
            Assert.DoesNotContain(created.Token, row.PartitionKey, StringComparison.Ordinal);
            Assert.All(row.Select(p => p.Value), v => Assert.DoesNotContain(created.Token, v?.ToString() ?? "", StringComparison.Ordinal));
        }

        var caller = await service.AuthenticateAsync(created.Token, CancellationToken.None);
        Assert.NotNull(caller);
        Assert.Equal("alice", caller.User);
        Assert.True(caller.CanManageTemplates);
        Assert.False(caller.IsAdmin);
        Assert.Null(await service.AuthenticateAsync(created.Token + "x", CancellationToken.None));
        Assert.Null(await service.AuthenticateAsync(created.Token[..^1], CancellationToken.None));
    }

    [Fact]
    public async Task Authenticate_AfterExpiry_IsRefused_AndTokensWithoutExpiryGetTheDefault()
    {
        var (service, _) = await CreateAsync();
        var shortLived = await service.CreateAsync(new CreateTokenRequest("short", ["member"], "bob", 1), CancellationToken.None);
        var defaulted = await service.CreateAsync(new CreateTokenRequest("default", ["member"], "bob", null), CancellationToken.None);
        Assert.Equal(_time.Now.AddDays(new SecurityOptions().DefaultTokenDays), defaulted.ExpiresAt);

        _time.Advance(TimeSpan.FromDays(1) - TimeSpan.FromSeconds(1));
        Assert.NotNull(await service.AuthenticateAsync(shortLived.Token, CancellationToken.None));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await service.AuthenticateAsync(shortLived.Token, CancellationToken.None));
        Assert.NotNull(await service.AuthenticateAsync(defaulted.Token, CancellationToken.None));
    }

    [Fact]
    public async Task Revoke_StopsTheTokenAtOnce_AndFreesTheName()
    {
        var (service, _) = await CreateAsync();
        var first = await service.CreateAsync(new CreateTokenRequest("deploy", ["admin"], "ops", 30), CancellationToken.None);
        var duplicate = await Assert.ThrowsAsync<CoderProblemException>(() => service.CreateAsync(new CreateTokenRequest("deploy", ["member"], "ops", 30), CancellationToken.None));
        Assert.Equal(409, duplicate.Status);

        Assert.NotNull(await service.AuthenticateAsync(first.Token, CancellationToken.None));
        await service.RevokeAsync("deploy", CancellationToken.None);
        Assert.Null(await service.AuthenticateAsync(first.Token, CancellationToken.None));
        Assert.Equal(404, (await Assert.ThrowsAsync<CoderProblemException>(() => service.RevokeAsync("deploy", CancellationToken.None))).Status);

        var second = await service.CreateAsync(new CreateTokenRequest("deploy", ["member"], "ops", 30), CancellationToken.None);
        Assert.NotNull(await service.AuthenticateAsync(second.Token, CancellationToken.None));
        Assert.Null(await service.AuthenticateAsync(first.Token, CancellationToken.None));
    }

    [Fact]
    public async Task Revoke_OnAnotherInstance_TakesEffectHereWithinTheTokenCacheTime()
    {
        var (here, tables) = await CreateAsync();
        var there = new ApiTokenService(tables, _time, Options.Create(new SecurityOptions()));
        var token = await there.CreateAsync(new CreateTokenRequest("laptop", ["member"], "carol", 30), CancellationToken.None);
        Assert.NotNull(await here.AuthenticateAsync(token.Token, CancellationToken.None));

        await there.RevokeAsync("laptop", CancellationToken.None);
        Assert.Null(await there.AuthenticateAsync(token.Token, CancellationToken.None));

        // This instance verified the row a moment ago and reuses it until the cache time has passed, then reads the revoke.
        _time.Advance(TimeSpan.FromSeconds(new SecurityOptions().TokenCacheSeconds) - TimeSpan.FromMilliseconds(1));
        Assert.NotNull(await here.AuthenticateAsync(token.Token, CancellationToken.None));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(await here.AuthenticateAsync(token.Token, CancellationToken.None));

        var uncached = new ApiTokenService(tables, _time, Options.Create(new SecurityOptions { TokenCacheSeconds = 0 }));
        var other = await there.CreateAsync(new CreateTokenRequest("desktop", ["member"], "carol", 30), CancellationToken.None);
        Assert.NotNull(await uncached.AuthenticateAsync(other.Token, CancellationToken.None));
        await there.RevokeAsync("desktop", CancellationToken.None);
        Assert.Null(await uncached.AuthenticateAsync(other.Token, CancellationToken.None));
    }

    [Theory]
    [InlineData("../etc", "u", "member", "name")]
    [InlineData("bootstrap-admin", "u", "member", "name")]
    [InlineData("ok", "a/b", "member", "user")]
    [InlineData("ok", "u", "root", "roles")]
    public async Task Create_BadInput_IsRefusedByField_AndWritesNothing(string name, string user, string role, string field)
    {
        var (service, tables) = await CreateAsync();
        var e = await Assert.ThrowsAsync<CoderProblemException>(() => service.CreateAsync(new CreateTokenRequest(name, [role], user, 1), CancellationToken.None));
        Assert.Equal(400, e.Status);
        Assert.True(e.Errors!.ContainsKey(field), string.Join(",", e.Errors.Keys));
        await foreach (var row in tables.ApiTokens.QueryAsync<TableEntity>()) Assert.Fail($"Unexpected row {row.PartitionKey}");
    }

    [Fact]
    public async Task Bootstrap_RotatingTheConfiguredToken_RevokesThePreviousOne()
    {
        var tables = await StorageFactory.CreateTablesAsync(storage);
        var before = new ApiTokenService(tables, _time, Options.Create(new SecurityOptions { AdminToken = "cdr_first-bootstrap" }));
        await before.EnsureBootstrapAdminAsync(CancellationToken.None);
        await before.EnsureBootstrapAdminAsync(CancellationToken.None);
        Assert.True((await before.AuthenticateAsync("cdr_first-bootstrap", CancellationToken.None))?.IsAdmin);

        var after = new ApiTokenService(tables, _time, Options.Create(new SecurityOptions { AdminToken = "cdr_second-bootstrap" }));
        await after.EnsureBootstrapAdminAsync(CancellationToken.None);
        Assert.Null(await after.AuthenticateAsync("cdr_first-bootstrap", CancellationToken.None));
        Assert.True((await after.AuthenticateAsync("cdr_second-bootstrap", CancellationToken.None))?.IsAdmin);
        Assert.Equal(409, (await Assert.ThrowsAsync<CoderProblemException>(() => after.RevokeAsync(ApiTokenService.BootstrapName, CancellationToken.None))).Status);
    }

    [Fact]
    public async Task Bootstrap_Unset_RevokesThePreviousBootstrapToken()
    {
        const string old = "cdr_bootstrap-0123456789abcdef0123456789";
        var (withToken, tables) = await CreateAsync(old);
        await withToken.EnsureBootstrapAdminAsync(CancellationToken.None);
        Assert.True((await withToken.AuthenticateAsync(old, CancellationToken.None))?.IsAdmin);

        // CODER_ADMIN_TOKEN removed, and the host restarted.
        var without = new ApiTokenService(tables, _time, Options.Create(new SecurityOptions()));
        await without.EnsureBootstrapAdminAsync(CancellationToken.None);
        await without.EnsureBootstrapAdminAsync(CancellationToken.None);
        Assert.Null(await without.AuthenticateAsync(old, CancellationToken.None));

        // Setting one again works as before.
        var again = new ApiTokenService(tables, _time, Options.Create(new SecurityOptions { AdminToken = old + "2" }));
        await again.EnsureBootstrapAdminAsync(CancellationToken.None);
        Assert.True((await again.AuthenticateAsync(old + "2", CancellationToken.None))?.IsAdmin);
        Assert.Null(await again.AuthenticateAsync(old, CancellationToken.None));
    }
}
