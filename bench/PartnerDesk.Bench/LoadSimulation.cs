using System.Collections.Concurrent;
using System.Diagnostics;

namespace PartnerDesk.Bench;

/// <summary>A write a person sent: its sequence number (in its Idempotency-Key and its marker) and whether it was seen to succeed.</summary>
public sealed record LoadWrite(long Sequence, string Kind, bool Seen);

/// <summary>
/// The people of one phase at work. Agents look at their queue (their own customers, sometimes the team's), open a
/// ticket (details and conversation), search, reply, write internal notes, change status and file tickets; contacts
/// look at their tickets, open one, reply and file new ones. Each waits a random think time (exponential, its mean
/// given) between two actions. Every write carries an Idempotency-Key <c>ld-{phase}-{n}</c>; tickets and messages
/// also carry the marker <c>[ld:{phase}:{n}]</c> in their text, so that the count check finds each one.
/// </summary>
public sealed class LoadSimulation(LoadPeople people, LoadClient client, string phase, TimeSpan agentThink, TimeSpan contactThink)
{
    private static readonly string[] Problems =
    [
        "Outlook cannot send mail", "Teams meetings drop", "Licence assignment fails", "MFA prompt loops", "Shared mailbox missing",
        "Device enrolment stuck", "Guest access blocked", "Sync client stops syncing", "Password reset does not arrive",
    ];

    private static readonly string[] Words = ["outlook", "licen", "mailbox", "teams", "restart", "sync", "kerberos", "postfä", "mailbox databa", "guest"];

    private static readonly (int Weight, string Action)[] AgentActions =
    [
        (22, "queue"), (6, "team queue"), (20, "open"), (10, "search"), (12, "reply"), (8, "note"), (12, "status"), (6, "create"),
    ];

    private static readonly (int Weight, string Action)[] ContactActions = [(30, "my tickets"), (35, "open"), (20, "reply"), (15, "create")];

    private readonly ConcurrentBag<LoadWrite> writes = [];
    private long sequence;

    public IReadOnlyCollection<LoadWrite> Writes => writes;

    public static readonly string[] WriteKinds = ["reply", "note", "status", "create", "reply (contact)", "create (contact)"];

    public async Task Run(long end)
    {
        var agents = people.Agents.Select((a, i) => Task.Run(() => Agent(a, i, end)));
        var contacts = people.Contacts.Select((c, i) => Task.Run(() => Contact(c, people.Agents.Count + i, end)));
        await Task.WhenAll(agents.Concat(contacts));
    }

    private sealed record TicketRef(Guid Id, string Status);

    private async Task Agent(LoadAgent agent, int person, long end)
    {
        var random = new Random(person + 1);
        var tickets = new List<TicketRef>();
        await Task.Delay(TimeSpan.FromMilliseconds(random.NextDouble() * agentThink.TotalMilliseconds));
        while (Stopwatch.GetTimestamp() < end)
        {
            var action = tickets.Count == 0 ? "queue" : Pick(random, AgentActions);
            var customer = agent.Customers.Count > 0 ? agent.Customers[random.Next(agent.Customers.Count)] : (Guid?)null;
            switch (action)
            {
                case "queue" or "team queue":
                    var own = action == "queue" && customer is not null
                        ? await List(person, agent.Token, "queue", $"/api/v1/tickets?customerId={customer}&status=New,Open,PendingCustomer&limit=50")
                        : [];
                    // A customer with nothing open: the agent looks at the team's queue instead.
                    tickets = own.Count > 0 ? own : await List(person, agent.Token, "team queue", "/api/v1/tickets?status=New,Open&limit=50");
                    break;
                case "open":
                    var read = tickets[random.Next(tickets.Count)];
                    await client.Call(person, agent.Token, "ticket", HttpMethod.Get, $"/api/v1/tickets/{read.Id}");
                    await client.Call(person, agent.Token, "conversation", HttpMethod.Get, $"/api/v1/tickets/{read.Id}/messages");
                    break;
                case "search":
                    var words = Uri.EscapeDataString(Words[random.Next(Words.Length)]);
                    await client.Call(person, agent.Token, "search", HttpMethod.Get,
                        random.Next(2) == 0 && customer is not null ? $"/api/v1/tickets?q={words}&customerId={customer}&limit=25" : $"/api/v1/tickets?q={words}&limit=25");
                    break;
                case "reply" or "note":
                    var target = tickets[random.Next(tickets.Count)];
                    await Write(person, agent.Token, action, HttpMethod.Post, $"/api/v1/tickets/{target.Id}/messages", n => new
                    {
                        body = action == "reply" ? $"We are looking into it and will update you within the hour. {Marker(n)}" : $"Checked the tenant's sign-in logs, nothing unusual. {Marker(n)}",
                        visibility = action == "reply" ? "Public" : "Internal",
                    });
                    break;
                case "status":
                    var index = random.Next(tickets.Count);
                    var next = tickets[index].Status switch
                    {
                        "New" or "PendingCustomer" or "Escalated" => "Open",
                        _ => random.Next(10) == 0 ? "Resolved" : "PendingCustomer",
                    };
                    if ((await Write(person, agent.Token, "status", HttpMethod.Patch, $"/api/v1/tickets/{tickets[index].Id}", _ => new { status = next })).Ok)
                    {
                        tickets[index] = tickets[index] with { Status = next };
                    }

                    break;
                default:
                    if (customer is null)
                    {
                        break;
                    }

                    var created = await Write(person, agent.Token, "create", HttpMethod.Post, "/api/v1/tickets", n => new
                    {
                        customerId = customer,
                        title = $"{Problems[random.Next(Problems.Length)]} {Marker(n)}",
                        description = "Phoned in: several users affected since this morning. Filed by the load suite.",
                        severity = random.Next(10) == 0 ? "A" : random.Next(2) == 0 ? "B" : "C",
                        kind = random.Next(3) == 0 ? "ServiceRequest" : "Incident",
                        service = "Exchange Online",
                    });
                    if (created.Ok)
                    {
                        tickets.Add(new TicketRef(created.Body.GetProperty("id").GetGuid(), "New"));
                    }

                    break;
            }

            await Think(random, agentThink);
        }
    }

