using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Tests.State;

/// <summary>
/// <see cref="OptimisticConcurrency"/> is the one read-mutate-retry loop for table rows in src/: every other store calls
/// it. A hand-written retry loop anywhere else fails this test, naming its file and line.
/// </summary>
public sealed class OneTableRetryLoopTests
{
    /// <summary>The file that holds the one loop, relative to the repository root.</summary>
    const string TheLoop = "src/Coder.Orchestrations/State/OptimisticConcurrency.cs";

    [Fact]
    public void NoFileInSrcButOptimisticConcurrencyRetriesATableWriteByHand()
    {
        string root = RepositoryRoot();
        var found = SourceFiles(root)
            .Select(path => (File: Path.GetRelativePath(root, path).Replace('\\', '/'), Findings: TableRetryLoopScanner.Scan(File.ReadAllText(path))))
            .Where(f => f.Findings.Count > 0)
            .ToList();

        // The scanner sees the real loop, or its silence about the others would mean nothing.
        Assert.Contains(found, f => f.File == TheLoop);

        var handWritten = found
            .Where(f => f.File != TheLoop)
            .SelectMany(f => f.Findings.Select(x => $"{f.File}:{x.Line}: {x.What}"))
            .ToList();
        Assert.True(handWritten.Count == 0,
            $"Table rows are read, changed and written under their ETag through {nameof(OptimisticConcurrency)} " +
            $"(MutateAsync, MutateEntityAsync, RetryOnConflictAsync), not by a loop of their own:{Environment.NewLine}{string.Join(Environment.NewLine, handWritten)}");
    }

    [Theory]
    [InlineData("""
        for (int attempt = 0; ; attempt++)
        {
            var row = await table.GetEntityAsync<Row>(pk, rk, cancellationToken: ct);
            row.Value.Count++;
            try { await table.UpdateEntityAsync(row.Value, row.Value.ETag, TableUpdateMode.Replace, ct); return; }
            catch (RequestFailedException e) when (e.Status == 412 && attempt < 10) { }
        }
        """)]
    [InlineData("""
        while (true)
        {
            var row = await Read(ct);
            if (!mutate(row)) return row;
            try { return await store.SaveAsync(row, ct); }
            catch (RequestFailedException e) when (e.IsConflict()) { await Task.Delay(10, ct); }
        }
        """)]
    [InlineData("""
        Response response;
        do response = await table.UpdateEntityAsync(Change(await Read(ct)), etag, TableUpdateMode.Merge, ct);
        while (response.Status == (int)HttpStatusCode.PreconditionFailed);
        """)]
    [InlineData("""
        async Task<Row> SaveAsync(Row row, int tries, CancellationToken ct)
        {
            try { return await Write(row, ct); }
            catch (TableTransactionFailedException e) when (e.Status is 409 && tries < 5) { return await SaveAsync(await Read(ct), tries + 1, ct); }
        }
        """)]
    [InlineData("""
        var brace = "{ \"}\" ";  // a closing } in a comment
        var text = $"{(ok ? "}" : "{")} {'}'}";
        /* } */ for (var i = 0; i < 3; i++) { try { await Save(ct); break; } catch (RequestFailedException e) when (e.ErrorCode == "UpdateConditionNotSatisfied") { } }
        """)]
    public void PlantedRetryLoopsAreFound(string source) =>
        Assert.NotEmpty(TableRetryLoopScanner.Scan(source));

    [Theory]
    [InlineData("""
        // An insert-only record per item, where 409 means "already there": walking items is not retrying a row.
        foreach (var (key, at) in after)
        {
            try { await Table.AddEntityAsync(new Orphan { RowKey = key, FirstSeenAt = at }, ct); }
            catch (RequestFailedException e) when (e.Status == 409) { }
        }
        """)]
    [InlineData("""
        while (true)
        {
            try { await blob.UploadAsync(content, new BlobUploadOptions { Conditions = new() { IfNoneMatch = ETag.All } }, ct); return; }
            catch (RequestFailedException e) when (e.Status is 409 or 412) { await lease.BreakAsync(cancellationToken: ct); }
        }
        """)]
    [InlineData("""
        while (!ct.IsCancellationRequested)
        {
            // Polls until done; a 412 here would be the caller's, see RetryOnConflictAsync.
            var status = await PollAsync("HTTP 200 for (now)", ct);
            if (status.Done) return;
        }
        """)]
    [InlineData("""
        return await OptimisticConcurrency.RetryOnConflictAsync(async (attempt, ct) =>
        {
            var pointer = await GetPointerAsync(name, ct);
            await Table.SubmitTransactionAsync(Actions(pointer), ct);
            return pointer;
        }, cancellationToken);
        """)]
    public void OtherCodeIsLeftAlone(string source) =>
        Assert.Empty(TableRetryLoopScanner.Scan(source));

    [Fact]
    public void CommentsGoAndLiteralsKeepOnlyTheirWordsAndLines()
    {
        string code = TableRetryLoopScanner.CodeOnly("a(\"x;{412}\"); // 409 }\n/* while (1) */ b('}', $\"{c(\"d\")}\");");

        Assert.Equal("a( x  412  );         \n                b(   ,    c  d    );", code);
    }

    static IEnumerable<string> SourceFiles(string root) =>
        Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"));

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Coder.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException("No Coder.sln above " + AppContext.BaseDirectory);
    }
}
