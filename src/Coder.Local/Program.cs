using Coder.Local.Hosting;
using Coder.Orchestrations.DependencyInjection;

// The local host: the functions of Coder.Functions on one machine. See ARCHITECTURE.md §2.
// Its settings (appsettings.json) sit next to it; its data folder (.coder) is relative to where it is started.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddCoderEnvironment();
using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(5));

// Refuse to start with an agent that cannot run: every workspace would fail later, and less clearly.
if (await AgentPreflight.CheckAsync(builder.Configuration["Coder:Local:AgentPath"], startup.Token) is { } problem)
{
    await Console.Error.WriteLineAsync(problem);
    return 1;
}

await using var host = await LocalHost.BuildAsync(builder, startup.Token);
await host.App.RunAsync();
return 0;
