using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PartnerDesk.Platform.Api;

/// <summary>
/// Enums as their names, and nothing else: System.Text.Json's own converter also takes "B, C" (flags
/// syntax) and would let an undefined value into the database. Names match without regard to case.
/// </summary>
public sealed class StrictEnumConverter : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert))!;

    private sealed class Converter<T> : JsonConverter<T>
        where T : struct, Enum
    {
        private static readonly FrozenDictionary<string, T> ByName =
            Enum.GetValues<T>().ToFrozenDictionary(v => v.ToString(), StringComparer.OrdinalIgnoreCase);

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String && reader.GetString() is { } name && ByName.TryGetValue(name, out var value)
                ? value
                : throw new JsonException($"Use one of: {string.Join(", ", ByName.Keys)}.");

        // A [Flags] enum holds combinations of its names (a ticket that missed two SLA targets: SlaTargets 5), written as
        // .NET names them, "FirstResponse, Resolution"; refusing them made every read of such a ticket a 500 (found by
        // the load suite). Undefined bits still throw; Read still takes single names only.
        private static readonly ulong? Flags = typeof(T).IsDefined(typeof(FlagsAttribute), false)
            ? Enum.GetValues<T>().Aggregate(0UL, (all, v) => all | Convert.ToUInt64(v, CultureInfo.InvariantCulture))
            : null;

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Enum.IsDefined(value) || (Flags is { } all && (Convert.ToUInt64(value, CultureInfo.InvariantCulture) & ~all) == 0)
                ? value.ToString()
                : throw new JsonException($"{typeof(T).Name} has no value {value}."));
    }
}
