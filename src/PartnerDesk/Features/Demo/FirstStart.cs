using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using PartnerDesk.Features.Organisations;
using PartnerDesk.MicrosoftApis;
using PartnerDesk.Platform;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Demo;

/// <summary>At start, after the migrations: fill an empty database with the demo world or the first admin.</summary>
public static class FirstStart
{
    private static string DemoBanner(WebApplication app, string password, bool seeded) => $"""

        PartnerDesk {(seeded ? "demo world seeded" : "demo world")}.
          Sign in at {string.Join(", ", app.Urls.DefaultIfEmpty("http://localhost:5080"))} as admin@contoso-cloud.example (or any demo account)
          Demo password: {password}

        """;

    public static async Task FillEmptyDatabase(this WebApplication app)
    {
        using var scope = app.Services.CreateScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<PartnerDeskDb>();
        var options = services.GetRequiredService<IOptions<PartnerDeskOptions>>().Value;
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger("PartnerDesk.Startup");

        var demo = options.DemoMode ?? app.Environment.IsDevelopment();
        // A generated demo password is kept beside the data, so that every start can say it again.
        var passwordFile = Path.Combine(app.Environment.ContentRootPath, "data", "demo-password.txt");
        if (await Unfiltered.AnyOrganisation(db))
        {
            if (demo && (options.DemoPassword ?? (File.Exists(passwordFile) ? (await File.ReadAllTextAsync(passwordFile)).Trim() : null)) is { } known
                && await Unfiltered.AgentExists(db, DemoWorld.Ids.ContosoAdmin))
            {
                log.LogInformation("{Banner}", DemoBanner(app, known, seeded: false));
            }

            return;
        }

        var hasher = services.GetRequiredService<IPasswordHasher<UserAccount>>();
        var clock = services.GetRequiredService<TimeProvider>();
        if (demo)
        {
            var password = options.DemoPassword;
            if (password is null)
            {
                password = DemoWorld.NewPassword();
                Directory.CreateDirectory(Path.GetDirectoryName(passwordFile)!);
                await File.WriteAllTextAsync(passwordFile, password);
            }

            await DemoWorld.Seed(db, hasher, password, clock);
            await DemoWorld.ConnectPartnerCenter(
                db,
                services.GetRequiredService<IDataProtectionProvider>().CreateProtector(PartnerCenterConnections.Purpose),
                EntraApp.ClientId(services.GetRequiredService<IOptions<MicrosoftOptions>>().Value),
                clock);
            Console.WriteLine(DemoBanner(app, password, seeded: true));
        }
        else if (options.Admin is { Email: not null, Password: not null, Organisation: not null } admin)
        {
            var users = services.GetRequiredService<UserManager<UserAccount>>();
            var kind = Enum.TryParse<OrganisationKind>(admin.OrganisationKind, true, out var k) ? k : OrganisationKind.DirectBill;
            await FirstAdmin.Create(db, users, admin, kind, clock);
            log.LogInformation("Created organisation {Organisation} with admin agent {Email}.", admin.Organisation, admin.Email);
        }
        else
        {
            log.LogWarning("The database is empty and demo mode is off: set PartnerDesk__Admin__Organisation, __Email and __Password to create the first admin.");
        }
    }
}
