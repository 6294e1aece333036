namespace PartnerDesk.Simulator;

/// <summary>
/// How tests and demos drive the simulator: load a scenario, play its steps, publish what Microsoft
/// would publish, inject faults, and read how many requests it answered.
/// </summary>
/// <summary>What Microsoft's support engineer writes on a service request, and the status it sets.</summary>
public sealed record MicrosoftResponse(string? Note, string? Status);

/// <summary>A subscription a test or bench gives a customer, with the licences in use.</summary>
public sealed record SubscriptionSpec(PartnerCenter.Subscription Subscription, int Consumed);

public static class ControlEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var control = app.MapGroup("/_simulator");
        control.MapPost("/scenario", (Scenario scenario, SimulatorState state, Graph.TenantDirectory directory, Graph.EntraDirectory users, bool? autoplay) =>
        {
            state.Load(scenario, autoplay ?? false);
            scenario.Partners.ForEach(directory.Set);
            scenario.Directory.ForEach(users.Set);
            return Results.NoContent();
        });
        control.MapPost("/steps/next", (SimulatorState state) => state.ApplyNext() ? Results.NoContent() : Results.NotFound());
        control.MapPost("/steps", (ScenarioStep step, SimulatorState state) =>
        {
            try
            {
                state.Apply(step);
                return Results.NoContent();
            }
            catch (Exception e) when (e is InvalidDataException or KeyNotFoundException)
            {
                return Results.Problem(e.Message, statusCode: 400);
            }
        });
        control.MapPost("/faults", (Fault fault, SimulatorState state) =>
        {
            state.AddFault(fault);
            return Results.NoContent();
        });
        control.MapDelete("/faults", (SimulatorState state) =>
        {
            state.ClearFaults();
            return Results.NoContent();
        });
        control.MapPut("/page-size/{size:int}", (int size, SimulatorState state) =>
        {
            state.PageSize = Math.Max(1, size);
            return Results.NoContent();
        });
        control.MapGet("/requests", (SimulatorState state) => state.Requests());
        control.MapPut("/partners", (Graph.PartnerTenant partner, Graph.TenantDirectory directory, PartnerCenter.CustomerDirectory customers) =>
        {
            directory.Set(partner);
            customers.Set(partner);
            return Results.NoContent();
        });
        // Partner Center lists this many made-up customers of the partner on top of the named ones (the bench: 10,000).
        control.MapPut("/partners/{tenant:guid}/made-up-customers/{count:int}", (Guid tenant, int count, PartnerCenter.CustomerDirectory customers) =>
        {
            customers.SetMadeUp(tenant, count);
            return Results.NoContent();
        });
        control.MapPut("/customers/{tenant:guid}/subscriptions", (Guid tenant, List<SubscriptionSpec> subscriptions, PartnerCenter.SubscriptionState state) =>
        {
            state.Set(tenant, subscriptions.ConvertAll(s => (s.Subscription, s.Consumed)));
            return Results.NoContent();
        });
        control.MapPut("/directory/{tenant:guid}", (Guid tenant, Graph.DirectoryTenant users, Graph.EntraDirectory directory) =>
        {
            users.TenantId = tenant;
            directory.Set(users);
            return Results.NoContent();
        });
        control.MapGet("/directory", (Graph.EntraDirectory directory) => directory.Tenants());

        // Sign-in: rotate the signing key (the old one stays published unless retireOld), arm a fault for the next id token.
        control.MapPost("/grants/{tenant:guid}/revoke", (Guid tenant, Graph.SignInState signIn) =>
        {
            signIn.RevokeGrants(tenant);
            return Results.NoContent();
        });
        control.MapPost("/keys/rotate", (Graph.SignInState signIn, bool? retireOld) => Results.Ok(new { kid = signIn.RotateKeys(retireOld ?? false) }));
        control.MapPost("/signin-faults", (Graph.SignInFault fault, Graph.SignInState signIn) =>
        {
            signIn.ArmFault(fault.Kind);
            return Results.NoContent();
        });
        control.MapDelete("/signin-faults", (Graph.SignInState signIn) =>
        {
            signIn.ClearFaults();
            return Results.NoContent();
        });
        control.MapPost("/servicerequests/{id}/respond", (string id, MicrosoftResponse response, PartnerCenter.PartnerCenterState state) =>
            state.Respond(id, response.Note, response.Status) ? Results.NoContent() : Results.NotFound());
    }
}
