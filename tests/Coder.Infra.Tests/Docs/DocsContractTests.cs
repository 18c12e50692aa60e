using System.Reflection;
using System.Text.RegularExpressions;
using Coder.Functions.Http;
using Coder.Infra.Tests.Bicep;
using Microsoft.Azure.Functions.Worker;
using Xunit;

namespace Coder.Infra.Tests.Docs;

/// <summary>
/// The repository's docs are the contract: the README and docs/*.md link only to what a clone has, and docs/api.md names
/// every HTTP route the Functions project declares, so a new route cannot ship undocumented.
/// </summary>
public sealed class DocsContractTests
{
    static string ApiDoc => Path.Combine(RepositoryPaths.RepoRoot, "docs", "api.md");

    static IEnumerable<string> Pages() =>
        new[] { Path.Combine(RepositoryPaths.RepoRoot, "README.md") }.Concat(Directory.GetFiles(Path.Combine(RepositoryPaths.RepoRoot, "docs"), "*.md").Order(StringComparer.Ordinal));

    [Fact]
    public void RelativeLinks_InReadmeAndDocs_ResolveInsideTheRepository()
    {
        var problems = MarkdownLinks.Problems(RepositoryPaths.RepoRoot, Pages(), out int checkedLinks);

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        Assert.True(checkedLinks >= 5, $"only {checkedLinks} relative links found; the README links the docs");
        var readmeTargets = MarkdownLinks.Targets(File.ReadAllText(Path.Combine(RepositoryPaths.RepoRoot, "README.md"))).ToList();
        Assert.Contains("docs/architecture.md", readmeTargets);
        Assert.Contains("docs/api.md", readmeTargets);
    }

    [Fact]
    public void LinkCheck_PlantedBrokenLinks_AreEachReported()
    {
        string root = Directory.CreateTempSubdirectory("coder-doc-links-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "docs"));
            File.WriteAllText(Path.Combine(root, "docs", "a.md"), "# A page\n\n## Deploy it\n");
            string readme = Path.Combine(root, "README.md");
            File.WriteAllText(readme, """
                [ok](docs/a.md) [ok anchor](docs/a.md#deploy-it) [web](https://example.com/x.md) `[code](nowhere.md)`
                [outside](../shared/API.md) [missing](docs/b.md) [bad anchor](docs/a.md#deploy)
                ```
                [fenced](nowhere.md)
                ```
                """);

            var problems = MarkdownLinks.Problems(root, [readme], out int checkedLinks);

            Assert.Equal(5, checkedLinks);
            Assert.Equal(3, problems.Count);
            Assert.Contains(problems, p => p.Contains("(../shared/API.md) points outside the repository", StringComparison.Ordinal));
            Assert.Contains(problems, p => p.Contains("(docs/b.md) names no file", StringComparison.Ordinal));
            Assert.Contains(problems, p => p.Contains("(docs/a.md#deploy) names no heading", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Fact]
    public void ApiDoc_NamesEveryHttpRouteTheFunctionsProjectDeclares()
    {
        var routes = DeclaredRoutes();
        var missing = MissingRoutes(File.ReadAllText(ApiDoc), routes);

        Assert.True(routes.Count >= 30, $"only {routes.Count} routes found in Coder.Functions");
        Assert.True(missing.Count == 0, "docs/api.md does not name these routes (write them as `METHOD /api/route`): " + string.Join(", ", missing));
    }

    [Fact]
    public void RouteCheck_PlantedMissingRoute_IsReported()
    {
        var routes = DeclaredRoutes();
        string api = File.ReadAllText(ApiDoc).Replace("POST /api/workspaces/{id}/restore", "POST /api/workspaces/{id}/rollback", StringComparison.Ordinal);

        Assert.Equal(["POST /api/workspaces/{id}/restore"], MissingRoutes(api, routes));
        // A route that is a prefix of another is not found inside the longer one.
        Assert.Equal(["GET /api/workspaces"], MissingRoutes("`GET /api/workspaces/{id}` and `GET /api/workspaces-old`", ["GET /api/workspaces", "GET /api/workspaces/{id}"]));
    }

    /// <summary>Every <c>[Function]</c> with an HTTP trigger, one entry per method, as <c>METHOD /api/route</c>.</summary>
    static List<string> DeclaredRoutes() =>
        typeof(ApiPipeline).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null)
            .SelectMany(m => m.GetParameters().Select(p => (Function: m.GetCustomAttribute<FunctionAttribute>()!, Http: p.GetCustomAttribute<HttpTriggerAttribute>())))
            .Where(x => x.Http is not null)
            .SelectMany(x => (x.Http!.Methods ?? ["get", "post"]).Select(verb => $"{verb.ToUpperInvariant()} /api/{x.Http.Route ?? x.Function.Name}"))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Routes the page does not name, each matched whole (not as the start of a longer route).</summary>
    static List<string> MissingRoutes(string apiDoc, IEnumerable<string> routes) =>
        routes.Where(r => !Regex.IsMatch(apiDoc, Regex.Escape(r) + @"(?![\w/{-])")).ToList();
}
