using Coder.Functions.DependencyInjection;
using Coder.Orchestrations.DependencyInjection;
using Coder.Orchestrations.Telemetry;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Configuration.AddCoderEnvironment();
builder.Services.AddCoderFunctions();
builder.Services.AddCoderTelemetry(builder.Configuration);
builder.Build().Run();
