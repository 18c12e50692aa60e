using System.Collections.Immutable;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Coder.Orchestrations.Tests.Architecture;

/// <summary>
/// Which of an assembly's own types each of its types uses, read from the compiled IL: base types and interfaces, field,
/// property and method signatures, local variables, and every type, method or field token in a method body. Compiler-made
/// types (lambdas, async state machines, nested types) count for the type they were written in, so one row is one source
/// type. <c>using</c> lines, <c>nameof</c> and doc comments leave nothing in IL and so do not count.
/// </summary>
public sealed class TypeReferenceGraph
{
    static readonly Dictionary<short, OperandType> OperandTypes = typeof(OpCodes)
        .GetFields()
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    readonly MetadataReader _reader;
    readonly PEReader _pe;
    readonly TypeCollector _collector;

    TypeReferenceGraph(PEReader pe)
    {
        _pe = pe;
        _reader = pe.GetMetadataReader();
        _collector = new TypeCollector(_reader);
    }

    /// <summary>Source type (full name) → the assembly's other source types it uses.</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> References { get; private set; } = new Dictionary<string, IReadOnlySet<string>>();

    public static TypeReferenceGraph Read(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var graph = new TypeReferenceGraph(pe);
        graph.References = graph.Collect();
        return graph;
    }

    Dictionary<string, IReadOnlySet<string>> Collect()
    {
        var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var handle in _reader.TypeDefinitions)
        {
            string owner = _collector.SourceTypeOf(handle);
            if (owner.Length == 0) continue;
            if (!result.TryGetValue(owner, out var used)) result[owner] = used = new HashSet<string>(StringComparer.Ordinal);
            var type = _reader.GetTypeDefinition(handle);

            _collector.AddEntity(type.BaseType, used);
            foreach (var i in type.GetInterfaceImplementations()) _collector.AddEntity(_reader.GetInterfaceImplementation(i).Interface, used);
            foreach (var f in type.GetFields()) _collector.AddSignature(_reader.GetFieldDefinition(f).DecodeSignature(_collector, null), used);
            foreach (var p in type.GetProperties())
            {
                var sig = _reader.GetPropertyDefinition(p).DecodeSignature(_collector, null);
                _collector.AddSignature(sig.ReturnType, used);
                foreach (var t in sig.ParameterTypes) _collector.AddSignature(t, used);
            }

            foreach (var m in type.GetMethods())
            {
                var method = _reader.GetMethodDefinition(m);
                var sig = method.DecodeSignature(_collector, null);
                _collector.AddSignature(sig.ReturnType, used);
                foreach (var t in sig.ParameterTypes) _collector.AddSignature(t, used);
                if (method.RelativeVirtualAddress != 0) AddBody(_pe.GetMethodBody(method.RelativeVirtualAddress), used);
            }
        }

