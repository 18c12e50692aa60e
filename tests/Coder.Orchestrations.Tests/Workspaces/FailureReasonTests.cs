using Coder.Orchestrations.Security;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Workspaces;

namespace Coder.Orchestrations.Tests.Workspaces;

/// <summary>A failure's raw text (ARM bodies, host paths, exception messages) reaches admins only; members get a stable sentence and the operation id.</summary>
public sealed class FailureReasonTests
{
    const string Raw = """EnsureWorkspaceActivity failed: Azure.RequestFailedException: {"error":{"code":"InternalServerError","message":"secret detail"}} at /srv/coder/.coder/workspaces/ws-abc/agent""";

    static readonly CallerIdentity Member = new("alice", new HashSet<string> { "member" }, "alice");
    static readonly CallerIdentity Admin = new("root", new HashSet<string> { "admin" }, "root");

    static WorkspaceEntity Failed(string? code) => new()
    {
        PartitionKey = "alice",
        RowKey = "ws-abcdefghijkl",
        Name = "dev",
        Template = "py",
        Status = "failed",
        FailureReason = Raw,
        FailureCode = code,
        FailureOperationId = "ws-abcdefghijkl.0001.provision",
    };

    [Theory]
    [InlineData("activity_failed")]
    [InlineData("unexpected")]
    [InlineData(null)]
    public void AMember_SeesAStableSentenceAndTheOperation_NeverTheRawText(string? code)
    {
        string? shown = WorkspaceMapper.ToResponse(Failed(code), AgentObservation.None, 1, Member).FailureReason;
        Assert.NotNull(shown);
        Assert.DoesNotContain("/srv", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("secret detail", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", shown, StringComparison.Ordinal);
        Assert.Contains("ws-abcdefghijkl.0001.provision", shown, StringComparison.Ordinal);
        Assert.Equal(shown, WorkspaceMapper.ToResponse(Failed(code), AgentObservation.None, 1, Member with { User = "alice" }).FailureReason);
    }

    [Fact]
    public void AnAdmin_SeesTheFullText()
    {
        Assert.Equal(Raw, WorkspaceMapper.ToResponse(Failed("activity_failed"), AgentObservation.None, 1, Admin).FailureReason);
        Assert.Contains("startup script", WorkspaceMapper.ToResponse(Failed("agent_start_error"), AgentObservation.None, 1, Member).FailureReason, StringComparison.Ordinal);
        Assert.Null(WorkspaceMapper.ToResponse(new WorkspaceEntity { PartitionKey = "alice", RowKey = "ws-x", Status = "running" }, AgentObservation.None, 1, Member).FailureReason);
    }
}
