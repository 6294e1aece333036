using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;
using PartnerDesk.Bench;
using PartnerDesk.Features.Tickets;

// Usage: PartnerDesk.Bench --host <PartnerDesk.dll> [--postgres <server connection string>] [--databases sqlite,postgres]
//        [--tickets 1000000] [--customers 5000] [--duration 30] [--warmup 15] [--connections 64] [--list-requests 300]
//        [--work <folder>] [--report <file.md>]
// `load seed|phase|report …`: the load and failure suite (bench/load.sh), with options of its own.
if (args.FirstOrDefault() == "load")
{
    Environment.ExitCode = await LoadCommand.Run(args[1..]);
    return;
}

var options = BenchOptions.Parse(args);
var report = new StringBuilder();
var inv = CultureInfo.InvariantCulture;
void Line(string text)
{
    Console.WriteLine(text);
    report.AppendLine(text);
}

Line($"# PartnerDesk bench, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
Line("");
Line($"Machine: {Environment.ProcessorCount} cores, {MachineRamGiB():F1} GiB RAM, .NET SDK {DotnetSdkVersion()}, runtime {Environment.Version}, load average at start {LoadAverage()}.");
Line(string.Create(inv, $"Data: {options.Tickets:N0} tickets over {options.Customers:N0} customers; creates: {options.Connections} connections, {options.WarmUp.TotalSeconds:F0} s warm-up, {options.Duration.TotalSeconds:F0} s measured; lists: {options.ListRequests} sequential requests each after 20 warm-up."));

var match = ServiceHealthWorkload.MatchLatency();
Line("");
Line(string.Create(inv, $"Known-issue matcher (pure, in process): a new ticket prepared and scored against 500 active issues, {match.Count:N0} tickets: p50 {match.P50 * 1000:F1} µs, p95 {match.P95 * 1000:F1} µs, p99 {match.P99 * 1000:F1} µs, max {match.Max * 1000:F1} µs."));

var plans = new StringBuilder();
foreach (var database in options.Databases())
{
    Line("");
    Line($"## {database.Name}");
    if (database is PostgresBenchDatabase)
    {
        Line($"Server: {await PostgresVersion(options.PostgresServer!)}");
    }

    try
    {
        await RunOne(database);
    }
    finally
    {
        // --only seed leaves the database for inspection (SQLite: the file in --work; PostgreSQL: partnerdesk_bench).
        if (options.Only != "seed" && !options.ReuseSeed)
        {
            await database.Drop();
        }
    }
}

var reportPath = options.ReportPath;
await File.WriteAllTextAsync(reportPath, report.ToString());
await File.WriteAllTextAsync(Path.ChangeExtension(reportPath, ".plans.txt"), plans.ToString());
Console.WriteLine($"\nReport written to {reportPath} (query plans beside it).");
return;

async Task RunOne(BenchDatabase database)
{
    var watch = Stopwatch.StartNew();
    var reused = options.ReuseSeed && await database.HoldsSeed(options.Tickets);
    SeedPlan plan;
    if (reused)
    {
        plan = new SeedPlan(options.Customers, options.Tickets, DateTimeOffset.UtcNow);
        await database.Migrate(); // a seed kept from an older main gets this main's tables
        Line(string.Create(inv, $"Seed: reused (--reuse-seed true): the database already holds {options.Tickets:N0} tickets or more."));
    }
    else
    {
        await database.CreateEmpty();
        await database.MigrateAndSeedDemo();
        var schemaSeconds = watch.Elapsed.TotalSeconds;

        plan = new SeedPlan(options.Customers, options.Tickets, DateTimeOffset.UtcNow) { FirstNumber = await database.ContosoLastNumber() + 1 };
        watch.Restart();
        await database.BulkInsert(plan);
        var bulkSeconds = watch.Elapsed.TotalSeconds;
        Line(string.Create(inv, $"Seed: schema and demo world {schemaSeconds:F1} s (host migrations + DemoWorld), bulk {options.Customers:N0} customers + {options.Tickets:N0} tickets + {options.Tickets * 3:N0} messages (search index by its triggers) {bulkSeconds:F1} s ({options.Tickets / bulkSeconds:N0} tickets/s), total {schemaSeconds + bulkSeconds:F1} s."));
    }

    if (options.Only == "seed")
    {
        return;
    }

    if (options.Only == "create-probe")
    {
        await ProbeRun(database, plan);
        return;
    }

    if (options.Only == "service-health")
    {
        await IncidentRun(database, plan);
        return;
    }

    if (options.Only == "knowledge")
    {
        var k = await KnowledgeWorkload.Run(database);
        Line(string.Create(inv, $"Knowledge base: {k.Articles:N0} articles ({k.Terms:N0} index words) seeded in {k.SeedSeconds:F1} s; search of 2–4 words (the last cut short, as while typing), top 10, in process: as an agent p50 {k.Agent.P50:F2} ms, p95 {k.Agent.P95:F2} ms, p99 {k.Agent.P99:F2} ms, max {k.Agent.Max:F2} ms; as a contact (public articles) p50 {k.Contact.P50:F2} ms, p95 {k.Contact.P95:F2} ms, p99 {k.Contact.P99:F2} ms; {k.AverageHits:F1} hits per search."));
        return;
    }

    if (options.Only == "workspace")
    {
        var w = await WorkspaceWorkload.Run(database, options.HostDll, Path.Combine(options.WorkFolder, $"host-{database.HostSetting.ToLowerInvariant()}.log"), options.ListRequests);
        Line(string.Create(inv, $"Customer workspace: a customer with {w.Tickets} tickets ({w.Open} left open) and {w.Subscriptions} subscriptions, read by a helpdesk agent, sequential requests:"));
        Line("");
        Line("| Read | p50 ms | p95 ms | p99 ms | max ms |");
        Line("|---|---|---|---|---|");
        foreach (var (name, f) in new[] { ("Workspace, handler in process (database only)", w.InProcess), ("Workspace over HTTP (`/api/v1/customers/{id}/workspace`)", w.Api), ("Console page over HTTP (`/console/customers/{id}`, Microsoft's facts kept)", w.Page), ("Microsoft's facts, kept (`/tenant`)", w.FactsKept), ("Microsoft's facts read live from the simulator (`/tenant?refresh=true`)", w.FactsLive) })
        {
            Line(string.Create(inv, $"| {name} | {f.P50:F2} | {f.P95:F2} | {f.P99:F2} | {f.Max:F2} |"));
        }

        return;
    }

    if (options.Only == "mail")
    {
        await MailRun(database);
        return;
    }

    if (options.Only == "customer-import")
    {
        var c = await CustomerImportWorkload.Run(database, options.HostDll, Path.Combine(options.WorkFolder, $"host-{database.HostSetting.ToLowerInvariant()}.log"));
        Line(string.Create(inv, $"Customer import from Partner Center (simulated, 500 a page, over the host's API): {c.Customers:N0} customers the first time {c.FirstSeconds:F1} s; again, nothing new, {c.AgainSeconds:F1} s; after 100 renamed and 100 gone {c.ChangedSeconds:F1} s."));
        Line($"First: `{c.First}`; after the changes: `{c.Changed}`.");
        return;
    }

    if (options.Only == "sla")
    {
        await SlaSweepRun(database);
        var slaLog = Path.Combine(options.WorkFolder, $"host-{database.HostSetting.ToLowerInvariant()}.log");
        await using var slaHost = await HostUnderTest.Start(options.HostDll, database, slaLog);
        await BreachDelayRun(database);
        return;
    }

    var largest = reused ? await database.CustomerNamed(plan.Customers[0].Name) : plan.Customers[0].Id;
    var small = reused ? await database.CustomerNamed(plan.Customers[plan.Customers.Count * 4 / 5].Name) : plan.Customers[plan.Customers.Count * 4 / 5].Id;
    if (options.Only == "reports")
    {
        plans.AppendLine(inv, $"===== {database.Name} (reports)");
        if (options.Reports is null || options.Reports.Contains("response-times"))
        {
            var (months, took) = await ReportWorkload.CountClosedMonths(database, plan.Now);
            Line(string.Create(inv, $"Response-time rollup: {months} closed months counted in {took.TotalSeconds:F1} s (what the job's first round does on this seed)."));
        }

        var cases = await ReportWorkload.Run(database, plan, largest, Math.Min(options.ListRequests, 30), options.Reports);
        Line("");
        Line("| Report | scope | in process p50 / p95 / max ms |");
        Line("|---|---|---|");
        foreach (var c in cases)
        {
            Line(string.Create(inv, $"| {c.Report} | {c.Scope} | {c.Figures.P50:F1} / {c.Figures.P95:F1} / {c.Figures.Max:F1} |"));
            if (c.Plans.Length > 0)
            {
                plans.AppendLine(inv, $"--- report {c.Report}, {c.Scope}\n{c.Plans}\n");
            }
        }

        return;
    }

    (string Name, QueryWorkload.ListCall Call, string? Url)[] lists =
    [
        ("API: all, newest 50", QueryWorkload.Api(new()), "/api/v1/tickets?limit=50"),
        ("API: status=New,Open", QueryWorkload.Api(new(Status: "New,Open")), "/api/v1/tickets?status=New,Open&limit=50"),
        ("API: status=Open", QueryWorkload.Api(new(Status: "Open")), "/api/v1/tickets?status=Open&limit=50"),
        ("API: customerId (largest customer)", QueryWorkload.Api(new(CustomerId: largest)), $"/api/v1/tickets?customerId={largest}&limit=50"),
        ("API: customerId (small customer)", QueryWorkload.Api(new(CustomerId: small)), $"/api/v1/tickets?customerId={small}&limit=50"),
        ("API: customerId + status=New,Open", QueryWorkload.Api(new(Status: "New,Open", CustomerId: largest)), $"/api/v1/tickets?customerId={largest}&status=New,Open&limit=50"),
        ("Console queue: active, newest 50", QueryWorkload.ConsoleQueue(new() { PageSize = 50 }), null),
        ("Console queue: active, customer, newest 50", QueryWorkload.ConsoleQueue(new() { CustomerId = largest, PageSize = 50 }), null),
        ("Console queue: active, page 11 (offset 500)", QueryWorkload.ConsoleQueue(new() { PageSize = 50, Page = 10 }), null),
        ("Console queue: active, recently updated", QueryWorkload.ConsoleQueue(new() { PageSize = 50, Sort = QueueSort.RecentlyUpdated }), null),
        ("Console queue: active, by severity", QueryWorkload.ConsoleQueue(new() { PageSize = 50, Sort = QueueSort.Severity }), null),
        // Full-text search (title, description, three messages a ticket): a word in 1 of 10,000 tickets' notes, one
        // in about 1 in 16 titles, one in every description, prefixes, two words, and the same with a filter.
        ("Search: rare word (kerberos)", QueryWorkload.Api(new(Q: "kerberos")), "/api/v1/tickets?q=kerberos&limit=50"),
        ("Search: common word (outlook)", QueryWorkload.Api(new(Q: "outlook")), "/api/v1/tickets?q=outlook&limit=50"),
        ("Search: word in every ticket (restart)", QueryWorkload.Api(new(Q: "restart")), "/api/v1/tickets?q=restart&limit=50"),
        ("Search: prefix (licen)", QueryWorkload.Api(new(Q: "licen")), "/api/v1/tickets?q=licen&limit=50"),
        ("Search: umlaut prefix (postfä)", QueryWorkload.Api(new(Q: "postfä")), $"/api/v1/tickets?q={Uri.EscapeDataString("postfä")}&limit=50"),
        ("Search: two words (mailbox databa)", QueryWorkload.Api(new(Q: "mailbox databa")), "/api/v1/tickets?q=mailbox%20databa&limit=50"),
        ("Search: common word, small customer", QueryWorkload.Api(new(Q: "outlook", CustomerId: small)), $"/api/v1/tickets?q=outlook&customerId={small}&limit=50"),
        ("Search: common word + status=New,Open", QueryWorkload.Api(new(Q: "outlook", Status: "New,Open")), "/api/v1/tickets?q=outlook&status=New,Open&limit=50"),
        ("Console queue: active, search outlook", QueryWorkload.ConsoleQueue(new() { PageSize = 50, Search = "outlook" }), null),
    ];

    // The queries and the SLA sweep alone first, before the host competes for the two cores.
    var queries = new QueryWorkload(database);
    plans.AppendLine(inv, $"===== {database.Name}");
    var queryFigures = new Dictionary<string, LatencySummary>();
    foreach (var (name, call, _) in lists)
    {
        plans.AppendLine(inv, $"--- {name}\n{await queries.Explain(call)}\n");
        queryFigures[name] = await queries.Measure(call, 20, options.ListRequests);
    }

    // --only queries: the handlers in process and their plans, without the host (a quick look while developing).
    if (options.Only == "queries")
    {
        Line("");
        Line("| List query | handler in process p50 / p95 / p99 ms |");
        Line("|---|---|");
        foreach (var (name, _, _) in lists)
        {
            var q = queryFigures[name];
            Line(string.Create(inv, $"| {name} | {q.P50:F2} / {q.P95:F2} / {q.P99:F2} |"));
        }

        return;
    }

    var logPath = Path.Combine(options.WorkFolder, $"host-{database.HostSetting.ToLowerInvariant()}.log");
    await using var host = await HostUnderTest.Start(options.HostDll, database, logPath);
    Line(string.Create(inv, $"Host: started, RSS {host.CurrentRssMiB():F0} MiB (its log: bench/results/{Path.GetFileName(logPath)})."));
    using var api = new ApiWorkload(host.Address, options.Connections);
    await api.SignIn("admin@contoso-cloud.example", BenchDatabase.DemoPassword);
    await VerifySeed(api, plan, largest);

    Line("");
    Line("| List query | handler in process p50 / p95 / p99 ms | over HTTP p50 / p95 / p99 ms | HTTP max ms |");
    Line("|---|---|---|---|");
    foreach (var (name, _, url) in lists)
    {
        var q = queryFigures[name];
        var http = "(Blazor page, no API)";
        var max = "";
        if (url is not null)
        {
            var a = await api.MeasureGet(url, 20, options.ListRequests);
            http = string.Create(inv, $"{a.P50:F2} / {a.P95:F2} / {a.P99:F2}");
            max = string.Create(inv, $"{a.Max:F1}");
        }

        Line(string.Create(inv, $"| {name} | {q.P50:F2} / {q.P95:F2} / {q.P99:F2} | {http} | {max} |"));
    }

    var rssBeforeLoad = host.CurrentRssMiB();
    var customers = plan.Customers.Select(c => c.Id).ToList();
    // CPU is sampled from the end of the warm-up, so that the JIT's first seconds are not counted.
    var measuring = api.MeasureCreates(customers, options.WarmUp, options.Duration);
    // One person reading beside the load, on a connection of their own: a search for the creates' own word (on SQLite it
    // indexes what was queued first, decisions 8p.7) and the same list without a search.
    using var reader = new ApiWorkload(host.Address, 1);
    await reader.SignIn("admin@contoso-cloud.example", BenchDatabase.DemoPassword);
    string[] readsWhileCreating = ["/api/v1/tickets?limit=50&q=mailbox", "/api/v1/tickets?limit=50"];
    var reading = reader.MeasureGetsWhile(readsWhileCreating, options.WarmUp, TimeSpan.FromMilliseconds(100), measuring);
    await Task.Delay(options.WarmUp);
    var hostCpuBefore = host.CpuTime();
    var benchCpuBefore = Environment.CpuUsage.TotalTime;
    var machine = new CpuMeter();
    var creates = await measuring;
    var busy = machine.BusyPercent();
    var perRequest = (host.CpuTime() - hostCpuBefore).TotalMilliseconds / Math.Max(1, creates.Created + creates.Errors);
    var benchPerRequest = (Environment.CpuUsage.TotalTime - benchCpuBefore).TotalMilliseconds / Math.Max(1, creates.Created + creates.Errors);
    Line("");
    Line(string.Create(inv, $"Create over HTTP: {creates.PerSecond:N0} tickets/s ({creates.Created:N0} in {creates.Seconds:F1} s, {creates.Errors} errors) at {creates.Connections} connections; latency p50 {creates.Latency.P50:F1} ms, p95 {creates.Latency.P95:F1} ms, p99 {creates.Latency.P99:F1} ms, max {creates.Latency.Max:F1} ms."));
    Line(string.Create(inv, $"CPU during the measured create load: machine {busy:F0} % busy over {Environment.ProcessorCount} cores; host {perRequest:F2} ms CPU per request; bench client {benchPerRequest:F2} ms CPU per request; the rest is the database server and other work on the machine."));
    var read = await reading;
    Line(string.Create(inv, $"Read while creating (one more client, a request every 100 ms after the last answer, measured window): search `q=mailbox` p50 / p95 / p99 {read[0].P50:F1} / {read[0].P95:F1} / {read[0].P99:F1} ms (n={read[0].Count}); the same list without a search {read[1].P50:F1} / {read[1].P95:F1} / {read[1].P99:F1} ms (n={read[1].Count})."));
    var health = await api.HealthChecksPerSecond(TimeSpan.FromSeconds(3), options.Duration);
    Line(string.Create(inv, $"Health checks over HTTP (anonymous `/health/live`, same connections and duration, right after): {health:N0}/s; **creates ÷ health checks = {creates.PerSecond / health:F3}** (the figure that holds across machines)."));
    foreach (var error in creates.FirstErrors)
    {
        Line($"  error: {error}");
    }

    // The queue right after the load: the newest tickets are the load's own New tickets.
    var after = await api.MeasureGet("/api/v1/tickets?status=New,Open&limit=50", 20, options.ListRequests);
    Line(string.Create(inv, $"Queue (status=New,Open) after the load: p50 {after.P50:F2} ms, p95 {after.P95:F2} ms, p99 {after.P99:F2} ms."));
    Line(string.Create(inv, $"Host memory: RSS {rssBeforeLoad:F0} MiB before the create load, peak sampled RSS {host.PeakSampledRssMiB:F0} MiB, kernel peak (VmHWM) {host.PeakRssMiB():F0} MiB."));
    await IncidentRun(database, plan);
}

async Task ProbeRun(BenchDatabase database, SeedPlan plan)
{
    var adatum = PartnerDesk.Features.Demo.DemoWorld.Ids.Adatum;
    var bare = plan.Customers[plan.Customers.Count * 4 / 5].Id;
    if (!options.ProbeSearchTriggers)
    {
        await database.DropSearchTriggers();
        Line("");
        Line("Search index's triggers dropped before the probe (--probe-search-triggers off): creates without the search index.");
    }

    var figures = await CreateProbe.Run(database, Path.GetDirectoryName(options.HostDll)!, [("Adatum (demo: contract with SLA, Microsoft incidents, routing)", adatum), ("bare customer (bench seed)", bare)], options.ProbeWarmUp, options.ProbeCreates);
    if (options.Gate is { } gateFile)
    {
        var verdict = CreateGate.Judge(gateFile, database.Name, figures, options.GateRecord);
        Line("");
        foreach (var line in verdict.Lines)
        {
            Line(line);
        }

        if (!verdict.Passed)
        {
            Environment.ExitCode = 1;
        }
    }

    Line("");
    Line(string.Create(inv, $"Create, one at a time in process ({options.ProbeWarmUp:N0} warm-up, {options.ProbeCreates:N0} measured in three rounds: bytes over all, CPU of the least round; the anonymous health check through the same pipeline as the floor):"));
    Line("");
    Line("| Customer | allocated KB per create | CPU ms per create | EF commands per create | health check: KB, CPU ms |");
    Line("|---|---|---|---|---|");
    foreach (var f in figures)
    {
        Line(string.Create(inv, $"| {f.Customer} | {f.AllocatedKiB:F1} | {f.CpuMs:F2} | {f.Commands:F2} (+1 number upsert) | {f.HealthAllocatedKiB:F1}, {f.HealthCpuMs:F3} |"));
    }

    foreach (var f in figures)
    {
        Line("");
        Line($"Commands per create, {f.Customer}:");
        Line("");
        Line("| per create | mean ms | command |");
        Line("|---|---|---|");
        foreach (var (command, perCreate, meanMs) in f.ByCommand)
        {
            Line(string.Create(inv, $"| {perCreate:F2} | {meanMs:F3} | `{command.Replace("|", "\\|", StringComparison.Ordinal)}` |"));
        }

        Line("");
        Line($"Allocations by type (the runtime's samples, about one per 100 KB), {f.Customer}:");
        Line("");
        Line("| KB per create | type |");
        Line("|---|---|");
        foreach (var (type, kib) in f.ByType)
        {
            Line(string.Create(inv, $"| {kib:F1} | `{type}` |"));
        }

        Line("");
        Line("Allocations by type of the health check, for comparison:");
        Line("");
        Line("| KB per request | type |");
        Line("|---|---|");
        foreach (var (type, kib) in f.HealthByType)
        {
            Line(string.Create(inv, $"| {kib:F1} | `{type}` |"));
        }
    }
}

async Task SlaSweepRun(BenchDatabase database)
{
    var s = await SlaWorkload.Sweep(database);
    Line(string.Create(inv, $"SLA sweep over {s.Open:N0} open tickets with an SLA (in process): a round finding {s.Noticed:N0} overdue (about 1 in 100) took {s.Round.TotalMilliseconds:F0} ms; an idle round (nothing due, the usual case) p50 {s.Idle.P50:F2} ms, p95 {s.Idle.P95:F2} ms, max {s.Idle.Max:F2} ms; catching up after every open ticket fell due ({s.CaughtUp:N0} breaches recorded, each with a history line and an alert) took {s.CatchUp.TotalSeconds:F1} s."));
}

async Task MailRun(BenchDatabase database)
{
    var server = new MailWorkload.MailServer("127.0.0.1", int.Parse(Environment.GetEnvironmentVariable("PD_BENCH_IMAP_PORT") ?? throw new InvalidOperationException("bench/run.sh --only mail starts the mail servers and sets PD_BENCH_IMAP_PORT."), inv),
        int.Parse(Environment.GetEnvironmentVariable("PD_BENCH_SMTP_PORT")!, inv), Environment.GetEnvironmentVariable("PD_BENCH_MAIL_PASSWORD")!);
    var logPath = Path.Combine(options.WorkFolder, $"host-{database.HostSetting.ToLowerInvariant()}.log");
    // The background reader off: the measured pass is the only reader of the mailbox.
    await using var host = await HostUnderTest.Start(options.HostDll, database, logPath, new Dictionary<string, string>
    {
        ["PartnerDesk__Mail__Enabled"] = "false",
        // 10,000 mails from four contacts within minutes: the rates would quarantine most of them. The bench
        // measures taking mail (the rate checks still run), not the limits.
        ["PartnerDesk__Mail__SenderHourlyLimit"] = "1000000",
        ["PartnerDesk__Mail__OrganisationHourlyLimit"] = "1000000",
    });
    var cpuBefore = host.CpuTime();
    var m = await MailWorkload.Run(database, host, server, 10_000);
    var cpu = (host.CpuTime() - cpuBefore).TotalMilliseconds / m.Messages;
    Line(string.Create(inv, $"Inbound mail: {m.Messages:N0} messages ({m.Duplicates} delivered twice) appended to Dovecot in {m.Append:F1} s, then read by the host in one pass in {m.Read:F1} s: {m.PerSecond:N0} messages/s ({m.Tickets:N0} tickets, {m.Replies:N0} replies threaded, {m.Triage:N0} to triage, {m.Ignored:N0} auto-replies ignored, {m.Quarantined} quarantined, {m.Duplicates} duplicates recognised); {m.Seen:N0} flagged \\Seen, each recorded once; host CPU {cpu:F2} ms per message (outbox sending {m.Acknowledged:N0} acknowledgements meanwhile); host peak RSS {host.PeakRssMiB():F0} MiB."));
}

async Task BreachDelayRun(BenchDatabase database)
{
    var b = await SlaWorkload.BreachDelay(database);
    Line(string.Create(inv, $"SLA breach noticed by the running host (its sweep every 15 s): {b.Tickets} tickets falling due over a minute, delay from due time to the recorded breach p50 {b.P50Seconds:F1} s, max {b.MaxSeconds:F1} s."));
}

async Task IncidentRun(BenchDatabase database, SeedPlan plan)
{
    // A small incident first, as a running host has compiled these queries long before a big one comes.
    await ServiceHealthWorkload.Incident(database, [.. plan.Customers.Take(50).Select(c => c.Id)]);
    var incident = await ServiceHealthWorkload.Incident(database, [.. plan.Customers.Select(c => c.Id)]);
    Line(string.Create(inv, $"Incident across {incident.Customers:N0} customers, each with an open ticket about it: linked {incident.Linked:N0} tickets in {incident.Link.TotalMilliseconds:F0} ms (match, link, history); Microsoft's next post queued to {incident.Told:N0} tickets and their requesters in {incident.Tell.TotalMilliseconds:F0} ms (internal note, notification); together {(incident.Link + incident.Tell).TotalMilliseconds:F0} ms."));
}

static async Task VerifySeed(ApiWorkload api, SeedPlan plan, Guid customer)
{
    var newest = (await api.Get("/api/v1/tickets?limit=5")).GetProperty("items")[0];
    var number = newest.GetProperty("number").GetString();
    var created = newest.GetProperty("createdAt").GetDateTimeOffset();
    if (number != TicketNumber.Format(plan.LastNumber)
        || !newest.GetProperty("customerName").GetString()!.StartsWith("Bench Customer", StringComparison.Ordinal)
        || created > plan.Now || created < plan.Now.AddDays(-1))
    {
        throw new InvalidOperationException($"The API does not list the seeded tickets as seeded: {newest}");
    }

    var page = await api.Get($"/api/v1/tickets?customerId={customer}&status=Closed&limit=200");
    var items = page.GetProperty("items").EnumerateArray().ToList();
    if (items.Count != 200 || items.Any(t => t.GetProperty("customerId").GetGuid() != customer || t.GetProperty("status").GetString() != "Closed")
        || page.GetProperty("nextCursor").GetString() is null)
    {
        throw new InvalidOperationException("The customer filter over the seeded tickets is wrong.");
    }

    var id = newest.GetProperty("id").GetGuid();
    var one = await api.Get($"/api/v1/tickets/{id}");
    if (one.GetProperty("description").GetString()!.Length == 0)
    {
        throw new InvalidOperationException("A seeded ticket does not read back.");
    }

    Console.WriteLine("Seed verified through the API (newest number, customer filter, paging, ticket details).");
}

static double MachineRamGiB() =>
    long.Parse(File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
        .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0 / 1024.0;

static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

static string DotnetSdkVersion()
{
    using var dotnet = Process.Start(new ProcessStartInfo("dotnet", ["--version"]) { RedirectStandardOutput = true })!;
    var version = dotnet.StandardOutput.ReadToEnd().Trim();
    dotnet.WaitForExit();
    return version;
}

static async Task<string> PostgresVersion(string server)
{
    await using var connection = new NpgsqlConnection(server);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand("SELECT version()", connection);
    return (string)(await command.ExecuteScalarAsync())!;
}
