using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Coder.Infra.Tests.Arm.Expressions;
using Coder.Infra.Tests.Arm.Values;

namespace Coder.Infra.Tests.Arm;

/// <summary>
/// Evaluates compiled ARM JSON statically, as far as it can be known before deployment. It resolves
/// variables, parameters (through nested module deployments), property and index access, and the
/// functions bicep emits for constants; anything else becomes <see cref="ArmUnknown"/>, so a check
/// that needs a constant fails instead of passing by accident.
/// </summary>
public static partial class ArmEvaluator
{
    private const int MaxCandidates = 512;

    public static IReadOnlyList<ArmValue> Evaluate(JsonNode? node, ArmScope scope) => node switch
    {
        null => [new ArmUnknown("null")],
        JsonObject obj => [new ArmObject(obj.ToDictionary(
            pair => pair.Key,
            pair => new Lazy<IReadOnlyList<ArmValue>>(() => Evaluate(pair.Value, scope)),
            StringComparer.OrdinalIgnoreCase))],
        JsonArray array => [new ArmArray(array.Select(item => new Lazy<IReadOnlyList<ArmValue>>(() => Evaluate(item, scope))).ToList())],
        JsonValue value => EvaluateScalar(value, scope),
        _ => [new ArmUnknown($"unsupported node {node.GetType().Name}")],
    };

    public static IReadOnlyList<ArmValue> Evaluate(ArmExpression expression, ArmScope scope) => expression switch
    {
        ArmStringLiteral text => [new ArmText(text.Value)],
        ArmNumberLiteral number => [new ArmNumber(number.Value)],
        ArmPropertyAccess access => Evaluate(access.Target, scope).SelectMany(target => Member(target, access.Property)).ToList(),
        ArmIndexAccess access => Index(Evaluate(access.Target, scope), Evaluate(access.Index, scope)),
        ArmFunctionCall call => Call(call, scope),
        _ => [new ArmUnknown($"unsupported expression {expression}")],
    };

    /// <summary>Follows a dotted path of members from a value, e.g. "properties.roleDefinitionId".</summary>
    public static IReadOnlyList<ArmValue> Path(IReadOnlyList<ArmValue> start, string dottedPath) =>
        dottedPath.Split('.').Aggregate(start, (current, segment) => current.SelectMany(value => Member(value, segment)).ToList());

    private static IReadOnlyList<ArmValue> EvaluateScalar(JsonValue value, ArmScope scope)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                var text = value.GetValue<string>();
                if (ArmExpressionParser.IsExpression(text))
                {
                    return Evaluate(ArmExpressionParser.Parse(text), scope);
                }

