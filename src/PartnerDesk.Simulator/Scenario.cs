using System.Text.Json;
using PartnerDesk.Simulator.Graph;

namespace PartnerDesk.Simulator;

/// <summary>
/// A script of what Microsoft publishes: steps that open incidents, post updates, resolve them and
/// publish Message center posts for a set of tenants. A step's <see cref="ScenarioStep.At"/> is its
/// offset from the moment the scenario is loaded; with autoplay the simulator applies steps when due,
/// otherwise a test applies them one by one through the control endpoints.
/// </summary>
public sealed class Scenario
{
    public List<ScenarioStep> Steps { get; set; } = [];

    /// <summary>Partner tenants with their customers and GDAP relationships, loaded with the scenario.</summary>
    public List<PartnerTenant> Partners { get; set; } = [];

    /// <summary>Tenants' users, who can sign in through the simulated Entra ID and are listed by Graph's /users.</summary>
    public List<DirectoryTenant> Directory { get; set; } = [];

    public static async Task<Scenario> ReadAsync(string path)
    {
        await using var file = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<Scenario>(file, SimulatorJson.Options)
            ?? throw new InvalidDataException($"The scenario {path} is empty.");
    }
}

public sealed class ScenarioStep
{
    public TimeSpan At { get; set; }

    /// <summary>openIssue, addPost, resolveIssue or publishMessage.</summary>
    public string Action { get; set; } = "";
    public List<Guid> Tenants { get; set; } = [];
    public ServiceHealthIssue? Issue { get; set; }
    public string? IssueId { get; set; }
    public string? Status { get; set; }
    public string? Post { get; set; }
    public ServiceUpdateMessage? Message { get; set; }
}
