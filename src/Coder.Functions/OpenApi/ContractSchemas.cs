using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using Microsoft.OpenApi;

namespace Coder.Functions.OpenApi;

/// <summary>
/// OpenAPI schemas for contract types, read from the serializer's own metadata (the options the API writes with), so
/// names, enum strings and optional fields are what goes on the wire. Objects and enums become components; a property
/// that may be null is optional (the API omits nulls), the others are required.
/// </summary>
public sealed class ContractSchemas(JsonSerializerOptions options, OpenApiDocument document)
{
    readonly Dictionary<Type, string> _names = [];
    readonly Dictionary<string, Type> _types = new(StringComparer.Ordinal);

    public IDictionary<string, IOpenApiSchema> Components { get; } = new SortedDictionary<string, IOpenApiSchema>(StringComparer.Ordinal);

    public IOpenApiSchema For(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (Primitive(type) is { } primitive) return primitive;
        if (type == typeof(JsonElement) || type == typeof(JsonNode) || type == typeof(object)) return new OpenApiSchema();

        var info = options.GetTypeInfo(type);
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Enumerable:
                return new OpenApiSchema { Type = JsonSchemaType.Array, Items = For(info.ElementType!) };
            case JsonTypeInfoKind.Dictionary:
                return new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalProperties = For(info.ElementType!) };
            case JsonTypeInfoKind.Object:
                return Reference(type, () => ObjectSchema(info));
            default:
                if (type.IsEnum) return Reference(type, () => EnumSchema(type));
                throw new NotSupportedException($"No OpenAPI schema for {type}: add it to {nameof(ContractSchemas)}.");
        }
    }

    OpenApiSchemaReference Reference(Type type, Func<OpenApiSchema> build)
    {
        if (!_names.TryGetValue(type, out var name))
        {
            name = NameOf(type);
            if (_types.TryGetValue(name, out var other)) throw new InvalidOperationException($"Two contract types are named {name}: {other} and {type}.");
            _names[type] = name;
            _types[name] = type;
            Components[name] = new OpenApiSchema(); // a placeholder, so a type that refers to itself ends
            Components[name] = build();
        }

        return new OpenApiSchemaReference(name, document);
    }

    OpenApiSchema ObjectSchema(JsonTypeInfo info)
    {
        var schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal),
            Required = new SortedSet<string>(StringComparer.Ordinal),

            // Requests with other fields are refused (strict parsing), and responses carry no others (the e2e suite checks).
            AdditionalPropertiesAllowed = false,
        };
        foreach (var property in info.Properties)
        {
            if (property.Get is null) continue;
            schema.Properties[property.Name] = For(property.PropertyType);
            bool mayBeNull = Nullable.GetUnderlyingType(property.PropertyType) is not null || (!property.PropertyType.IsValueType && property.IsGetNullable);
            if (property.IsRequired || !mayBeNull) schema.Required.Add(property.Name);
        }

        return schema;
    }

    /// <summary>The enum's strings as its converter writes them (the exporter asks the converter).</summary>
    OpenApiSchema EnumSchema(Type type)
    {
        var exported = options.GetJsonSchemaAsNode(type);
        var values = exported["enum"]?.AsArray() ?? throw new NotSupportedException($"{type} is not written as strings.");
        return new OpenApiSchema { Type = JsonSchemaType.String, Enum = values.Select(v => v?.DeepClone()).ToList()! };
    }

    static OpenApiSchema? Primitive(Type type) =>
        type == typeof(string) ? new() { Type = JsonSchemaType.String }
        : type == typeof(bool) ? new() { Type = JsonSchemaType.Boolean }
        : type == typeof(int) ? new() { Type = JsonSchemaType.Integer, Format = "int32" }
        : type == typeof(long) ? new() { Type = JsonSchemaType.Integer, Format = "int64" }
        : type == typeof(double) ? new() { Type = JsonSchemaType.Number, Format = "double" }
        : type == typeof(float) ? new() { Type = JsonSchemaType.Number, Format = "float" }
        : type == typeof(decimal) ? new() { Type = JsonSchemaType.Number }
        : type == typeof(DateTimeOffset) || type == typeof(DateTime) ? new() { Type = JsonSchemaType.String, Format = "date-time" }
        : type == typeof(Guid) ? new() { Type = JsonSchemaType.String, Format = "uuid" }
        : type == typeof(TimeSpan) ? new() { Type = JsonSchemaType.String, Format = "duration" }
        : type == typeof(byte[]) ? new() { Type = JsonSchemaType.String, ContentEncoding = "base64" }
        : type == typeof(Uri) ? new() { Type = JsonSchemaType.String, Format = "uri" }
        : null;

    /// <summary>"WorkspaceResponse"; a generic one by its arguments: "ItemsPage<WorkspaceResponse>" is "WorkspaceResponseItemsPage".</summary>
    static string NameOf(Type type) =>
        type.IsGenericType
            ? string.Concat(type.GetGenericArguments().Select(NameOf)) + type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]
            : type.Name;
}