                // "[[" escapes a literal leading bracket.
                return [new ArmText(text.StartsWith("[[", StringComparison.Ordinal) ? text[1..] : text)];
            case JsonValueKind.Number:
                return value.TryGetValue<long>(out var number) ? [new ArmNumber(number)] : [new ArmUnknown($"non-integer {value}")];
            case JsonValueKind.True:
                return [new ArmBool(true)];
            case JsonValueKind.False:
                return [new ArmBool(false)];
            default:
                return [new ArmUnknown($"JSON {value.GetValueKind()}")];
        }
    }

    private static IReadOnlyList<ArmValue> Member(ArmValue target, string name) => target switch
    {
        ArmObject obj => obj.Member(name),
        ArmUnknown { Reference: { } reference } unknown => [unknown with { Reference = $"{reference}.{name}" }],
        ArmUnknown unknown => [unknown],
        _ => [new ArmUnknown($"member '{name}' of {target.GetType().Name}")],
    };

    private static List<ArmValue> Index(IReadOnlyList<ArmValue> targets, IReadOnlyList<ArmValue> indexes)
    {
        var results = new List<ArmValue>();
        foreach (var target in targets)
        {
            foreach (var index in indexes)
            {
                results.AddRange((target, index) switch
                {
                    (ArmArray array, ArmAnyIndex) => array.Items.SelectMany(item => item.Value),
                    (ArmArray array, ArmNumber number) when number.Value >= 0 && number.Value < array.Items.Count =>
                        array.Items[(int)number.Value].Value,
                    (ArmObject obj, ArmText key) => obj.Member(key.Value),
                    _ => [new ArmUnknown($"index {index.Render()} into {target.GetType().Name}")],
                });
            }
        }

        return results;
    }

    private static IReadOnlyList<ArmValue> Call(ArmFunctionCall call, ArmScope scope)
    {
        var arguments = call.Arguments;
        switch (call.Name.ToLowerInvariant())
        {
            case "variables":
                return Variable(ConstantName(arguments, scope), scope);
            case "parameters":
                return Parameter(ConstantName(arguments, scope), scope);
            case "if":
                // Deployed with known parameters, a constant condition picks its branch.
                if (scope.Placeholders is not null && Evaluate(arguments[0], scope) is [ArmBool condition])
                {
                    return Evaluate(arguments[condition.Value ? 1 : 2], scope);
                }

                // Both branches may be deployed depending on parameters: keep both.
                return [.. Evaluate(arguments[1], scope), .. Evaluate(arguments[2], scope)];
            case "createarray":
                return [new ArmArray(arguments.Select(argument => new Lazy<IReadOnlyList<ArmValue>>(() => Evaluate(argument, scope))).ToList())];
            case "createobject":
                return [CreateObject(arguments, scope)];
            case "union":
                return Union(arguments, scope);
            case "format":
                // "{{" and "}}" are literal braces in format(), as in .NET composite formatting.
                return Combine(arguments, scope, parts => Placeholder().Replace(
                    parts[0].Render(),
                    match => match.Value switch
                    {
                        "{{" => "{",
                        "}}" => "}",
                        _ => int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + 1 < parts.Count
                            ? parts[int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + 1].Render()
                            : "{?}",
                    }));
            case "concat":
                return Combine(arguments, scope, parts => string.Concat(parts.Select(part => part.Render())));
            case "subscriptionresourceid":
            case "resourceid":
            case "tenantresourceid":
            case "extensionresourceid":
                return Combine(arguments, scope, parts => string.Join('/', parts.Select(part => part.Render())));
            case "copyindex":
                return [ArmAnyIndex.Instance];
            case "true":
                return [new ArmBool(true)];
            case "false":
                return [new ArmBool(false)];
            default:
                return [new ArmUnknown($"{call.Name}() is only known at deployment")
                {
                    Reference = scope.Placeholders is null
                        ? null
                        : $"{call.Name}({string.Join(',', arguments.Select(argument => string.Join('|', Evaluate(argument, scope).Select(value => Resolved(value, scope).Render()))))})",
                }];
        }
    }

    private static string ConstantName(IReadOnlyList<ArmExpression> arguments, ArmScope scope) =>
        Evaluate(arguments[0], scope) is [ArmText name] ? name.Value : throw new InvalidOperationException("Non-constant variable or parameter name.");

    private static IReadOnlyList<ArmValue> Variable(string name, ArmScope scope) =>
        scope.Template["variables"] is JsonObject variables && variables.TryGetPropertyValue(name, out var value)
            ? Evaluate(value, scope)
            : [new ArmUnknown($"variable '{name}' not found")];

    private static IReadOnlyList<ArmValue> Parameter(string name, ArmScope scope)
    {
        if (scope.Parent is not null && scope.PassedParameters is not null)
        {
            // A module parameter: { "value": ... } evaluated in the parent, or an expression that builds that object.
            var passed = Evaluate(scope.PassedParameters, scope.Parent).SelectMany(all => Member(all, name)).ToList();
            if (passed is not [ArmUnknown])
            {
                return passed.SelectMany(wrapper => Member(wrapper, "value")).ToList();
            }
        }

        return scope.Template["parameters"]?[name]?["defaultValue"] is { } defaultValue
            ? Evaluate(defaultValue, scope)
            : [new ArmUnknown($"parameter '{name}' has no value before deployment")];
    }

    private static ArmValue CreateObject(IReadOnlyList<ArmExpression> arguments, ArmScope scope)
    {
        var members = new Dictionary<string, Lazy<IReadOnlyList<ArmValue>>>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < arguments.Count; i += 2)
        {
            if (Evaluate(arguments[i], scope) is not [ArmText key])
            {
                return new ArmUnknown("createObject() with a non-constant key");
            }

            var valueExpression = arguments[i + 1];
            members[key.Value] = new Lazy<IReadOnlyList<ArmValue>>(() => Evaluate(valueExpression, scope));
        }

        return new ArmObject(members);
    }

    private static IReadOnlyList<ArmValue> Union(IReadOnlyList<ArmExpression> arguments, ArmScope scope)
    {
        var results = new List<ArmValue>();
        foreach (var combination in Combinations(arguments.Select(argument => Evaluate(argument, scope)).ToList()))
        {
            if (combination.Any(value => value is not ArmObject))
            {
                results.Add(new ArmUnknown("union() of non-objects"));
                continue;
            }

            var merged = new Dictionary<string, Lazy<IReadOnlyList<ArmValue>>>(StringComparer.OrdinalIgnoreCase);
            foreach (var member in combination.Cast<ArmObject>().SelectMany(obj => obj.Members))
            {
                merged[member.Key] = member.Value;
            }

            results.Add(new ArmObject(merged));
        }

        return results;
    }

    /// <summary>With deployment placeholders, what ARM would resolve becomes its placeholder text.</summary>
    public static ArmValue Resolved(ArmValue value, ArmScope scope) =>
        value is ArmUnknown { Reference: { } reference } && scope.Placeholders is { } placeholders ? new ArmText(placeholders(reference)) : value;

    private static IReadOnlyList<ArmValue> Combine(IReadOnlyList<ArmExpression> arguments, ArmScope scope, Func<IReadOnlyList<ArmValue>, string> render) =>
        Combinations(arguments.Select(argument => Evaluate(argument, scope).Select(value => Resolved(value, scope)).ToList()).ToList())
            .Select(parts => (ArmValue)new ArmText(render(parts)))
            .ToList();

    private static IEnumerable<IReadOnlyList<ArmValue>> Combinations(IReadOnlyList<IReadOnlyList<ArmValue>> choices)
    {
        IEnumerable<IReadOnlyList<ArmValue>> combinations = [[]];
        foreach (var choice in choices)
        {
            combinations = combinations.SelectMany(prefix => choice.Select(value => (IReadOnlyList<ArmValue>)[.. prefix, value]));
        }

        var all = combinations.Take(MaxCandidates + 1).ToList();
        return all.Count <= MaxCandidates
            ? all
            : throw new InvalidOperationException($"More than {MaxCandidates} candidate values; the template is too dynamic to check statically.");
    }

    [GeneratedRegex(@"\{\{|\}\}|\{(\d+)\}")]
    private static partial Regex Placeholder();
}
