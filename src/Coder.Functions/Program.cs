using Coder.Functions.DependencyInjection;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
CoderFunctionsApplication.Configure(builder, Environment.GetEnvironmentVariable);
builder.Build().Run();
