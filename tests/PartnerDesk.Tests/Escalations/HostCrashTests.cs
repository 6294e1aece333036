using System.Net;
using System.Net.Http.Json;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Escalations;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Simulator;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Escalations;

/// <summary>Nothing lost, nothing twice: the host is killed between sending a service request and recording Microsoft's answer.</summary>
public sealed class HostCrashTests : IAsyncLifetime
{
    private RunningSimulator simulator = null!;
    private string database = "";

    public async ValueTask InitializeAsync()
    {
        simulator = await RunningSimulator.StartAsync();
        database = await TestDatabase.CreateAsync();
    }

    public async ValueTask DisposeAsync() => await simulator.DisposeAsync();

    private Dictionary<string, string> Settings() => new()
    {
        ["PartnerDesk:Microsoft:GraphBaseUrl"] = simulator.GraphBaseUrl.ToString(),
        ["PartnerDesk:Microsoft:LoginBaseUrl"] = simulator.Address.ToString(),
        ["PartnerDesk:Microsoft:PartnerCenterBaseUrl"] = simulator.Address.ToString(),
        ["PartnerDesk:Outbox:Tick"] = "00:00:00.200",
        ["PartnerDesk:Escalations:Enabled"] = "false",
    };

    [Fact]
    public async Task A_host_killed_before_it_records_microsofts_answer_files_one_service_request_after_restart()
    {
        Guid escalationId;
        simulator.PartnerCenter.HoldCreateAnswers = true;
        await using (var host = await HostProcess.Start(database, Settings()))
        {
            var admin = await host.ClientFor(Demo.ContosoAdmin);
            var ticket = await (await admin.PostAsJsonAsync("/api/v1/tickets", new { customerId = DemoWorld.Ids.Adatum, title = "Mail stuck", description = "Everything stays in the outbox.", severity = "B", kind = "Incident", service = "Exchange Online" }))
                .Read<TicketDetails>(HttpStatusCode.Created);
            escalationId = (await (await admin.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/escalations", new { category = "ServiceUnavailable" }))
                .Read<EscalationView>(HttpStatusCode.Created)).Id;

            // Microsoft has created the service request; its answer is on the way when the power goes.
            await Eventually(() => Task.FromResult(simulator.PartnerCenter.ServiceRequestsCreated == 1), host);
            host.Kill();
        }

        simulator.PartnerCenter.HoldCreateAnswers = false;
        await using (var host = await HostProcess.Start(database, Settings()))
        {
            var admin = await host.ClientFor(Demo.ContosoAdmin);
            EscalationDetails? details = null;
            await Eventually(async () =>
            {
                details = await (await admin.GetAsync($"/api/v1/escalations/{escalationId}")).Read<EscalationDetails>();
                return details.Escalation.ServiceRequestId is not null;
            }, host);

            Assert.Equal(1, simulator.PartnerCenter.ServiceRequestsCreated);
            Assert.True(simulator.PartnerCenter.CreateRequestsReceived >= 2, $"{simulator.PartnerCenter.CreateRequestsReceived} create requests");
            Assert.Equal(EscalationState.Open, details!.Escalation.State);
            Assert.Single(details.History, h => h.What == "Sent");
        }
    }

    /// <summary>Waits for something the host does in the background, up to a minute.</summary>
    private async Task Eventually(Func<Task<bool>> condition, HostProcess host)
    {
        for (var i = 0; i < 240; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(250);
        }

        var requests = string.Join(", ", simulator.State.Requests().Select(r => $"{r.Key}: {r.Value}"));
        Assert.Fail($"The host did not get there in a minute. The simulator answered {requests}. The host's output:\n{host.Output}");
    }
}
