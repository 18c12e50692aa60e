using Coder.Functions.DependencyInjection;
using Coder.Orchestrations.DependencyInjection;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Configuration.AddCoderEnvironment();
builder.Services.AddCoderFunctions();
builder.Build().Run();
