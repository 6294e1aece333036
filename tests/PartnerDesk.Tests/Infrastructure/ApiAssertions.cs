using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace PartnerDesk.Tests.Infrastructure;

public static class ApiAssertions
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public static async Task<T> Read<T>(this HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, Json)!;
    }

    /// <summary>Asserts an RFC 9457 problem with this status, and returns it.</summary>
    public static async Task<JsonElement> Problem(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Asserts a 400 problem whose errors name this field.</summary>
    public static async Task ProblemNaming(this HttpResponseMessage response, string field, HttpStatusCode expected = HttpStatusCode.BadRequest)
    {
        var problem = await response.Problem(expected);
        Assert.True(problem.TryGetProperty("errors", out var errors), $"No errors in {problem}");
        Assert.True(errors.TryGetProperty(field, out _), $"The problem does not name '{field}': {problem}");
    }

    public static Task<HttpResponseMessage> PatchAsJsonAsync<T>(this HttpClient client, string url, T body) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Patch, url) { Content = JsonContent.Create(body) });
}