    private async Task Contact(LoadContact contact, int person, long end)
    {
        var random = new Random(person + 1);
        var tickets = new List<TicketRef>();
        await Task.Delay(TimeSpan.FromMilliseconds(random.NextDouble() * contactThink.TotalMilliseconds));
        while (Stopwatch.GetTimestamp() < end)
        {
            var action = Pick(random, ContactActions);
            var open = tickets.Where(t => t.Status != "Closed").ToList();
            if (action == "my tickets" || (tickets.Count == 0 && action != "create"))
            {
                tickets = await List(person, contact.Token, "my tickets", "/api/v1/tickets?limit=25");
            }
            else if (action == "open" && tickets.Count > 0)
            {
                var read = tickets[random.Next(tickets.Count)];
                await client.Call(person, contact.Token, "ticket (contact)", HttpMethod.Get, $"/api/v1/tickets/{read.Id}");
                await client.Call(person, contact.Token, "conversation (contact)", HttpMethod.Get, $"/api/v1/tickets/{read.Id}/messages");
            }
            else if (action == "reply" && open.Count > 0)
            {
                var target = open[random.Next(open.Count)];
                await Write(person, contact.Token, "reply (contact)", HttpMethod.Post, $"/api/v1/tickets/{target.Id}/messages",
                    n => new { body = $"Still happening for two colleagues, screenshot follows. {Marker(n)}" });
            }
            else
            {
                var created = await Write(person, contact.Token, "create (contact)", HttpMethod.Post, "/api/v1/tickets", n => new
                {
                    title = $"{Problems[random.Next(Problems.Length)]} {Marker(n)}",
                    description = "Since this morning nobody in accounting can work. Filed in the portal by the load suite.",
                    severity = random.Next(3) == 0 ? "B" : "C",
                    kind = random.Next(4) == 0 ? "ServiceRequest" : "Incident",
                });
                if (created.Ok)
                {
                    tickets.Add(new TicketRef(created.Body.GetProperty("id").GetGuid(), "New"));
                }
            }

            await Think(random, contactThink);
        }
    }

    private async Task<List<TicketRef>> List(int person, string token, string kind, string path)
    {
        var answer = await client.Call(person, token, kind, HttpMethod.Get, path);
        return answer.Ok
            ? [.. answer.Body.GetProperty("items").EnumerateArray().Select(t => new TicketRef(t.GetProperty("id").GetGuid(), t.GetProperty("status").GetString()!))]
            : [];
    }

    /// <summary>A write with its own Idempotency-Key (kept over the client's repeats) and marker; remembered for the count check.</summary>
    private async Task<LoadAnswer> Write(int person, string token, string kind, HttpMethod method, string path, Func<long, object> body)
    {
        var n = Interlocked.Increment(ref sequence);
        var answer = await client.Call(person, token, kind, method, path, body(n), Key(phase, n));
        writes.Add(new LoadWrite(n, kind, answer.Ok));
        return answer;
    }

    public static string Key(string phase, long n) => $"ld-{phase}-{n}";

    private string Marker(long n) => $"[ld:{phase}:{n}]";

    private static Task Think(Random random, TimeSpan mean) =>
        Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5, -Math.Log(1 - random.NextDouble())) * mean.TotalMilliseconds));

    private static string Pick(Random random, (int Weight, string Action)[] choices)
    {
        var roll = random.Next(choices.Sum(c => c.Weight));
        foreach (var (weight, action) in choices)
        {
            if (roll < weight)
            {
                return action;
            }

            roll -= weight;
        }

        return choices[^1].Action;
    }

    /// <summary>Whether a kind of request writes (the p99 target is 200 ms for writes, 100 ms for reads).</summary>
    public static bool IsWrite(string kind) => WriteKinds.Contains(kind);
}
