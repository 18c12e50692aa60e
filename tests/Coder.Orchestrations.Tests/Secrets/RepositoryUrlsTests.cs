using Coder.Orchestrations.Secrets;

namespace Coder.Orchestrations.Tests.Secrets;

public sealed class RepositoryUrlsTests
{
    [Theory]
    [InlineData("https://github.com/coder/app.git", true)]
    [InlineData("file:///srv/repos/app.git", true)]
    [InlineData("ssh://git@github.com/coder/app.git", true)]
    [InlineData("https://me:hunter2@github.com/coder/app.git", false)] // a password in a URL lands in .git/config and argv
    [InlineData("https://token@github.com/coder/app.git", false)]
    [InlineData("ssh://git:pw@github.com/coder/app.git", false)]
    [InlineData("ext::sh -c touch% /tmp/pwned", false)]
    [InlineData("-uhttps://x", false)]
    [InlineData("https://github.com/a b.git", false)]
    [InlineData("", false)]
    public void OnlyPlainUrlsOfKnownSchemesWithoutCredentialsAreAccepted(string url, bool valid) => Assert.Equal(valid, RepositoryUrls.IsValid(url));

    [Theory]
    [InlineData("https://github.com/coder/app.git", "app")]
    [InlineData("https://github.com/coder/app/", "app")]
    [InlineData("file:///srv/repos/lib", "lib")]
    public void TheDefaultPathIsTheRepositorysName(string url, string path) => Assert.Equal(path, RepositoryUrls.DefaultPath(url));

    [Theory]
    [InlineData("GITHUB_TOKEN", true)]
    [InlineData("_X", true)]
    [InlineData("github_token", false)]
    [InlineData("1TOKEN", false)]
    [InlineData("CODER_AGENT_TOKEN", false)]
    [InlineData("A-B", false)]
    public void SecretNamesAreUpperCaseEnvNamesOutsideCoder(string name, bool valid) => Assert.Equal(valid, SecretNames.IsValid(name));
}
