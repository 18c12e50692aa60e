using Coder.Orchestrations.Common;

namespace Coder.Orchestrations.Tests.Common;

public sealed class NamesTests
{
    [Theory]
    [InlineData("src/app", true)]
    [InlineData("a", true)]
    [InlineData("../x", false)]
    [InlineData("a/../../x", false)]
    [InlineData("/etc/passwd", false)]
    [InlineData("a//b", false)]
    [InlineData("a\\b", false)]
    [InlineData("./a", false)]
    [InlineData("", false)]
    public void IsSafeRelativePath_RejectsEscapes(string path, bool safe) => Assert.Equal(safe, Names.IsSafeRelativePath(path));

    [Theory]
    [InlineData("ok-name", true)]
    [InlineData("a1", true)]
    [InlineData("1abc", false)]
    [InlineData("Abc", false)]
    [InlineData("a", false)]
    [InlineData("abcdefghijabcdefghijabcdefghijabc", false)]
    public void ResourceName_FollowsTheRule(string name, bool valid) => Assert.Equal(valid, Names.ResourceName().IsMatch(name));

    [Fact]
    public void OperationId_IsDerivedFromWorkspaceGenerationAndKind() =>
        Assert.Equal("ws-abc.0007.stop", Ids.OperationId("ws-abc", 7, "stop"));

    [Theory]
    [InlineData("ok-name\n")]
    [InlineData("ok-name\r\n")]
    public void EveryNameRule_RefusesATrailingNewline(string name)
    {
        Assert.DoesNotMatch(Names.ResourceName(), name);
        Assert.DoesNotMatch(Names.ScriptName(), name);
        Assert.DoesNotMatch(Names.EnvName(), name.Replace('-', '_'));
        Assert.Matches(Names.ScriptName(), name.TrimEnd());
    }
}
