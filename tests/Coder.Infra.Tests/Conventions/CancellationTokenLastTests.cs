using System.Reflection;
using System.Runtime.CompilerServices;
using Xunit;

namespace Coder.Infra.Tests.Conventions;

/// <summary>
/// CancellationToken last on every method the shipped assemblies declare, public or not. CA1068 lets optional parameters
/// follow the token, which is how they crept in, so this reads the compiled methods instead. Several tokens may end the
/// list (IntervalWait takes a "changed" token and then the cancellation token); nothing else may follow a token.
/// </summary>
public sealed class CancellationTokenLastTests
{
    /// <summary>Orchestrations, Functions, the local host, the CLI (<c>coder</c>) and the agent (<c>coder-agent</c>).</summary>
    static readonly string[] Shipped = ["Coder.Orchestrations", "Coder.Functions", "Coder.Local", "coder", "coder-agent"];

    const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    [Fact]
    public void EveryMethod_InTheShippedAssemblies_TakesItsCancellationTokensLast()
    {
        var types = Shipped.ToDictionary(name => name, name => Assembly.Load(new AssemblyName(name)).GetTypes());
        var offenders = types.Values.SelectMany(Offenders).ToList();

        Assert.True(offenders.Count == 0, "A CancellationToken is not the last parameter of:\n  " + string.Join("\n  ", offenders));
        foreach (var (name, declared) in types)
        {
            // The check saw this assembly's cancellable methods at all: some take a token, all of them last.
            Assert.True(MethodsOf(declared).Count(TakesToken) >= 5, $"{name} declares almost no method taking a CancellationToken; is it the shipped assembly?");
        }
    }

    [Fact]
    public void Offenders_PlantedMethods_AreEachNamed()
    {
        var offenders = Offenders([typeof(Planted)]);

        Assert.Equal(
            [
                $"{typeof(Planted).FullName}.OptionalAfterTokenAsync(String, CancellationToken, String)",
                $"{typeof(Planted).FullName}.TokenFirst(CancellationToken, Int32)",
            ],
            offenders);
    }

    static List<string> Offenders(IEnumerable<Type> types) =>
        MethodsOf(types)
            .Where(m => !TokensEndTheList(m.GetParameters()))
            .Select(m => $"{m.DeclaringType!.FullName}.{m.Name}({string.Join(", ", m.GetParameters().Select(p => p.ParameterType.Name))})")
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Methods as written: not the compiler's (lambdas, local functions, state machines), not a delegate's BeginInvoke.</summary>
    static IEnumerable<MethodInfo> MethodsOf(IEnumerable<Type> types) =>
        types.Where(t => !IsCompilerGenerated(t))
            .SelectMany(t => t.GetMethods(Declared).Where(m => !typeof(Delegate).IsAssignableFrom(t) || m.Name == "Invoke"))
            .Where(m => !m.IsDefined(typeof(CompilerGeneratedAttribute), false) && !m.Name.StartsWith('<'));

    static bool IsCompilerGenerated(Type type)
    {
        for (var t = type; t is not null; t = t.DeclaringType)
        {
            if (t.IsDefined(typeof(CompilerGeneratedAttribute), false) || t.Name.StartsWith('<')) return true;
        }

        return false;
    }

    static bool TakesToken(MethodInfo method) => method.GetParameters().Any(p => p.ParameterType == typeof(CancellationToken));

    static bool TokensEndTheList(ParameterInfo[] parameters)
    {
        int first = Array.FindIndex(parameters, p => p.ParameterType == typeof(CancellationToken));
        return first < 0 || parameters.Skip(first).All(p => p.ParameterType == typeof(CancellationToken));
    }

    /// <summary>Two offenders and three methods that keep the rule.</summary>
#pragma warning disable CA1068 // planted on purpose
    internal sealed class Planted
    {
        public static Task<int> TokenFirst(CancellationToken cancellationToken, int count) => Task.FromResult(count);

        public static Task OptionalAfterTokenAsync(string name, CancellationToken cancellationToken, string? extra = null) => Task.CompletedTask;

        public static Task TokenLastAsync(string name, CancellationToken cancellationToken) => Task.CompletedTask;

        public static Task<bool> SignalThenTokenAsync(CancellationToken changed, CancellationToken cancellationToken) => Task.FromResult(changed.IsCancellationRequested);

        public static async Task LocalFunctionsAreTheCompilersAsync(CancellationToken cancellationToken)
        {
            await Inner(cancellationToken, 1);

            static Task Inner(CancellationToken token, int count) => Task.FromResult(token.IsCancellationRequested ? 0 : count);
        }
    }
#pragma warning restore CA1068
}
