using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Escalations;
using PartnerDesk.Platform.Data;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Tickets;

/// <summary>
/// Every text the API writes, at its limit and one past it, on the database of the run: PostgreSQL enforces
/// varchar(n) where SQLite does not, so a limit of the API above its column is a 500 on PostgreSQL only.
/// At the limit: stored and read back unchanged; one past: 400 naming the field. And every text column of the
/// model has a length, unless it is listed below as unbounded on purpose.
/// </summary>
public sealed class FieldLengthTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private PartnerDeskApp App => fixture.App;

    /// <summary>Text columns without a length on purpose, each with where its limit is kept instead.</summary>
    private static readonly Dictionary<string, string> Unbounded = new()
    {
        ["IdempotencyRecord.Body"] = "the answer replayed for an Idempotency-Key: as long as the answer",
        ["OutboxMessage.Payload"] = "JSON built by the host from bounded fields",
        ["WebhookDelivery.Body"] = "the event's JSON, built by the host from bounded fields and fixed when the event happens",
        ["DataProtectionKey.FriendlyName"] = "ASP.NET Core's key ring, written by the host",
        ["DataProtectionKey.Xml"] = "ASP.NET Core's key ring, written by the host",
        ["UserAccount.ConcurrencyStamp"] = "ASP.NET Core Identity, written by Identity",
        ["UserAccount.PasswordHash"] = "ASP.NET Core Identity; the password itself is limited to 256 by the API",
        ["UserAccount.PhoneNumber"] = "ASP.NET Core Identity; never written by PartnerDesk",
        ["UserAccount.SecurityStamp"] = "ASP.NET Core Identity, written by Identity",
        ["IdentityRole`1.ConcurrencyStamp"] = "ASP.NET Core Identity (roles are not used)",
        ["IdentityRoleClaim`1.ClaimType"] = "ASP.NET Core Identity (roles are not used)",
        ["IdentityRoleClaim`1.ClaimValue"] = "ASP.NET Core Identity (roles are not used)",
        ["IdentityUserClaim`1.ClaimType"] = "ASP.NET Core Identity (claims come from CallerClaimsFactory, not this table)",
        ["IdentityUserClaim`1.ClaimValue"] = "ASP.NET Core Identity (claims come from CallerClaimsFactory, not this table)",
        ["IdentityUserLogin`1.LoginProvider"] = "ASP.NET Core Identity: Microsoft sign-in, values from Entra ID",
        ["IdentityUserLogin`1.ProviderDisplayName"] = "ASP.NET Core Identity: Microsoft sign-in, values from Entra ID",
        ["IdentityUserLogin`1.ProviderKey"] = "ASP.NET Core Identity: Microsoft sign-in, values from Entra ID",
        ["IdentityUserToken`1.LoginProvider"] = "ASP.NET Core Identity: authenticator keys, written by Identity",
        ["IdentityUserToken`1.Name"] = "ASP.NET Core Identity: authenticator keys, written by Identity",
        ["IdentityUserToken`1.Value"] = "ASP.NET Core Identity: authenticator keys, written by Identity",
    };

    [Fact]
    public void Every_text_column_has_a_length_or_is_unbounded_on_purpose()
    {
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
        var missing = db.Model.GetEntityTypes()
            .SelectMany(e => e.GetProperties().Where(p => p.ClrType == typeof(string) && p.GetMaxLength() is null).Select(p => $"{e.ClrType.Name}.{p.Name}"))
            .Where(name => !Unbounded.ContainsKey(name))
            .Order()
            .ToList();
        Assert.True(missing.Count == 0, "Text columns without a length: " + string.Join(", ", missing));
    }

    public static TheoryData<string, string> Fields()
    {
        var data = new TheoryData<string, string>();
        foreach (var (route, name) in Cases.Keys)
        {
            data.Add(route, name);
        }

        return data;
    }

    private static readonly Dictionary<(string Route, string Name), (int Max, Func<int, string> Make)> Cases = new()
    {
        [("ticket", "title")] = (200, Text),
        [("ticket", "description")] = (20_000, Text),
        [("ticket", "service")] = (100, Text),
        [("message", "body")] = (20_000, Text),
        [("time-entry", "note")] = (1000, Text),
        [("contact", "displayName")] = (200, Text),
        [("agent", "displayName")] = (200, Text),
        [("invitation", "email")] = (256, Email),
        [("invitation", "displayName")] = (200, Text),
        [("plan", "name")] = (200, Text),
        [("plan", "description")] = (4000, Text),
        [("plan", "supportEmail")] = (320, Email),
        [("plan", "coveredServices[0]")] = (100, Text),
        [("plan", "phoneLines[0].label")] = (100, Text),
        [("plan", "phoneLines[0].number")] = (40, Phone),
        [("calendar", "name")] = (200, Text),
        [("calendar", "holidays[0].name")] = (200, Text),
        [("mailbox", "address")] = (320, Email),
        [("mailbox", "imapHost")] = (253, Host),
        [("mailbox", "smtpHost")] = (253, Host),
        [("mailbox", "userName")] = (320, Text),
        [("mailbox", "password")] = (1000, Text),
        [("article", "title")] = (200, Text),
        [("article", "body")] = (50_000, Text),
        [("article", "service")] = (100, Text),
        [("support-profile", "email")] = (320, Email),
        [("support-profile", "telephone")] = (40, Phone),
        [("support-profile", "website")] = (500, Website),
        [("branding", "brandName")] = (200, Text),
        [("escalation", "title")] = (255, Text),
        [("escalation", "description")] = (10_000, Text),
        [("escalation", "supportTopicName")] = (200, Text),
        [("escalation-note", "text")] = (4000, Text),
        [("token", "name")] = (100, Text),
    };

    [Theory]
    [MemberData(nameof(Fields))]
    public async Task A_text_at_its_limit_is_stored_whole_and_one_more_character_is_refused_naming_it(string route, string field)
    {
        var (max, make) = Cases[(route, field)];
        var atLimit = make(max);
        Assert.Equal(max, atLimit.Length);

        var (stored, readBack) = await Write(route, field, atLimit);
        Assert.True(stored.IsSuccessStatusCode, $"{route} {field} at {max}: {(int)stored.StatusCode} {await stored.Content.ReadAsStringAsync()}");
        if (readBack is not null)
        {
            Assert.Equal(atLimit, await readBack(stored));
        }

        var (refused, _) = await Write(route, field, make(max + 1));
        await refused.ProblemNaming(field);
    }

    private static string Text(int n) => new('x', n);

    /// <summary>An address of exactly n characters: a 64-character local part and a domain of labels up to 63.</summary>
    private static string Email(int n) => $"{Guid.NewGuid():N}{new string('a', 32)}@{Host(n - 65)}";

    /// <summary>A host name of exactly n characters ending in .example, in labels of at most 63.</summary>
    private static string Host(int n)
    {
        var rest = n - "example".Length;
        var labels = new List<string>();
        while (rest > 0)
        {
            var take = Math.Min(64, rest);
            if (rest - take == 1)
            {
                take--;
            }

            labels.Add(new string('d', take - 1));
            rest -= take;
        }

        return string.Concat(labels.Select(l => l + ".")) + "example";
    }

    private static string Phone(int n) => "+" + new string('1', n - 1);

    private static string Website(int n) => "https://contoso-cloud.example/" + new string('p', n - "https://contoso-cloud.example/".Length);

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    /// <summary>Sends the route's request with the field set; returns the answer and how to read the field back.</summary>
    private async Task<(HttpResponseMessage Answer, Func<HttpResponseMessage, Task<string?>>? ReadBack)> Write(string route, string field, string value)
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        JsonObject With(JsonObject body)
        {
            Set(body, field, value);
            return body;
        }

        switch (route)
        {
            case "ticket":
                {
                    var body = With(new JsonObject { ["customerId"] = DemoWorld.Ids.Litware, ["title"] = "Printer mapping", ["description"] = "New printers do not map.", ["severity"] = "C", ["kind"] = "ServiceRequest" });
                    var answer = await admin.PostAsJsonAsync("/api/v1/tickets", body);
                    return (answer, async a => Read(await Get(admin, $"/api/v1/tickets/{Id(await Json(a))}"), field));
                }

            case "message":
                {
                    var ticket = await NewTicket(admin);
                    var answer = await admin.PostAsJsonAsync($"/api/v1/tickets/{ticket}/messages", With(new JsonObject { ["visibility"] = "Public" }));
                    return (answer, async _ =>
                    {
                        var messages = await Get(admin, $"/api/v1/tickets/{ticket}/messages");
                        return messages.EnumerateArray().Last().GetProperty("body").GetString();
                    }
                    );
                }

            case "time-entry":
                {
                    var ticket = await NewTicket(admin);
                    var answer = await admin.PostAsJsonAsync($"/api/v1/tickets/{ticket}/time-entries", With(new JsonObject { ["minutes"] = 5 }));
                    return (answer, async _ => (await Get(admin, $"/api/v1/tickets/{ticket}/time-entries")).EnumerateArray().Last().GetProperty("note").GetString());
                }

            case "contact":
                {
                    var answer = await admin.PatchAsJsonAsync($"/api/v1/contacts/{DemoWorld.Ids.TailspinIt}", With(new JsonObject()));
                    return (answer, async a => Read(await Json(a), field));
                }

            case "agent":
                {
                    var answer = await admin.PatchAsJsonAsync($"/api/v1/agents/{DemoWorld.Ids.ContosoSales}", With(new JsonObject()));
                    return (answer, async a => Read(await Json(a), field));
                }

            case "invitation":
                {
                    var body = With(new JsonObject { ["email"] = $"{Unique("invited")}@adatum.example", ["kind"] = "Contact", ["customerId"] = DemoWorld.Ids.Adatum, ["displayName"] = "Invited" });
                    var answer = await admin.PostAsJsonAsync("/api/v1/invitations", body);
                    return (answer, async a => Read(await Json(a), "invitation." + field));
                }

            case "plan":
                {
                    var body = With(new JsonObject
                    {
                        ["name"] = Unique("Plan"),
                        ["delivery"] = "Direct",
                        ["calendarId"] = DemoWorld.Ids.ContosoHours,
                        ["targets"] = new JsonArray(new JsonObject { ["severity"] = "A", ["firstResponseMinutes"] = 30 }),
                        ["coveredServices"] = new JsonArray("Exchange Online"),
                        ["phoneLines"] = new JsonArray(new JsonObject { ["label"] = "Hotline", ["number"] = "+49 89 1234 5600" }),
                        ["currency"] = "EUR",
                    });
                    var answer = await admin.PostAsJsonAsync("/api/v1/plans", body);
                    return (answer, async a => Read(await Get(admin, $"/api/v1/plans/{Id(await Json(a))}"), field));
                }

            case "calendar":
                {
                    var body = With(new JsonObject
                    {
                        ["name"] = Unique("Hours"),
                        ["timeZone"] = "Europe/Berlin",
                        ["intervals"] = new JsonArray(new JsonObject { ["day"] = "Monday", ["start"] = "08:00", ["end"] = "17:00" }),
                        ["holidays"] = new JsonArray(new JsonObject { ["date"] = "2026-12-24", ["name"] = "Christmas Eve" }),
                    });
                    var answer = await admin.PostAsJsonAsync("/api/v1/calendars", body);
                    return (answer, async a => Read(await Get(admin, $"/api/v1/calendars/{Id(await Json(a))}"), field));
                }

            case "mailbox":
                {
                    var address = $"{Unique("desk")}@contoso-cloud.example";
                    var body = With(new JsonObject
                    {
                        ["address"] = address,
                        ["imapHost"] = "imap.contoso-cloud.example",
                        ["imapPort"] = 993,
                        ["smtpHost"] = "smtp.contoso-cloud.example",
                        ["smtpPort"] = 587,
                        ["userName"] = address,
                        ["password"] = "secret",
                        ["enabled"] = false,
                    });
                    var answer = await admin.PostAsJsonAsync("/api/v1/mailboxes", body);
                    return (answer, field == "password" ? null : async a => Read(await Json(a), field));
                }

            case "article":
                {
                    var body = With(new JsonObject { ["title"] = Unique("Article"), ["body"] = "How to map a printer.", ["language"] = "en", ["visibility"] = "Public" });
                    var answer = await admin.PostAsJsonAsync("/api/v1/articles", body);
                    return (answer, async a => Read(await Get(admin, $"/api/v1/articles/{Id(await Json(a))}"), field));
                }

            case "support-profile":
                {
                    var answer = await admin.PutAsJsonAsync("/api/v1/profiles/support", With(new JsonObject { ["email"] = "help@contoso-cloud.example" }));
                    return (answer, async _ => Read(await Get(admin, "/api/v1/profiles/support"), field));
                }

            case "branding":
                {
                    var answer = await admin.PutAsJsonAsync("/api/v1/profiles/support/branding", With(new JsonObject { ["accentColour"] = "#0f6cbd", ["language"] = "en" }));
                    return (answer, async _ => Read(await Get(admin, "/api/v1/profiles/support"), field));
                }

            case "escalation":
                {
                    var ticket = await NewTicket(admin);
                    var answer = await admin.PostAsJsonAsync($"/api/v1/tickets/{ticket}/escalations", With(new JsonObject { ["category"] = "ServiceUnavailable", ["supportTopicId"] = "32444671" }));
                    return (answer, async a =>
                    {
                        var id = Id(await Json(a));
                        return field switch
                        {
                            "title" => (await Get(admin, $"/api/v1/escalations/{id}")).GetProperty("escalation").GetProperty("title").GetString(),
                            "description" => (await Get(admin, $"/api/v1/escalations/{id}")).GetProperty("description").GetString(),
                            _ => await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Escalations.Where(e => e.Id == id).Select(e => e.SupportTopicName).FirstAsync()),
                        };
                    }
                    );
                }

            case "escalation-note":
                {
                    var ticket = await NewTicket(admin);
                    var escalation = Id(await Json(await admin.PostAsJsonAsync($"/api/v1/tickets/{ticket}/escalations", new { category = "ServiceUnavailable", supportTopicId = "32444671" })));
                    var answer = await admin.PostAsJsonAsync($"/api/v1/escalations/{escalation}/notes", With(new JsonObject()));
                    return (answer, async _ => (await Get(admin, $"/api/v1/escalations/{escalation}")).GetProperty("history").EnumerateArray()
                        .Select(e => e.GetProperty("detail").GetString()).LastOrDefault(d => d is not null && d.Length >= 4000));
                }

            case "token":
                {
                    var answer = await admin.PostAsJsonAsync("/api/v1/me/tokens", With(new JsonObject { ["password"] = TestDatabase.DemoPassword }));
                    return (answer, async a => Read(await Json(a), field));
                }

            default:
                throw new ArgumentOutOfRangeException(nameof(route), route, null);
        }
    }

    private static async Task<Guid> NewTicket(HttpClient admin) =>
        Id(await Json(await admin.PostAsJsonAsync("/api/v1/tickets", new { customerId = DemoWorld.Ids.Litware, title = "Mail flow stopped", description = "No mail arrives.", severity = "B", kind = "Incident" })));

    private static async Task<JsonElement> Get(HttpClient client, string url) => await Json(await client.GetAsync(url));

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static Guid Id(JsonElement e) => e.TryGetProperty("id", out var id) ? id.GetGuid() : e.GetProperty("escalation").GetProperty("id").GetGuid();

    /// <summary>A field by its path as the API names it in errors: <c>phoneLines[0].label</c>.</summary>
    private static string? Read(JsonElement e, string path)
    {
        foreach (var part in path.Split('.'))
        {
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            e = e.GetProperty(bracket < 0 ? part : part[..bracket]);
            if (bracket >= 0)
            {
                e = e[int.Parse(part[(bracket + 1)..^1], System.Globalization.CultureInfo.InvariantCulture)];
            }
        }

        return e.ValueKind == JsonValueKind.String ? e.GetString() : e.ToString();
    }

    private static void Set(JsonObject body, string path, string value)
    {
        JsonNode node = body;
        var parts = path.Split('.');
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            var name = bracket < 0 ? part : part[..bracket];
            var last = i == parts.Length - 1;
            if (bracket < 0)
            {
                if (last)
                {
                    node[name] = value;
                }
                else
                {
                    node = node[name]!;
                }

                continue;
            }

            var index = int.Parse(part[(bracket + 1)..^1], System.Globalization.CultureInfo.InvariantCulture);
            var array = node[name]!.AsArray();
            if (last)
            {
                array[index] = value;
            }
            else
            {
                node = array[index]!;
            }
        }
    }
}
