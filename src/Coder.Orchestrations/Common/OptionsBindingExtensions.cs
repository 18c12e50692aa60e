using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Common;

public static class OptionsBindingExtensions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to its configuration section once, with the extra configuration in
    /// <paramref name="configure"/>: a second call (an area added twice) adds nothing, as TryAdd does for services.
    /// </summary>
    public static IServiceCollection TryBindOptions<TOptions>(this IServiceCollection services, string section, Action<OptionsBuilder<TOptions>>? configure = null)
        where TOptions : class
    {
        // BindConfiguration registers the section's change-token source; its presence means the options are bound.
        if (services.Any(d => d.ServiceType == typeof(IOptionsChangeTokenSource<TOptions>))) return services;
        var builder = services.AddOptions<TOptions>().BindConfiguration(section);
        configure?.Invoke(builder);
        return services;
    }
}
