using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Serialization;

namespace PartnerDesk.Features.ServiceHealth;

/// <summary>Graph enum values as Microsoft spells them on the wire (serviceDegradation, not ServiceDegradation).</summary>
public static class GraphValues
{
    private static readonly ConcurrentDictionary<Enum, string> Names = new();

    public const string Unknown = "unknown";

    public static string Wire(Enum? value) => value is null
        ? Unknown
        : Names.GetOrAdd(value, v => v.GetType().GetField(v.ToString())?.GetCustomAttribute<EnumMemberAttribute>()?.Value
            ?? char.ToLowerInvariant(v.ToString()[0]) + v.ToString()[1..]);
}
