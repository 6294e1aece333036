using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PartnerDesk.Tests.Webhooks;

/// <summary>One POST as an integration received it: the raw body and the signature header.</summary>
public sealed record ReceivedHook(string Body, string? Signature, string? EventHeader)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string Type => Json.GetProperty("type").GetString()!;

    public Guid Id => Json.GetProperty("id").GetGuid();

    public JsonElement Data => Json.GetProperty("data");
}

/// <summary>A real HTTP receiver on loopback (Kestrel): records every POST and answers the status codes the test queues (else 200).</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<int> answers = new();
    private readonly Channel<ReceivedHook> arrivals = Channel.CreateUnbounded<ReceivedHook>();
    private readonly ConcurrentQueue<ReceivedHook> all = new();

    private WebhookReceiver(WebApplication app) => this.app = app;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var hook = new ReceivedHook(await reader.ReadToEndAsync(), http.Request.Headers["X-PartnerDesk-Signature"], http.Request.Headers["X-PartnerDesk-Event"]);
            receiver.all.Enqueue(hook);
            await receiver.arrivals.Writer.WriteAsync(hook);
            if (receiver.Hold is { } hold)
            {
                await hold.Task.WaitAsync(http.RequestAborted);
            }

            return Results.StatusCode(receiver.answers.TryDequeue(out var status) ? status : 200);
        });
        await app.StartAsync();
        return receiver;
    }

    public string Url => app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "127.0.0.1") + "/hook";

    /// <summary>Answers the next POSTs with these statuses, in order (a 500, then the default 200s).</summary>
    public void AnswerNext(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            answers.Enqueue(status);
        }
    }

    /// <summary>While set, a POST is recorded but not answered until it completes (a sender that dies mid-call).</summary>
    public TaskCompletionSource? Hold { get; set; }

    /// <summary>Every POST so far, in the order they came.</summary>
    public IReadOnlyList<ReceivedHook> All => [.. all];

    /// <summary>The next POST; the wait is only a bound against a hang (the tests never assert on time).</summary>
    public async Task<ReceivedHook> Next(CancellationToken ct) => await arrivals.Reader.ReadAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(60), ct);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