        return result.ToDictionary(
            kv => kv.Key,
            kv => (IReadOnlySet<string>)kv.Value.Where(t => t != kv.Key).ToHashSet(StringComparer.Ordinal),
            StringComparer.Ordinal);
    }

    void AddBody(MethodBodyBlock body, HashSet<string> used)
    {
        if (!body.LocalSignature.IsNil)
        {
            var locals = _reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(_collector, null);
            foreach (var t in locals) _collector.AddSignature(t, used);
        }

        var il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            short code = il.ReadByte();
            if (code == 0xFE) code = unchecked((short)(0xFE00 | il.ReadByte()));
            switch (OperandTypes[code])
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    il.Offset += 1;
                    break;
                case OperandType.InlineVar:
                    il.Offset += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    il.Offset += 8;
                    break;
                case OperandType.InlineSwitch:
                    int count = il.ReadInt32();
                    il.Offset += count * 4;
                    break;
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    _collector.AddEntity(MetadataTokens.EntityHandle(il.ReadInt32()), used);
                    break;
                default:
                    il.Offset += 4;
                    break;
            }
        }
    }

    /// <summary>Decodes signatures to the names of this assembly's source types they mention.</summary>
    sealed class TypeCollector(MetadataReader reader) : ISignatureTypeProvider<ImmutableArray<string>, object?>
    {
        public string SourceTypeOf(TypeDefinitionHandle handle)
        {
            var type = reader.GetTypeDefinition(handle);
            while (type.IsNested) type = reader.GetTypeDefinition(type.GetDeclaringType());
            string ns = reader.GetString(type.Namespace);
            return ns.Length == 0 ? "" : ns + "." + reader.GetString(type.Name);
        }

        public void AddSignature(ImmutableArray<string> types, HashSet<string> used)
        {
            foreach (var t in types) used.Add(t);
        }

        public void AddEntity(EntityHandle handle, HashSet<string> used)
        {
            if (handle.IsNil) return;
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition:
                    AddSignature(GetTypeFromDefinition(reader, (TypeDefinitionHandle)handle, 0), used);
                    break;
                case HandleKind.TypeSpecification:
                    AddSignature(reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null), used);
                    break;
                case HandleKind.MethodDefinition:
                    var method = reader.GetMethodDefinition((MethodDefinitionHandle)handle);
                    AddSignature(GetTypeFromDefinition(reader, method.GetDeclaringType(), 0), used);
                    break;
                case HandleKind.FieldDefinition:
                    var field = reader.GetFieldDefinition((FieldDefinitionHandle)handle);
                    AddSignature(GetTypeFromDefinition(reader, field.GetDeclaringType(), 0), used);
                    break;
                case HandleKind.MemberReference:
                    var member = reader.GetMemberReference((MemberReferenceHandle)handle);
                    AddEntity(member.Parent, used);
                    if (member.GetKind() == MemberReferenceKind.Method)
                    {
                        var sig = member.DecodeMethodSignature(this, null);
                        AddSignature(sig.ReturnType, used);
                        foreach (var t in sig.ParameterTypes) AddSignature(t, used);
                    }
                    else
                    {
                        AddSignature(member.DecodeFieldSignature(this, null), used);
                    }
                    break;
                case HandleKind.MethodSpecification:
                    var spec = reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                    AddEntity(spec.Method, used);
                    foreach (var t in spec.DecodeSignature(this, null)) AddSignature(t, used);
                    break;
            }
        }

        public ImmutableArray<string> GetTypeFromDefinition(MetadataReader metadata, TypeDefinitionHandle handle, byte rawTypeKind) =>
            SourceTypeOf(handle) is { Length: > 0 } name ? [name] : [];

        public ImmutableArray<string> GetTypeFromReference(MetadataReader metadata, TypeReferenceHandle handle, byte rawTypeKind) => [];

        public ImmutableArray<string> GetTypeFromSpecification(MetadataReader metadata, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            metadata.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        public ImmutableArray<string> GetGenericInstantiation(ImmutableArray<string> genericType, ImmutableArray<ImmutableArray<string>> typeArguments) =>
            [.. genericType, .. typeArguments.SelectMany(a => a)];

        public ImmutableArray<string> GetArrayType(ImmutableArray<string> elementType, ArrayShape shape) => elementType;

        public ImmutableArray<string> GetSZArrayType(ImmutableArray<string> elementType) => elementType;

        public ImmutableArray<string> GetByReferenceType(ImmutableArray<string> elementType) => elementType;

        public ImmutableArray<string> GetPointerType(ImmutableArray<string> elementType) => elementType;

        public ImmutableArray<string> GetPinnedType(ImmutableArray<string> elementType) => elementType;

        public ImmutableArray<string> GetModifiedType(ImmutableArray<string> modifier, ImmutableArray<string> unmodifiedType, bool isRequired) => unmodifiedType;

        public ImmutableArray<string> GetFunctionPointerType(MethodSignature<ImmutableArray<string>> signature) =>
            [.. signature.ReturnType, .. signature.ParameterTypes.SelectMany(p => p)];

        public ImmutableArray<string> GetGenericMethodParameter(object? genericContext, int index) => [];

        public ImmutableArray<string> GetGenericTypeParameter(object? genericContext, int index) => [];

        public ImmutableArray<string> GetPrimitiveType(PrimitiveTypeCode typeCode) => [];
    }
}
