using System.Reflection;
using System.Reflection.Emit;

namespace PartnerDesk.Tests.Domain;

/// <summary>
/// Which part of PartnerDesk uses which, read from the compiled assembly rather than from <c>using</c> lines:
/// every type a type names in its signatures, attributes and method bodies (IL tokens), lambdas and Razor
/// pages included. A part is the folder a type's namespace names: <c>Platform</c>, <c>Microsoft</c>,
/// <c>Shell</c> (Components/), <c>Host</c> (the root: Program and the composition) or a feature by name.
/// </summary>
public static class DependencyGraph
{
    private static readonly Dictionary<short, OpCode> OneByte = [];
    private static readonly Dictionary<short, OpCode> TwoByte = [];

    static DependencyGraph()
    {
        foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var code = (OpCode)field.GetValue(null)!;
            if (code.Size == 1)
            {
                OneByte[(short)(code.Value & 0xff)] = code;
            }
            else
            {
                TwoByte[(short)(code.Value & 0xff)] = code;
            }
        }
    }

    public static string? PartOf(Type type)
    {
        while (type.IsNested)
        {
            type = type.DeclaringType!;
        }

        var ns = type.Namespace;
        if (type.Assembly != typeof(Program).Assembly || type.Name.StartsWith('<') || type.Name == "_Imports")
        {
            return null; // another assembly, or what the compiler made (anonymous types, Razor imports)
        }

        if (type == typeof(Program) || ns == "PartnerDesk")
        {
            return "Host";
        }

        if (ns is null || !ns.StartsWith("PartnerDesk.", StringComparison.Ordinal))
        {
            return null; // generated: regular expressions, OpenAPI comments, Blazor type inference
        }

        var parts = ns.Split('.');
        return parts[1] switch
        {
            "Features" when parts.Length > 2 => parts[2],
            "Components" => "Shell",
            _ => parts[1],
        };
    }

    /// <summary>Part → the parts it uses, each with one example (a type of the user and a type used).</summary>
    public static Dictionary<string, Dictionary<string, string>> Read(Assembly assembly)
    {
        var graph = new Dictionary<string, Dictionary<string, string>>();
        foreach (var type in assembly.GetTypes())
        {
            if (PartOf(type) is not { } from)
            {
                continue;
            }

            var uses = graph.TryGetValue(from, out var u) ? u : graph[from] = [];
            foreach (var used in Used(type))
            {
                if (PartOf(used) is { } to && to != from)
                {
                    uses.TryAdd(to, $"{Name(type)} uses {Name(used)}");
                }
            }
        }

        return graph;
    }

    /// <summary>The parts one type uses, its nested types (lambdas, state machines) included.</summary>
    public static IEnumerable<string> UsedParts(Type type) =>
        new[] { type }.Concat(type.GetNestedTypes(BindingFlags.Public | BindingFlags.NonPublic))
            .SelectMany(Used).Select(PartOf).OfType<string>().Distinct().Order();

    private static string Name(Type t) => t.IsNested ? Name(t.DeclaringType!) : t.FullName ?? t.Name;

    private static HashSet<Type> Used(Type type)
    {
        var found = new HashSet<Type>();
        void Add(Type? t)
        {
            if (t is null || t.IsGenericParameter || !found.Add(t))
            {
                return;
            }

            if (t.HasElementType)
            {
                Add(t.GetElementType());
            }

            if (t.IsGenericType)
            {
                foreach (var a in t.GetGenericArguments())
                {
                    Add(a);
                }

                if (!t.IsGenericTypeDefinition)
                {
                    Add(t.GetGenericTypeDefinition());
                }
            }
        }

        void Attributes(IEnumerable<CustomAttributeData> attributes)
        {
            foreach (var a in attributes)
            {
                Add(a.AttributeType);
                foreach (var arg in a.ConstructorArguments.Concat(a.NamedArguments.Select(n => n.TypedValue)))
                {
                    Add(arg.ArgumentType);
                    if (arg.Value is Type t)
                    {
                        Add(t);
                    }
                }
            }
        }

        Add(type.BaseType);
        foreach (var i in type.GetInterfaces())
        {
            Add(i);
        }

        Attributes(type.GetCustomAttributesData());
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var field in type.GetFields(all))
        {
            Add(field.FieldType);
            Attributes(field.GetCustomAttributesData());
        }

        foreach (var property in type.GetProperties(all))
        {
            Add(property.PropertyType);
            Attributes(property.GetCustomAttributesData());
        }

        foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            if (method is MethodInfo m)
            {
                Add(m.ReturnType);
            }

            foreach (var p in method.GetParameters())
            {
                Add(p.ParameterType);
            }

            Attributes(method.GetCustomAttributesData());
            var body = method.GetMethodBody();
            if (body is null)
            {
                continue;
            }

            foreach (var local in body.LocalVariables)
            {
                Add(local.LocalType);
            }

            foreach (var t in Tokens(method, body.GetILAsByteArray() ?? []))
            {
                Add(t);
            }
        }

        return found;
    }

    /// <summary>The types the IL of a method names: of the members it calls, reads, writes or loads as tokens.</summary>
    private static IEnumerable<Type> Tokens(MethodBase method, byte[] il)
    {
        var module = method.Module;
        var typeArgs = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var i = 0;
        while (i < il.Length)
        {
            OpCode code;
            if (il[i] == 0xfe)
            {
                code = TwoByte[il[i + 1]];
                i += 2;
            }
            else
            {
                code = OneByte[il[i]];
                i += 1;
            }

            switch (code.OperandType)
            {
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok:
                    var token = BitConverter.ToInt32(il, i);
                    MemberInfo? member = null;
                    try
                    {
                        member = module.ResolveMember(token, typeArgs, methodArgs);
                    }
                    catch (ArgumentException)
                    {
                    }

                    switch (member)
                    {
                        case Type t:
                            yield return t;
                            break;
                        case FieldInfo f:
                            yield return f.DeclaringType!;
                            yield return f.FieldType;
                            break;
                        case MethodBase m:
                            yield return m.DeclaringType!;
                            if (m is MethodInfo mi)
                            {
                                yield return mi.ReturnType;
                                if (mi.IsGenericMethod)
                                {
                                    foreach (var a in mi.GetGenericArguments())
                                    {
                                        yield return a;
                                    }
                                }
                            }

                            break;
                    }

                    i += 4;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + (4 * BitConverter.ToInt32(il, i));
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    i += 8;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                default:
                    i += 4;
                    break;
            }
        }
    }

    /// <summary>The cycles of the graph (each as the parts along it), found by depth-first search.</summary>
    public static List<string> Cycles(Dictionary<string, Dictionary<string, string>> graph)
    {
        var cycles = new List<string>();
        var state = new Dictionary<string, int>();
        var path = new Stack<string>();
        void Visit(string node)
        {
            state[node] = 1;
            path.Push(node);
            foreach (var next in graph.GetValueOrDefault(node)?.Keys ?? Enumerable.Empty<string>())
            {
                if (state.GetValueOrDefault(next) == 1)
                {
                    cycles.Add(string.Join(" → ", path.Reverse().SkipWhile(p => p != next).Append(next)));
                }
                else if (state.GetValueOrDefault(next) == 0)
                {
                    Visit(next);
                }
            }

            path.Pop();
            state[node] = 2;
        }

        foreach (var node in graph.Keys.Order())
        {
            if (state.GetValueOrDefault(node) == 0)
            {
                Visit(node);
            }
        }

        return cycles;
    }
}
