namespace PartnerDesk.Simulator;

/// <summary>
/// Standalone: `dotnet run --project src/PartnerDesk.Simulator -- --urls http://127.0.0.1:5080 [--scenario path]`.
/// A named class rather than top-level statements, so that its Program does not collide with the host's.
/// </summary>
internal static class SimulatorProgram
{
    private static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddMicrosoftSimulator();
        var app = builder.Build();
        app.MapMicrosoftSimulator();
        if (app.Configuration["scenario"] is { Length: > 0 } scenario)
        {
            app.LoadScenario(await Scenario.ReadAsync(scenario), autoplay: true);
        }

        await app.RunAsync();
    }
}
