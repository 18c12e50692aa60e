using Coder.Orchestrations.Provisioning.Azure;

namespace Coder.Provisioning.Tests.Identities;

/// <summary>Role assignment names are name-based GUIDs: the same grant always gets the same name, another grant another.</summary>
public sealed class RoleAssignmentNameTests
{
    const string Share = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a/fileServices/default/shares/home-ws-1";
    static readonly Guid Role = Guid.Parse("0c867c2a-1d8c-454a-a3db-ab2ea1bdc8bb");

    [Fact]
    public void The_same_scope_principal_and_role_give_the_same_version_5_GUID_and_any_difference_another()
    {
        var name = RoleAssignmentName.For(Share, "p-1", Role);

        Assert.Equal(name, RoleAssignmentName.For(Share.ToUpperInvariant(), "P-1", Role));
        Assert.Equal('5', name.ToString()[14]);
        Assert.Contains(name.ToString()[19], "89ab");
        Assert.NotEqual(name, RoleAssignmentName.For(Share.Replace("ws-1", "ws-2", StringComparison.Ordinal), "p-1", Role));
        Assert.NotEqual(name, RoleAssignmentName.For(Share, "p-2", Role));
        Assert.NotEqual(name, RoleAssignmentName.For(Share, "p-1", Guid.Parse("69a216fc-b8fb-44d8-bc22-1f3c2cd27a39")));
    }
}
