namespace Coder.Testing;

/// <summary>Waits for a condition with a deadline, polling; never a fixed sleep.</summary>
public static class Eventually
{
    public static async Task<T> WaitAsync<T>(Func<Task<T>> probe, Func<T, bool> until, TimeSpan timeout, string what, TimeSpan? interval = null)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        T last = default!;
        Exception? lastError = null;
        while (DateTimeOffset.UtcNow < deadline)
        {
            try
            {
                last = await probe();
                if (until(last)) return last;
                lastError = null;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
            {
                lastError = e;
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(100)); // allowed: the poll interval of a wait that ends on its condition or its deadline
        }

        throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}. Last value: {Describe(last)}{(lastError is null ? "" : $"; last error: {lastError.Message}")}");
    }

    public static Task WaitAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        WaitAsync(() => Task.FromResult(condition()), ok => ok, timeout, what);

    static string Describe<T>(T value) => value switch
    {
        null => "null",
        System.Text.Json.Nodes.JsonNode node => node.ToJsonString(),
        _ => value.ToString() ?? "",
    };
}
