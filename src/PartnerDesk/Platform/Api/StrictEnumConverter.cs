using System.Collections.Frozen;
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

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Enum.IsDefined(value) ? value.ToString() : throw new JsonException($"{typeof(T).Name} has no value {value}."));
    }
}
