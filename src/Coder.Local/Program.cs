using Coder.Local.Hosting;
using Coder.Orchestrations.DependencyInjection;

// The local host: the functions of Coder.Functions on one machine. See ARCHITECTURE.md §2.
var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddCoderEnvironment();
using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(5));
await using var host = await LocalHost.BuildAsync(builder, startup.Token);
await host.App.RunAsync();
