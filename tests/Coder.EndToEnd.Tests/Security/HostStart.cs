using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Security;

/// <summary>xunit does not dispose a fixture whose initialization threw, so a host that fails to start is stopped here.</summary>
public static class HostStart
{
    public static async Task StartOrDisposeAsync(LocalHostProcess host)
    {
        try
        {
            await host.StartAsync(TimeSpan.FromMinutes(3));
        }
        catch (Exception)
        {
            await host.DisposeAsync();
            throw;
        }
    }
}
