using Xunit;
using Coder.Local.Storage;

namespace Coder.Testing;

/// <summary>
/// One Azurite for the whole test run: the one .ci/run started (CODER_TEST_STORAGE), or one started here from the
/// repository's pinned package, with its data in a temp folder. Every test host gets its own name prefix on it.
/// </summary>
public sealed class TestStorage : IAsyncLifetime
{
    EmbeddedAzurite? _azurite;
    string? _dataDirectory;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("CODER_TEST_STORAGE") is { Length: > 0 } given)
        {
            ConnectionString = given;
            return;
        }

        _dataDirectory = Path.Combine(Path.GetTempPath(), "coder-test-azurite-" + Guid.NewGuid().ToString("N")[..8]);
        _azurite = await EmbeddedAzurite.StartAsync(_dataDirectory, CancellationToken.None);
        ConnectionString = _azurite.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (_azurite is not null) await _azurite.DisposeAsync();
        if (_dataDirectory is not null) TryDelete(_dataDirectory);
    }

    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..7];

    static void TryDelete(string dir)
    {
        try { Directory.Delete(dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
