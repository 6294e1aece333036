using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace PartnerDesk.Platform;

/// <summary>
/// PartnerDesk's own metrics, and OpenTelemetry export of traces and metrics when an OTLP endpoint is
/// configured (OTEL_EXPORTER_OTLP_ENDPOINT and the other standard OTEL_* variables). Without one, nothing
/// is collected: no cost on the hot path.
/// </summary>
public static class Observability
{
    public const string MeterName = "PartnerDesk";

    public static IServiceCollection AddPartnerDeskObservability(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<SupportMetrics>();
        if (string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return services;
        }

        services.AddOpenTelemetry()
            .WithTracing(t => t.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddOtlpExporter())
            .WithMetrics(m => m.AddMeter(MeterName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation().AddOtlpExporter());
        return services;
    }
}

/// <summary>Counters of the support work itself, beside the framework's HTTP and runtime metrics.</summary>
public sealed class SupportMetrics
{
    private readonly Counter<long> ticketsFiled;

    public SupportMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Observability.MeterName);
        ticketsFiled = meter.CreateCounter<long>("partnerdesk.tickets.filed", "{ticket}", "Tickets filed, by channel.");
    }

    public void TicketFiled(string channel) => ticketsFiled.Add(1, new KeyValuePair<string, object?>("channel", channel));
}
