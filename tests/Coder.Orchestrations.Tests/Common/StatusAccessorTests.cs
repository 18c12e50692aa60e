using Coder.Contracts.Snapshots;
using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Snapshots;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Tests.Common;

/// <summary>The typed status accessors compare the stored text by the enums' wire names, the names the rows hold.</summary>
public sealed class StatusAccessorTests
{
    [Theory]
    [InlineData("running", true)]
    [InlineData("failed", true)]
    [InlineData("stopped", false)]
    [InlineData("Running", false)]
    [InlineData("", false)]
    public void A_workspace_is_in_the_statuses_whose_wire_name_its_row_holds(string stored, bool expected)
    {
        var workspace = new WorkspaceEntity { Status = stored };

        Assert.Equal(expected, workspace.IsIn(WorkspaceStatus.Running, WorkspaceStatus.Failed));
    }

    [Fact]
    public void A_new_workspace_row_is_pending_and_a_new_snapshot_row_is_capturing()
    {
        Assert.True(new WorkspaceEntity().IsIn(WorkspaceStatus.Pending));
        Assert.False(new WorkspaceEntity().IsIn(WorkspaceStatus.Deleted));
        Assert.True(new SnapshotEntity().IsIn(SnapshotStatus.Capturing));
        Assert.False(new SnapshotEntity { Status = "ready" }.IsIn(SnapshotStatus.Capturing, SnapshotStatus.Failed));
        Assert.True(new SnapshotRecord("s1", "ws1", null, DateTimeOffset.UnixEpoch, "ready").IsIn(SnapshotStatus.Ready));
    }
}
