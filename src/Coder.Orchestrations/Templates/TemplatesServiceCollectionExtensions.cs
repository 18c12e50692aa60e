using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coder.Orchestrations.Templates;

public static class TemplatesServiceCollectionExtensions
{
    /// <summary>The template store and the template use cases.</summary>
    public static IServiceCollection AddCoderTemplates(this IServiceCollection services)
    {
        services.TryAddSingleton<TemplateStore>();
        services.TryAddSingleton<TemplateService>();
        return services;
    }
}
