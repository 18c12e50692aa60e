using Xunit;

namespace Coder.Infra.Tests.Bicep;

/// <summary>Test classes in this collection share one compilation of main.bicep.</summary>
[CollectionDefinition(Name)]
public sealed class CompiledMainTemplateCollection : ICollectionFixture<CompiledMainTemplate>
{
    public const string Name = "compiled main.bicep";
}
