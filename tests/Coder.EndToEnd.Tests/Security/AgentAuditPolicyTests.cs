using Coder.Functions.Http;

namespace Coder.EndToEnd.Tests.Security;

/// <summary>
/// Which answers on agent routes get an audit row: refusals only. A timed-out send (499) or an overloaded control plane
/// (503) adds no storage write; the fleet bench showed 63 audit inserts a second at 2,000 workspaces before this rule.
/// </summary>
public sealed class AgentAuditPolicyTests
{
    [Theory]
    [InlineData(200, false)]
    [InlineData(202, false)]
    [InlineData(304, false)]
    [InlineData(400, true)]
    [InlineData(401, true)]
    [InlineData(403, true)]
    [InlineData(404, true)]
    [InlineData(413, true)]
    [InlineData(429, true)]
    [InlineData(499, false)]
    [InlineData(500, false)]
    [InlineData(503, false)]
    public void OnlyRefusalsOfAgentTraffic_AreAudited(int status, bool audited) => Assert.Equal(audited, RoutePolicy.AuditsAgentAnswer(status));
}
